"""The demo's relationship pulse: each department's lead answered about each department it
shares a goal with in the last cycles. Most pairs work well together; operations and marketing
do not (the launch budget is still open between them): their pulse fell to 1, and each waits
on an ask of the other that is past its date, so the health matrix shows them as the weak
pair.

The answers of past cycles are history, written as rows like the check-ins; the current
cycle's go through the pulse service, as a lead's would. The two asks go through the ask
service as raised three weeks ago, then are dated back to that day.
"""

import random
from datetime import date, datetime, time, timedelta

from alignment.seed.demo_goals import Demo
from checkins.models import Ask, Cycle
from checkins.services.asks import AskDraft, asks_create
from checkins.services.cycles import cycle_current
from goals.models import Goal
from health.models import PulseAnswer
from health.selectors import pulse_partners
from health.services import PulseDraft, pulse_answer

PULSE_CYCLES = 4  # the current cycle and the three before it
# Department kind: who answers its pulse (its lead; the COO leads operations).
ANSWERERS = {
    "marketing": "marketing.lead",
    "product": "product.lead",
    "sales": "sales.lead",
    "operations": "coo",
}
# Operations and marketing, oldest cycle first, each way.
WEAK = {
    ("operations", "marketing"): (2, 2, 1, 1),
    ("marketing", "operations"): (3, 2, 1, 1),
}
WEAK_COMMENTS = {
    ("operations", "marketing"): "We hear about campaign spend after it is committed; the "
    "launch budget is still not settled.",
    ("marketing", "operations"): "Every launch request waits on a cost review, and the budget "
    "for the next launch is stuck.",
}
GOOD_COMMENTS = (
    "",
    "",
    "Quick answers on asks, and the sync keeps us honest.",
    "Clear priorities this cycle.",
)


def _score(giver: str, about: str, step: int, rng: random.Random) -> int:
    weak = WEAK.get((giver, about))
    return weak[step] if weak else rng.choice((4, 4, 5, 5))


def _comment(giver: str, about: str, rng: random.Random) -> str:
    return WEAK_COMMENTS.get((giver, about)) or rng.choice(GOOD_COMMENTS)


# (from, to, what is needed): raised three weeks ago, needed a week and a half ago.
LATE_ASKS = (
    (
        "operations",
        "marketing",
        "Share the campaign calendar for the next launch, so support is staffed for it.",
    ),
    (
        "marketing",
        "operations",
        "Confirm the cost review of the launch assets, so the agency can start.",
    ),
)
# The goal operations and product own together, which the two asks are about.
LATE_ASKS_GOAL = "Cut time to market for launches from 12 to 8 weeks"
RAISED_AGO = timedelta(days=21)
NEEDED_AGO = timedelta(days=10)


def _late_asks(demo: Demo, today: date) -> None:
    goal = Goal.objects.get(workspace=demo.workspace, title=LATE_ASKS_GOAL)
    raised = today - RAISED_AGO
    for giver, taker, text in LATE_ASKS:
        (ask,) = asks_create(
            workspace=demo.workspace,
            goal=goal,
            from_department=demo.departments[giver],
            actor=demo.users[ANSWERERS[giver]],
            drafts=[AskDraft(demo.departments[taker], text, today - NEEDED_AGO)],
            today=raised,
        )
        written = datetime.combine(raised, time(11), tzinfo=demo.workspace.zone)
        Ask.objects.filter(pk=ask.pk).update(created_at=written)


def demo_health(demo: Demo, today: date, rng: random.Random) -> None:
    current = cycle_current(workspace=demo.workspace, today=today)
    before = Cycle.objects.filter(workspace=demo.workspace, starts_on__lt=current.starts_on)
    past = list(before.order_by("-starts_on")[: PULSE_CYCLES - 1])[::-1]
    kinds = {department.pk: kind for kind, department in demo.departments.items()}
    history = []
    for giver, username in ANSWERERS.items():
        department = demo.departments[giver]
        partners = list(pulse_partners(department=department))
        for step, cycle in enumerate(past):
            history += [
                PulseAnswer(
                    workspace=demo.workspace,
                    cycle=cycle,
                    from_department=department,
                    about_department=partner,
                    score=_score(giver, kinds[partner.pk], step, rng),
                    comment=_comment(giver, kinds[partner.pk], rng),
                    answered_by=demo.users[username],
                )
                for partner in partners
            ]
        drafts = [
            PulseDraft(
                about=partner,
                score=_score(giver, kinds[partner.pk], len(past), rng),
                comment=_comment(giver, kinds[partner.pk], rng),
            )
            for partner in partners
        ]
        if drafts:
            pulse_answer(
                membership=demo.memberships[username],
                department=department,
                answers=drafts,
                cycle=current.pk,
                today=today,
            )
    PulseAnswer.objects.bulk_create(history)
    _late_asks(demo, today)
