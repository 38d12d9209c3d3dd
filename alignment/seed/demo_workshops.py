"""The demo's workshops, run through the workshop services as their participants would.

* Last quarter's planning workshop, facilitated by the admin with all four departments: three
  proposals, comments, dot votes, the winners broken into department steps and committed as
  two shared goals (demo_wins ends them when the quarter ends).
* Next quarter's launch workshop of marketing and operations, facilitated by the CMO with the
  COO and marketing's lead: four proposals from the two departments, discussed and in the vote
  phase, the COO and marketing's lead have voted and the CMO has not yet.

The services stamp what they write with the time of the seed; :class:`Clock` dates it back to
when it happened, audit rows and notifications included.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Max, Model
from django.utils import timezone

from alignment.seed.demo_goals import STEP_SLACK, Demo
from core.models import AuditEvent, Notification
from goals.models import Direction, Goal, Period, Retrospective, Win
from teams.models import Workspace
from workshops import commit, services
from workshops.models import Proposal, ProposalComment, Step, Vote, Workshop

# What the workshop and closing services write: each table, the path from its rows to their
# workspace, and whether its rows keep when they last changed.
STAMPED: tuple[tuple[type[Model], str, bool], ...] = (
    (AuditEvent, "workspace", False),
    (Notification, "workspace", False),
    (Workshop, "workspace", False),
    (Proposal, "workshop__workspace", True),
    (ProposalComment, "proposal__workshop__workspace", False),
    (Vote, "workshop__workspace", False),
    (Step, "proposal__workshop__workspace", False),
    (Goal, "workspace", True),
    (Retrospective, "workspace", False),
    (Win, "workspace", False),
)


class Clock:
    """Dates rows back to when they were written in the story: :meth:`at` gives every row
    written since the last call (and every change, where a row keeps its last change) the
    moment given."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._mark()

    def _mark(self) -> None:
        self.since = timezone.now()
        self.last = {
            model: model.objects.aggregate(pk=Max("pk"))["pk"] or 0 for model, *_ in STAMPED
        }

    def at(self, moment: datetime) -> None:
        for model, path, changes in STAMPED:
            rows = model.objects.filter(**{path: self.workspace})
            if changes:
                rows.filter(updated_at__gte=self.since).update(updated_at=moment)
            rows.filter(pk__gt=self.last[model]).update(created_at=moment)
        self._mark()


@dataclass(frozen=True)
class StepSpec:
    department: str  # its kind; the department's lead adds the step
    title: str
    metric: str
    unit: str
    baseline: str
    target: str


@dataclass(frozen=True)
class ProposalSpec:
    author: str  # a username
    title: str
    owners: tuple[str, ...]  # department kinds
    description: str
    metric: str
    unit: str
    baseline: str
    target: str
    direction: Direction = Direction.INCREASE
    voters: tuple[str, ...] = ()
    comments: tuple[tuple[str, str], ...] = ()  # (username, what they wrote)
    steps: tuple[StepSpec, ...] = ()
    committed: bool = False


