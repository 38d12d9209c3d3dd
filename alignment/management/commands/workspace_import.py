"""``manage.py workspace_import <file> --actor USERNAME [--slug S] [--name N]``.

Imports a ``workspace_export`` document as a new workspace, all or nothing; ``-`` reads it
from standard input. The actor becomes one of its admins; people new to this server get
accounts without a password and choose one with "Forgot your password?".
"""

import json
import sys
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alignment.portability import workspace_import
from core.models import AuditEvent
from teams.models import User


class Command(BaseCommand):
    help = "Import a workspace export as a new workspace."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The export (a .json file), or - for standard input.")
        parser.add_argument(
            "--actor", required=True, help="The username of who imports; made an admin of it."
        )
        parser.add_argument("--slug", default="", help="Its slug; made from the name if left out.")
        parser.add_argument("--name", default="", help="Its name; the export's if left out.")

    def handle(self, *args: Any, file: str, actor: str, slug: str, name: str, **options) -> None:
        person = User.objects.filter(username=actor).first()
        if person is None:
            raise CommandError(f"No account has the username “{actor}”.")
        started = time.perf_counter()
        document = self._read(file)
        try:
            workspace = workspace_import(document=document, actor=person, slug=slug, name=name)
        except ValidationError as error:
            problems = [
                f"{field}: {message}" if field != "document" else message
                for field, messages in error.message_dict.items()
                for message in messages
            ]
            raise CommandError("The import was refused:\n  " + "\n  ".join(problems)) from None
        took = time.perf_counter() - started
        summary = AuditEvent.objects.get(workspace=workspace, verb="imported").changes
        created = summary["accounts_created"]
        self.stdout.write(
            f"Imported “{workspace}” as /w/{workspace.slug}/ in {took:.2f} s: "
            f"{summary['rows']:,} rows, {summary['people']} people."
        )
        if created:
            self.stdout.write(
                f"New accounts without a password ({len(created)}): {', '.join(created)}. "
                "They choose one with “Forgot your password?”."
            )
        if document["webhooks"]:
            self.stdout.write("Its webhooks are paused, with new signing secrets.")

    def _read(self, file: str) -> Any:
        try:
            if file == "-":
                return json.load(sys.stdin.buffer)
            with open(file, "rb") as stream:
                return json.load(stream)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except ValueError as error:
            raise CommandError(f"{file} is not JSON: {error}.") from None
