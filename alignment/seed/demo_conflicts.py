"""The demo's conflicts, from seed 002: the COO wants cost control, the CMO brand investment.

* The growth forum (the COO's monthly forum of all four departments) meets in a few days; the
  open conflict between operations and marketing over the launch budget is on its agenda by
  itself (the COO has put it first, with 20 minutes), with both positions and the KPIs each
  side points to, and the head of sales named as its neutral facilitator.
* Last month product and sales settled a timeline conflict over custom reports for the
  enterprise pilot, with marketing's lead as facilitator: its decision is in the log, due for
  review today, and product's lead has acknowledged it while sales' has not yet.
"""

import datetime as dt

from django.utils import timezone

from alignment.seed.demo_goals import Demo
from conflicts import decisions, services
from conflicts.models import Conflict, Position
from forums import services as forum_services
from forums.models import AgendaItem, Decision, Forum
from goals.models import Goal


def _goal(demo: Demo, title: str) -> Goal:
    return Goal.objects.get(workspace=demo.workspace, title__startswith=title)


def _growth_forum(demo: Demo, today: dt.date) -> Forum:
    first = today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)  # next Tuesday
    return forum_services.forum_create(
        membership=demo.memberships["coo"],
        name="Growth forum",
        purpose="The four departments weigh budget, launch dates and priorities against the "
        "shared goals, and settle what they cannot settle alone.",
        departments=list(demo.departments.values()),
        facilitator=demo.users["coo"],
        first_date=first,
        start_time=dt.time(9, 30),
        duration_minutes=60,
        cadence=Forum.Cadence.MONTHLY_WEEKDAY,
    )


def _launch_budget(demo: Demo, today: dt.date) -> Conflict:
    marketing, operations = demo.departments["marketing"], demo.departments["operations"]
    cmo, coo = demo.memberships["cmo"], demo.memberships["coo"]
    conflict = services.conflict_raise(
        membership=coo,
        title="Launch budget for the analytics module",
        kind=Conflict.Kind.RESOURCES,
        at_stake="Operations wants the launch held to this quarter's cost plan; marketing wants "
        "an extra 40,000 EUR for brand campaigns around it. Both goals depend on the launch "
        "date, and the budget must be signed off before the campaign bookings close.",
        raised_by_department=operations,
        departments=[marketing],
        decide_by=today + dt.timedelta(days=12),
        goals=[
            _goal(demo, "Increase product awareness"),
            _goal(demo, "Cut time to market"),
        ],
        kpis=[demo.kpis["Customer acquisition cost"], demo.kpis["Time to market"]],
    )
    services.facilitator_name(
        membership=coo, conflict=conflict, facilitator=demo.users["sales.lead"]
    )
    sides = (
        (
            coo,
            operations,
            "Hold the launch to the cost plan: no spend beyond this quarter's budget.",
            "Time to market is finally falling; an extra campaign adds launch tasks and support "
            "load at the moment we are cutting sign-off time.",
            "A smaller paid push after launch, once support is staffed.",
            ["Time to market"],
        ),
        (
            cmo,
            marketing,
            "40,000 EUR more for brand campaigns in the launch month.",
            "Acquisition cost is still above its red line; awareness is what brings it down, "
            "and the launch is our one chance this quarter to be heard.",
            "Move the second wave of campaigns to next quarter.",
            ["Customer acquisition cost", "Lead generation"],
        ),
    )
    for membership, department, wants, why, would_trade, kpis in sides:
        position = services.position_state(
            membership=membership,
            conflict=conflict,
            department=department,
            wants=wants,
            why=why,
            would_trade=would_trade,
        )
        for name in kpis:
            services.evidence_add(membership=membership, position=position, kpi=demo.kpis[name])
    return conflict


def _custom_reports(demo: Demo, today: dt.date) -> Conflict:
    """Raised six weeks ago, decided four weeks ago, due for review today."""
    product, sales = demo.departments["product"], demo.departments["sales"]
    lead = {kind: demo.memberships[f"{kind}.lead"] for kind in ("product", "sales")}
    conflict = services.conflict_raise(
        membership=lead["sales"],
        title="Custom reports for the enterprise pilot",
        kind=Conflict.Kind.TIMELINE,
        at_stake="The pilot customer asked for custom reports by its go-live; the roadmap has "
        "them a quarter later.",
        raised_by_department=sales,
        departments=[product],
        decide_by=today + dt.timedelta(days=1),
        goals=[_goal(demo, "Raise customer lifetime value")],
    )
    # The CMO is sales' executive and the COO product's: marketing's lead is the neutral one.
    services.facilitator_name(
        membership=demo.memberships["cmo"],
        conflict=conflict,
        facilitator=demo.users["marketing.lead"],
    )
    for kind, wants, why in (
        (
            "sales",
            "Custom reports ready for the pilot's go-live.",
            "The pilot is worth 120,000 EUR a year and sets the reference for the segment.",
        ),
        (
            "product",
            "Keep the roadmap: custom reports next quarter.",
            "Pulling them forward delays guided onboarding, which carries the churn goal.",
        ),
    ):
        position = services.position_state(
            membership=lead[kind],
            conflict=conflict,
            department=demo.departments[kind],
            wants=wants,
            why=why,
        )
        services.evidence_add(
            membership=lead[kind], position=position, kpi=demo.kpis["Customer lifetime value"]
        )
    decision = decisions.conflict_decide(
        membership=demo.memberships["marketing.lead"],
        conflict=conflict,
        title="Ship three report templates for the pilot; full custom reports stay next quarter",
        rationale="Three templates cover what the pilot's managers read every week; the rest "
        "waits without risking guided onboarding.",
        trade_offs={
            sales.pk: "The pilot starts with three templates, not custom reports.",
            product.pk: "Two weeks of the onboarding team go to the templates.",
        },
        review_on=today + dt.timedelta(days=1),
    )
    decisions.decision_acknowledge(
        membership=lead["product"], conflict=conflict, department=product
    )
    # Back in time, as it happened (the services refuse dates in the past): the positions
    # before the decision, and its evidence as it stood that day.
    now = timezone.now()
    decided = now - dt.timedelta(days=28)
    Conflict.objects.filter(pk=conflict.pk).update(
        created_at=now - dt.timedelta(days=42), decided_at=decided
    )
    Position.objects.filter(conflict=conflict).update(updated_at=now - dt.timedelta(days=35))
    Decision.objects.filter(pk=decision.pk).update(created_at=decided, review_on=today)
    for snapshot in conflict.snapshot.all():
        kept = [n for n, day in enumerate(snapshot.data["dates"]) if day <= f"{decided:%Y-%m-%d}"]
        for key in ("dates", "values"):
            snapshot.data[key] = [snapshot.data[key][n] for n in kept]
        snapshot.save(update_fields=["data"])
    return conflict


def _agenda_first(demo: Demo, forum: Forum, conflict: Conflict) -> None:
    """The COO puts the conflict first on the forum's next agenda, with 20 minutes for it."""
    meeting = forum.meetings.order_by("starts_at").first()
    key = f"{AgendaItem.Kind.CONFLICT}:{conflict.pk}"
    forum_services.agenda_arrange(
        membership=demo.memberships["coo"], meeting=meeting, order=[key], minutes={key: 20}
    )


def demo_conflicts(demo: Demo, today: dt.date) -> None:
    forum = _growth_forum(demo, today)
    _agenda_first(demo, forum, _launch_budget(demo, today))
    _custom_reports(demo, today)
