from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string


def send_templated_mail(
    *,
    template: str,
    to: list[str],
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
    connection: BaseEmailBackend | None = None,
) -> None:
    """Send ``<template>.txt`` and ``<template>.html``; the subject is the text's first line.
    Pass an open ``connection`` to send many messages over one SMTP session."""
    text = render_to_string(f"{template}.txt", context)
    subject, _, body = text.partition("\n")
    message = EmailMultiAlternatives(
        subject=subject.strip(),
        body=body.lstrip(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()
