"""Decisions of acme for the decision log's tests, recorded through the services as people
would: in a meeting of the CMO forum, directly, and by settling a conflict."""

import datetime as dt

from conflicts import decisions as conflict_decisions
from conflicts import services as conflict_services
from conflicts.models import Conflict
from forums import outcomes, services
from forums.models import Decision, Meeting
from tests.factories import member


def in_meeting(acme, meeting: Meeting, title: str, **fields) -> Decision:
    """A decision of ``meeting`` (started here if it is not), by claire, its facilitator."""
    claire = member(acme.claire)
    if meeting.status == Meeting.Status.SCHEDULED:
        services.meeting_start(membership=claire, meeting=meeting)
    item = services.topic_add(membership=claire, meeting=meeting, title=title)
    values = {
        "rationale": "Cost per lead doubled.",
        "decided_by": acme.claire,
        "departments": [acme.marketing],
        **fields,
    }
    return outcomes.decision_record(membership=claire, item=item, title=title, **values)


def direct(acme, title: str, *, decided_by=None, **fields) -> Decision:
    """A decision recorded outside a meeting by ada, taken by ``decided_by`` (mia)."""
    values = {"rationale": "The numbers say so.", "departments": [acme.sales], **fields}
    return outcomes.decision_record_direct(
        membership=member(acme.ada), title=title, decided_by=decided_by or acme.mia, **values
    )


def settled(acme, title: str, kind: str = Conflict.Kind.RESOURCES, **fields) -> Decision:
    """The decision of a conflict between sales (mia's) and product (leo leads it) that ada
    facilitates; the conflict is titled ``title`` too."""
    conflict = conflict_services.conflict_raise(
        membership=member(acme.mia),
        title=title,
        kind=kind,
        at_stake="Who gets the budget.",
        raised_by_department=acme.sales,
        departments=[acme.product],
        decide_by=acme.workspace.today() + dt.timedelta(days=14),
    )
    conflict_services.facilitator_name(
        membership=member(acme.ada), conflict=conflict, facilitator=acme.ada
    )
    values = {
        "rationale": "The launch needs reach; costs stay capped.",
        "trade_offs": {acme.sales.pk: "Fewer events", acme.product.pk: "Later features"},
        **fields,
    }
    return conflict_decisions.conflict_decide(
        membership=member(acme.ada), conflict=conflict, title=f"Settle: {title}", **values
    )


def taken_on(decision: Decision, day: dt.date, workspace) -> Decision:
    """Move when the decision was recorded to noon of ``day`` in the workspace."""
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=workspace.zone)
    Decision.objects.filter(pk=decision.pk).update(created_at=moment)
    decision.created_at = moment
    return decision
