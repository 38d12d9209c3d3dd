"""The sign-in backend: Django's ModelBackend, with the signed-in person kept in the cache.

Every signed-in request asks the backend for its user. The answer is kept for the data version
of people and workspaces (:func:`core.freshness.remember` with no workspace): any write to the
user table (a new name, a password, deactivation) replaces that version, so the next request
reads the row again.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from core import freshness


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user = freshness.remember(
            None,
            f"user:{user_id}",
            lambda: super(CachedModelBackend, self).get_user(user_id) or False,
        )
        return user or None
