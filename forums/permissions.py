"""Who may do what with a forum: one rule for the pages, the feeds and the services.

Everyone in the workspace but guests sees every forum; a guest sees only the forums they are
invited to, and in them only what is shared with guests. The facilitator, executives and admins
run a forum's meetings; its participants (the facilitator, and the members and leads of its
departments) add topics; admins and executives set forums up. A decision is amended or
superseded by whoever took it, executives and admins.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from forums.models import Decision, Forum
from teams.models import Department, Membership, Role

RUN_REFUSED = "Only the forum's facilitator, executives and admins run its meetings."
TOPIC_REFUSED = "Only the forum's participants add topics to its agenda."


def forum_visible(membership: Membership, forum: Forum) -> bool:
    if membership.role != Role.GUEST:
        return True
    return forum.guests.filter(pk=membership.user_id).exists()


def ensure_visible(membership: Membership, forum: Forum) -> None:
    """A forum a guest is not invited to does not exist for them (404)."""
    if not forum_visible(membership, forum):
        raise Http404("No such forum.")


def can_run(membership: Membership, forum: Forum) -> bool:
    return forum.facilitator_id == membership.user_id or membership.has_role(Role.EXECUTIVE)


def ensure_can_run(membership: Membership, forum: Forum) -> None:
    if not can_run(membership, forum):
        raise PermissionDenied(RUN_REFUSED)


def is_participant(membership: Membership, forum: Forum) -> bool:
    if can_run(membership, forum):
        return True
    if membership.role == Role.GUEST:
        return False
    mine = Department.objects.filter(
        Q(memberships=membership) | Q(lead_id=membership.user_id), forums=forum
    )
    return mine.exists()


def ensure_participant(membership: Membership, forum: Forum) -> None:
    if not is_participant(membership, forum):
        raise PermissionDenied(TOPIC_REFUSED)


DECISION_REFUSED = "Only whoever took the decision, executives and admins amend or supersede it."


def can_change_decision(membership: Membership, decision: Decision) -> bool:
    """The decider, executives and admins amend a decision or supersede it."""
    return decision.decided_by_id == membership.user_id or membership.has_role(Role.EXECUTIVE)


def ensure_can_change_decision(membership: Membership, decision: Decision) -> None:
    if not can_change_decision(membership, decision):
        raise PermissionDenied(DECISION_REFUSED)
