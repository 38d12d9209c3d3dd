"""API v1 endpoints of the conflict register (DRF): thin views over ``conflicts.services``,
``conflicts.decisions`` and ``conflicts.selectors``, so the pages and the API refuse the same
input with the same messages.

Every member reads every conflict (a guest gets 404). Anyone in a department raises one for it;
a department's members and lead state its position; executives and admins name the facilitator;
the facilitator or an executive moves the conflict on and decides it, and its raiser may also
withdraw it (``conflicts.permissions``); anyone else gets 403.

``routes`` lists (prefix under ``workspaces/<slug>/``, viewset, basename) for
``alignment.api_urls``.
"""

from conflicts.api.views import routes

__all__ = ["routes"]
