"""API v1 endpoints of forums (DRF): thin views over the app's services and selectors.

Forums and meetings are open to guests, who see only the forums they are invited to (any other
is a 404, as on the pages) and, in a meeting, only the agenda items and minutes shared with
guests. Decisions and action items are for members: a guest gets 404. Setting up and changing
forums needs an executive or admin; running a meeting needs its facilitator, an executive or an
admin (``forums.permissions``), else 403; a change the meeting's state does not allow is a 400.

``routes`` lists (prefix under ``workspaces/<slug>/``, viewset, basename) for
``alignment.api_urls``.
"""

from forums.api.views import routes

__all__ = ["routes"]
