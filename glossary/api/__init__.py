"""API v1 endpoints of the glossary (DRF): thin views over ``glossary.services`` and
``glossary.selectors``.

Every member reads the terms (a guest gets 404); admins, executives and the lead of the owning
department add, change and delete them (``glossary.services.may_keep``), anyone else 403.

``routes`` lists (prefix under ``workspaces/<slug>/``, viewset, basename) for
``alignment.api_urls``.
"""

from glossary.api.views import routes

__all__ = ["routes"]