PLANNING_PEOPLE = ("cmo", "coo", "product.lead", "sales.lead", "marketing.lead", "member")
PLANNING = (
    ProposalSpec(
        "sales.lead",
        "Grow marketing-qualified leads from 370 to 410 a week",
        ("marketing", "sales"),
        "More of the right retailers asking for a demo: partner webinars aimed at store owners "
        "who fit our ICP, and every demo request called back the next working day, so the leads "
        "Marketing counts are the leads Sales can win.",
        "Marketing-qualified leads",
        "leads/week",
        "370",
        "410",
        voters=("cmo", "coo", "sales.lead", "marketing.lead"),
        comments=(
            (
                "coo",
                "Can Operations see the webinar dates early? Each one brings a wave of trial "
                "set-ups for support.",
            ),
            ("marketing.lead", "Yes: the webinar calendar goes to support the week it is booked."),
        ),
        steps=(
            StepSpec(
                "marketing",
                "Run 6 webinars with retail partners",
                "Webinars held",
                "webinars",
                "0",
                "6",
            ),
            StepSpec(
                "sales",
                "Call back 90% of demo requests within one working day",
                "Demo requests called back within a day",
                "%",
                "55",
                "90",
            ),
        ),
        committed=True,
    ),
    ProposalSpec(
        "product.lead",
        "Launch inventory forecasting in 25 pilot stores",
        ("product", "operations"),
        "Forecasting leaves the beta: 25 paying stores use it every week, with Operations ready "
        "to onboard and support each of them.",
        "Pilot stores live on forecasting",
        "stores",
        "0",
        "25",
        voters=("cmo", "coo", "product.lead", "sales.lead", "member"),
        comments=(
            (
                "sales.lead",
                "Three stores in the enterprise pipeline asked for forecasting; I can introduce "
                "them.",
            ),
            ("coo", "Twelve support agents can be trained by mid-quarter if the beta is stable."),
        ),
        steps=(
            StepSpec(
                "product",
                "Raise forecast accuracy for pilot stores from 72% to 85%",
                "Forecast accuracy",
                "%",
                "72",
                "85",
            ),
            StepSpec(
                "operations",
                "Train 12 support agents to onboard a forecasting store",
                "Support agents trained",
                "agents",
                "0",
                "12",
            ),
        ),
        committed=True,
    ),
    ProposalSpec(
        "member",
        "Cut onboarding time for a new store from 14 to 7 days",
        ("product", "operations"),
        "New stores wait two weeks for their first report; half of that is waiting on data "
        "imports that could run on the first day.",
        "Days from sign-up to first report",
        "days",
        "14",
        "7",
        direction=Direction.DECREASE,
        voters=("coo", "product.lead", "member"),
        comments=(
            (
                "product.lead",
                "Guided onboarding is on next quarter's roadmap; this can wait for it.",
            ),
        ),
    ),
)

LAUNCH_PEOPLE = ("coo", "marketing.lead")
LAUNCH = (
    ProposalSpec(
        "coo",
        "Cut first response to launch-week support tickets from 11 to 4 hours",
        ("operations", "marketing"),
        "Campaigns bring a wave of trial set-ups in launch week. Support staffed from the "
        "campaign calendar answers them while the interest is still there.",
        "First response time in launch weeks",
        "hours",
        "11",
        "4",
        direction=Direction.DECREASE,
        voters=("coo", "marketing.lead"),
        comments=(
            (
                "marketing.lead",
                "We can send support the campaign calendar every week from now on.",
            ),
        ),
    ),
    ProposalSpec(
        "marketing.lead",
        "Publish the campaign calendar 6 weeks before every launch",
        ("marketing", "operations"),
        "Operations staffs support and onboarding from the calendar; six weeks is how long "
        "hiring temporary agents takes.",
        "Launches with a calendar 6 weeks ahead",
        "%",
        "25",
        "100",
        voters=("marketing.lead",),
    ),
    ProposalSpec(
        "cmo",
        "Win 150 new retailers with the forecasting launch campaigns",
        ("marketing", "operations"),
        "The launch is our one big moment next quarter: campaigns to independent retailers who "
        "fit our ICP, at an acquisition cost under 200 EUR.",
        "New customers from the launch",
        "customers",
        "60",
        "150",
        voters=("marketing.lead",),
        comments=(
            (
                "coo",
                "150 works if the campaigns fit the cost plan. Can we agree the spend before "
                "we vote?",
            ),
            (
                "cmo",
                "Agreed, if the plan keeps the brand campaign in launch month: that is what the "
                "growth forum decides next week.",
            ),
        ),
    ),
    ProposalSpec(
        "coo",
        "Cut launch overspend from 18% to 5% of the cost plan",
        ("operations", "marketing"),
        "The last two launches ran 18% over their cost plan. Costs agreed before the campaigns "
        "are booked leave room for the next launch.",
        "Launch spend over plan",
        "%",
        "18",
        "5",
        direction=Direction.DECREASE,
        voters=("coo",),
    ),
)


def _proposals(demo: Demo, workshop: Workshop, specs: tuple[ProposalSpec, ...]) -> list[Proposal]:
    return [
        services.proposal_create(
            workshop=workshop,
            actor=demo.users[spec.author],
            title=spec.title,
            owner_departments=[demo.departments[kind] for kind in spec.owners],
            description=spec.description,
            metric=spec.metric,
            unit=spec.unit,
            baseline=Decimal(spec.baseline),
            target=Decimal(spec.target),
            direction=spec.direction,
            due_date=workshop.period.end_date,
        )
        for spec in specs
    ]


