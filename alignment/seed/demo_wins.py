"""How last quarter ended for the two shared goals its planning workshop committed.

Their leads checked in every cycle of the quarter that the demo's history reaches (rows, like
the other check-ins); on the quarter's last day each lead recorded their step's final value
and closed it with a retrospective, then the executives closed the shared goals through the
closing service: marketing and sales achieved more leads, which posted the demo's win (its
notifications and emails as the service sends them); product and operations missed the
forecasting pilot, and their retrospective is where this quarter's time-to-market goal came
from.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from alignment.seed.common import checkins_backdate
from alignment.seed.demo_checkins import CONFIDENCE, _towards
from alignment.seed.demo_goals import Demo, Notes
from alignment.seed.demo_workshops import Clock
from checkins.models import CheckIn, Cycle
from goals.models import Goal, Period
from goals.services.closing import goal_close
from goals.services.goals import goal_update


@dataclass(frozen=True)
class Ending:
    final: str  # the value its last check-in reported
    outcome: Goal.Status
    closer: str  # the username of who closed it
    what_worked: str
    what_to_change: str


LEADS = "Grow marketing-qualified leads from 370 to 410 a week"
FORECASTING = "Launch inventory forecasting in 25 pilot stores"
# By title: how each shared goal and step ended.
ENDINGS = {
    LEADS: Ending(
        "418",
        Goal.Status.ACHIEVED,
        "cmo",
        "Partner webinars brought the right retailers: a third of their sign-ups became MQLs, "
        "and Sales calling back within a working day turned them into demos before they went "
        "cold.",
        "For half the quarter we counted students and consultants from the webinars as MQLs. "
        "Agree the MQL definition with Sales before a campaign starts, not during it.",
    ),
    "Run 6 webinars with retail partners": Ending(
        "6",
        Goal.Status.ACHIEVED,
        "marketing.lead",
        "Co-hosting with retail partners filled every session; their customers' stories did "
        "the selling.",
        "Book partner speakers a month ahead: two webinars moved at a week's notice.",
    ),
    "Call back 90% of demo requests within one working day": Ending(
        "92",
        Goal.Status.ACHIEVED,
        "sales.lead",
        "One shared inbox and a daily rota: no demo request waited over a weekend.",
        "Route requests by store size from the start; enterprise requests need another rep.",
    ),
    FORECASTING: Ending(
        "16",
        Goal.Status.MISSED,
        "coo",
        "Operations was ready early: twelve agents trained by week six, and each of the 16 "
        "stores that went live was onboarded in a day.",
        "The release waited ten working days for legal review of the pilot pricing, then for "
        "the next release train: five weeks lost. This quarter's goal to cut time to market "
        "starts from this lesson.",
    ),
    "Raise forecast accuracy for pilot stores from 72% to 85%": Ending(
        "81",
        Goal.Status.MISSED,
        "product.lead",
        "Weekly accuracy reviews with two pilot stores found the seasonal errors early.",
        "We tuned the model on the stores we had, not the 25 we planned: start with the whole "
        "pilot group in week one.",
    ),
    "Train 12 support agents to onboard a forecasting store": Ending(
        "12",
        Goal.Status.ACHIEVED,
        "coo",
        "Agents shadowed the product team's demos, so the course took two sessions instead "
        "of five.",
        "Train from the release notes, not the beta: two screens changed after the course.",
    ),
}
# By shared goal: what the check-ins on it and its steps said.
NOTES = {
    LEADS: Notes(
        moved=(
            "This cycle's partner webinar drew 240 store owners; 80 of them became MQLs.",
            "Demo requests land in one shared inbox now, with a daily call-back rota.",
            "The partner's newsletter doubled the webinar sign-ups this cycle.",
        ),
        blockers=(
            "",
            "Students and consultants sign up for the webinars and count as MQLs.",
        ),
        next_steps=(
            "Book the speakers of the next two partner webinars.",
            "Send support the webinar calendar.",
            "Report MQLs by source in the next check-in.",
        ),
    ),
    FORECASTING: Notes(
        moved=(
            "Six more pilot stores went live; each was onboarded in a day.",
            "Twelve support agents finished the forecasting course.",
            "Forecast accuracy reached 79% after the seasonal fix.",
        ),
        blockers=(
            "Legal review of the pilot pricing is in its second week.",
            "The release waits for the next release train.",
            "",
        ),
        next_steps=(
            "Ask Legal for a decision on the pilot pricing this week.",
            "Ship the seasonal fix behind a flag.",
            "Invite the three enterprise stores Sales introduced.",
        ),
    ),
}
# Confidence in a goal that ended achieved or missed, as in a goal on track or at risk.
CONFIDENCE_OF = {
    Goal.Status.ACHIEVED: CONFIDENCE[Goal.Status.ON_TRACK],
    Goal.Status.MISSED: CONFIDENCE[Goal.Status.AT_RISK],
}


def _checkins(
    demo: Demo, period: Period, goals: list[tuple[Goal, Notes]], rng: random.Random
) -> None:
    """A check-in by each goal's accountable lead for every cycle of the quarter after the
    workshop, its value reaching the final one in the last cycle."""
    started = min(goal.created_at for goal, _ in goals).astimezone(demo.workspace.zone).date()
    cycles = list(
        Cycle.objects.filter(
            workspace=demo.workspace, starts_on__gte=started, due_on__lte=period.end_date
        ).order_by("starts_on")
    )
    CheckIn.objects.bulk_create(
        CheckIn(
            cycle=cycle,
            goal=goal,
            author=goal.accountable,
            value=_towards(
                goal.baseline, Decimal(ENDINGS[goal.title].final), Decimal(step) / len(cycles)
            ),
            confidence=rng.randint(*CONFIDENCE_OF[ENDINGS[goal.title].outcome]),
            moved=rng.choice(notes.moved),
            blockers=rng.choice(notes.blockers),
            next_steps=rng.choice(notes.next_steps),
        )
        for goal, notes in goals
        for step, cycle in enumerate(cycles, start=1)
    )
    checkins_backdate(cycles, demo.workspace.zone)


def _close(demo: Demo, goal: Goal) -> None:
    """The final value recorded, then the goal closed with its retrospective."""
    ending = ENDINGS[goal.title]
    membership = demo.memberships[ending.closer]
    goal_update(membership=membership, goal=goal, current_value=Decimal(ending.final))
    goal_close(
        membership=membership,
        goal=goal,
        status=ending.outcome,
        what_worked=ending.what_worked,
        what_to_change=ending.what_to_change,
    )


def demo_wins(demo: Demo, period: Period, shared: list[Goal], rng: random.Random) -> None:
    """End the shared goals ``shared`` of ``period`` and their steps."""
    shared = list(Goal.objects.filter(pk__in=[goal.pk for goal in shared]).order_by("priority"))
    steps = {goal.pk: list(goal.children.select_related("accountable")) for goal in shared}
    _checkins(
        demo,
        period,
        [(goal, NOTES[top.title]) for top in shared for goal in [top, *steps[top.pk]]],
        rng,
    )

    def at(hour: int) -> datetime:
        return datetime.combine(period.end_date, time(hour), tzinfo=demo.workspace.zone)

    clock = Clock(demo.workspace)
    for goal in [step for top in shared for step in steps[top.pk]]:
        _close(demo, goal)
    clock.at(at(15))
    for goal in shared:
        _close(demo, goal)
    clock.at(at(17))
