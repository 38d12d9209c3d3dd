"""Writes for API tokens: make one (its key is returned once), revoke one."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alignment.models import ApiToken
from teams.models import User

KEY_PREFIX = "aln_"
PREFIX_LENGTH = 10


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its key, which is never stored or shown again."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip() or f"API token {timezone.localdate():%Y-%m-%d}",
        key_hash=hash_key(key),
        prefix=key[:PREFIX_LENGTH],
    )
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke one of ``actor``'s own tokens; requests with it fail from now on."""
    if token.user_id != actor.pk:
        raise ValidationError("You can only revoke your own tokens.")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token