def _comments(demo: Demo, pairs: list[tuple[ProposalSpec, Proposal]]) -> None:
    for spec, proposal in pairs:
        for username, body in spec.comments:
            services.comment_create(proposal=proposal, actor=demo.users[username], body=body)


def _votes(demo: Demo, pairs: list[tuple[ProposalSpec, Proposal]]) -> None:
    for spec, proposal in pairs:
        for username in spec.voters:
            services.vote_cast(proposal=proposal, voter=demo.users[username])


def _workshop(
    demo: Demo,
    *,
    facilitator: str,
    title: str,
    period: Period,
    kinds: tuple[str, ...],
    people: tuple[str, ...],
) -> Workshop:
    return services.workshop_create(
        workspace=demo.workspace,
        actor=demo.users[facilitator],
        title=title,
        period=period,
        departments=[demo.departments[kind] for kind in kinds],
        participants=[demo.users[username] for username in people],
    )


def _planning_day(period: Period) -> date:
    """The quarter's second day, or the first working day after it."""
    day = period.start_date + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _planning(demo: Demo, period: Period) -> list[Goal]:
    """Held on the first working day after the quarter began, from 09:30 to 11:30."""
    day = _planning_day(period)

    def at(hour: int, minute: int) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=demo.workspace.zone)

    clock = Clock(demo.workspace)
    admin = demo.users["admin"]
    workshop = _workshop(
        demo,
        facilitator="admin",
        title=f"{period.name} planning: shared goals of the four departments",
        period=period,
        kinds=("marketing", "product", "sales", "operations"),
        people=PLANNING_PEOPLE,
    )
    pairs = list(zip(PLANNING, _proposals(demo, workshop, PLANNING), strict=True))
    clock.at(at(9, 30))
    services.workshop_advance(workshop=workshop, actor=admin)
    _comments(demo, pairs)
    clock.at(at(10, 15))
    services.workshop_advance(workshop=workshop, actor=admin)
    _votes(demo, pairs)
    clock.at(at(10, 45))
    services.workshop_advance(workshop=workshop, actor=admin)
    for spec, proposal in pairs:
        for step in spec.steps:
            department = demo.departments[step.department]
            services.step_create(
                proposal=proposal,
                actor=department.lead,
                department=department,
                title=step.title,
                metric=step.metric,
                unit=step.unit,
                baseline=Decimal(step.baseline),
                target=Decimal(step.target),
                due_date=period.end_date - STEP_SLACK,
            )
    clock.at(at(11, 10))
    services.workshop_advance(workshop=workshop, actor=admin)
    clock.at(at(11, 20))
    goals = commit.workshop_commit(
        workshop=workshop,
        actor=admin,
        proposal_ids=[proposal.pk for spec, proposal in pairs if spec.committed],
    )
    committed = at(11, 30)
    clock.at(committed)
    Workshop.objects.filter(pk=workshop.pk).update(committed_at=committed)
    return goals


def _launch(demo: Demo, period: Period) -> None:
    """Drafted two days ago, discussed yesterday, in its vote phase since an hour ago."""
    now = timezone.now()
    clock = Clock(demo.workspace)
    cmo = demo.users["cmo"]
    workshop = _workshop(
        demo,
        facilitator="cmo",
        title=f"{period.name} launch goals: marketing × operations",
        period=period,
        kinds=("marketing", "operations"),
        people=LAUNCH_PEOPLE,
    )
    pairs = list(zip(LAUNCH, _proposals(demo, workshop, LAUNCH), strict=True))
    clock.at(now - timedelta(days=2))
    services.workshop_advance(workshop=workshop, actor=cmo)
    _comments(demo, pairs)
    clock.at(now - timedelta(days=1))
    services.workshop_advance(workshop=workshop, actor=cmo)
    _votes(demo, pairs)
    clock.at(now - timedelta(hours=1))


def demo_workshops(demo: Demo, *, previous: Period, following: Period) -> list[Goal]:
    """Both workshops; returns the shared goals last quarter's committed."""
    goals = _planning(demo, previous)
    _launch(demo, following)
    return goals
