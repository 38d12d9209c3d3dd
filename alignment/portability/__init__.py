"""A whole workspace as one JSON document, and that document imported as a new workspace.

The document (``"format": "alignment-workspace", "version": 1``) holds the workspace's
settings, the people it refers to, then one list of rows per kind of object, in the order of
:data:`TABLES` (every row refers only to rows listed before it, or to rows of its own list)::

    {"format": "alignment-workspace", "version": 1, "exported_at": "…",
     "workspace": {"name": …, "slug": …, "mission": …, "timezone": …, …},
     "users": [{"username": "cmo", "email": "cmo@acme.example", "first_name": …}, …],
     "departments": [{"id": 3, "name": "Marketing", "lead": "marketing.lead", …}, …],
     "goals": [{"id": 17, "owner_departments": [3, 4], "parent": 12, "period": 2, …}, …], …}

Rows carry their own id; references to other rows (foreign keys, many-to-many lists) are those
ids, valid inside the document only: the import gives every row a new id and rewrites the
references. People are global, so rows name them by username and the ``users`` list gives
each one's email and name. The import links a person to the account with the same email
(else, for a person without an email, the same username) and creates the missing ones without
a usable password: they choose one through "Forgot your password?". Because an import enrols
everyone the document names, the web page offers it to site staff only (``is_staff``);
operators also have ``manage.py workspace_import``. Timestamps, versions,
statuses and progress are kept as they are: an import restores history, which is why it writes
rows directly instead of through the services (each row is checked by its model's field
validation, each reference inside the document, and the database's constraints hold).

Deliberately different after an import:

- The importing person becomes an admin of the new workspace (else nobody could open it).
- Webhooks arrive paused, with a new signing secret: the export leaves secrets out (the file
  travels; a signing key should not), and a copy must not start posting to live receivers
  before an admin has given them the new secret.
- Activity-log entries about objects that are not in the document (deleted before the export,
  or of a kind left out below) keep the negative of their old id as ``target_id``, so they
  can never point at an unrelated object of the new workspace.
- One activity-log entry records the import itself; the import sends nothing (no email,
  notification or webhook). Reminders that were still to be sent (check-in and forum
  reminders, conflict escalations) arrive cancelled (the original workspace sends them); sent
  and failed ones keep their state.
- Forums arrive as new calendars: a new iCalendar UID (calendar clients would merge two forums
  with the same one) and a new feed key. A meeting's agenda order and time boxes, and its
  frozen agenda rows' sources and links, point at the new rows in the new workspace
  (:mod:`alignment.portability.agendas`).

An export reads every table in one transaction, a constant number of queries, and can be
streamed row by row (:func:`workspace_export_json`). tests/test_portability.py fails when a
model that belongs to a workspace is neither in :data:`TABLES` nor left out below.

Deliberately left out: invitations (one-time links whose tokens are credentials; the accepted
ones became memberships), webhook deliveries (a log of what was sent from the old workspace,
with its ids in the payloads), in-app notifications (a person's inbox of links into the old
workspace), personal calendar feeds (each a secret link of one person), goal imports (a CSV
file on its way in, and how its import went: the goals it made travel as goals), and what
belongs to a person rather than a workspace: passwords, sessions, API tokens, staff flags.
"""

from alignment.portability.exporting import (
    workspace_export,
    workspace_export_json,
    workspace_export_record,
)
from alignment.portability.importing import workspace_import
from alignment.portability.tables import PLANS

__all__ = [
    "PLANS",
    "workspace_export",
    "workspace_export_json",
    "workspace_export_record",
    "workspace_import",
]
