"""``manage.py workspace_export <slug> [-o file]``: a workspace as one JSON document.

Without ``-o`` the document goes to standard output (``… | gzip > acme.json.gz``). It is read
in one transaction and written as it is read, so a large workspace needs little memory.
"""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat

from alignment.portability import workspace_export_json
from teams.models import Workspace


class Command(BaseCommand):
    help = "Write a workspace (everything in it) as one JSON document."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The workspace, as in /w/<slug>/.")
        parser.add_argument(
            "-o", "--output", help="The file to write; standard output when left out."
        )

    def handle(self, *args: Any, slug: str, output: str | None, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=slug).first()
        if workspace is None:
            raise CommandError(f"No workspace has the slug “{slug}”.")
        pieces = workspace_export_json(workspace=workspace)
        if output is None:
            for piece in pieces:
                self.stdout.write(piece, ending="")
            return
        started = time.perf_counter()
        path = Path(output)
        with path.open("w", encoding="utf-8") as file:
            file.writelines(pieces)
        self.stdout.write(
            f"Exported “{workspace}” to {path} ({filesizeformat(path.stat().st_size)}) "
            f"in {time.perf_counter() - started:.2f} s."
        )
