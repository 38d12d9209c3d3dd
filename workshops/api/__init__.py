"""API v1 endpoints of workshops (DRF): thin views over the app's services and selectors.

A workshop is read and changed only by the people invited to it (``selectors.workshop_get``: an
id of another workspace is 404, a member who was not invited gets 403). The services decide
what each phase allows and what only the facilitator may do; a change the phase, the lock or
the commit does not allow is a 400 whose ``non_field_errors`` say why.

``routes`` lists (prefix under ``workspaces/<slug>/``, viewset, basename) for
``alignment.api_urls``.
"""

from workshops.api.views import routes

__all__ = ["routes"]
