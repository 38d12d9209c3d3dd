from celery import shared_task
from django.conf import settings

from core.mail import send_templated_mail
from core.retries import RETRY
from teams.models import Invitation


@shared_task(**RETRY)
def send_invitation(invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    send_templated_mail(
        template="emails/invitation",
        to=[invitation.email],
        context={
            "invitation": invitation,
            "url": settings.SITE_URL + invitation.get_absolute_url(),
        },
    )
