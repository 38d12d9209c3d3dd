from celery import shared_task
from django.conf import settings

from core.mail import send_templated_mail
from core.retries import RETRY
from goals.models import Win
from goals.services import imports
from teams.models import Department


@shared_task(**RETRY)
def send_win_email(win_id: int, department_id: int) -> None:
    """Tell one department's lead about a win their department owned or contributed to."""
    win = Win.objects.select_related("goal__workspace", "workspace").filter(pk=win_id).first()
    if win is None:
        return
    department = (
        Department.objects.select_related("lead")
        .filter(pk=department_id, workspace_id=win.workspace_id)
        .first()
    )
    if department is None or department.lead is None or not department.lead.email:
        return
    send_templated_mail(
        template="emails/goal_won",
        to=[department.lead.email],
        context={
            "win": win,
            "goal": win.goal,
            "department": department,
            "lead": department.lead,
            "url": settings.SITE_URL + win.goal.get_absolute_url(),
        },
    )


@shared_task
def run_goal_import(job_id: int) -> None:
    """Import a confirmed goal file, all rows or none (see
    :func:`goals.services.imports.goal_import_run`, which makes a second delivery harmless).
    No retries: an import that failed says why on its page, where it can be tried again."""
    imports.goal_import_run(job_id)
