"""What the goal import tests share: the import page, goal files, checking one and confirming
it (the worker's task then runs eagerly, on the commit of the confirmation)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from goals.models import GoalImport

IMPORT = reverse("goal_import", kwargs={"ws": "acme"})
HEADER = (
    "title,owner_departments,contributing_departments,period,start_date,due_date,baseline,target"
)


def goal_file(
    rows: int,
    *,
    owners: str = "Marketing;Product",
    contributors: str = "Sales",
    period: str = "Q4 2026",
) -> str:
    """A clean file of ``rows`` goals."""
    return f"{HEADER}\n" + "".join(
        f"Increase sign-ups by {n}%,{owners},{contributors},{period},,,100,{200 + n}\n"
        for n in range(rows)
    )


def upload(text: str | bytes, name: str = "goals.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def check(client, text: str | bytes, **extra):
    """POST the file to the import page: its preview."""
    return client.post(IMPORT, {"file": upload(text)}, **extra)


def confirm(client, job: GoalImport | int, capture):
    """POST the confirmation of a checked file, running what it queues on commit (``capture``
    is pytest-django's django_capture_on_commit_callbacks)."""
    with capture(execute=True):
        return client.post(IMPORT, {"job": getattr(job, "pk", job)})


def progress_url(job: GoalImport | int) -> str:
    return reverse("goal_import_progress", kwargs={"ws": "acme", "pk": getattr(job, "pk", job)})
