"""Forums, meetings and their outcomes for the forums API tests (built with the services, as
the people of the workspace would), and the URLs of the endpoints."""

import datetime as dt
import itertools

from django.utils import timezone

from forums import outcomes, services
from forums.models import ActionItem, AgendaItem, Decision, Forum, Meeting
from teams.models import Membership, Role, User, Workspace

BASE = "/api/v1/workspaces/acme/"
_NUMBERS = itertools.count(1)


def admin_of(workspace: Workspace) -> Membership:
    return (
        workspace.memberships.filter(role=Role.ADMIN)
        .select_related("workspace", "user")
        .order_by("pk")
        .first()
    )


def make_forum(
    workspace: Workspace,
    *,
    facilitator: User | None = None,
    guests: tuple[User, ...] | list[User] = (),
    **fields,
) -> Forum:
    """A monthly forum of every department, set up by the workspace's admin (who facilitates it
    unless told otherwise), its first meeting a week ahead at 10:00."""
    admin = admin_of(workspace)
    values = {
        "name": f"Forum {next(_NUMBERS)}",
        "departments": list(workspace.departments.all()),
        "first_date": workspace.today() + dt.timedelta(days=7),
        "start_time": dt.time(10),
        **fields,
    }
    return services.forum_create(
        membership=admin, facilitator=facilitator or admin.user, guests=guests, **values
    )


def next_meeting(forum: Forum) -> Meeting:
    return forum.meetings.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()


def started_with_topic(forum: Forum, membership: Membership | None = None) -> AgendaItem:
    """The forum's next meeting, started with one topic on its agenda; returns the topic."""
    membership = membership or admin_of(forum.workspace)
    meeting = next_meeting(forum)
    item = services.topic_add(membership=membership, meeting=meeting, title="Budget")
    services.meeting_start(membership=membership, meeting=meeting)
    item.refresh_from_db()
    return item


def make_decision(workspace: Workspace, title: str = "Keep the budget", **fields) -> Decision:
    admin = admin_of(workspace)
    values = {
        "rationale": "It works.",
        "departments": [workspace.departments.order_by("pk").first()],
        **fields,
    }
    return outcomes.decision_record(
        membership=admin,
        item=started_with_topic(make_forum(workspace)),
        title=title,
        decided_by=admin.user,
        **values,
    )


def make_action(workspace: Workspace, *, owner: User | None = None, **fields) -> ActionItem:
    admin = admin_of(workspace)
    values = {"title": "Draft the budget", "due_on": workspace.today(), **fields}
    return outcomes.action_create(
        membership=admin,
        item=started_with_topic(make_forum(workspace)),
        owner=owner or admin.user,
        **values,
    )


def schema_objects(acme) -> dict[str, int]:
    """Real objects of the forums endpoints for tests/api/test_schema.py, by path segment: a
    forum (Gus its guest), its started meeting, a decision and an action item."""
    forum = make_forum(acme.workspace, guests=[acme.gus])
    item = started_with_topic(forum)
    return {
        "forums": forum.pk,
        "meetings": item.meeting_id,
        "decisions": make_decision(acme.workspace).pk,
        "action-items": make_action(acme.workspace).pk,
    }
