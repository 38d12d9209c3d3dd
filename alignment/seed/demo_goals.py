"""The demo's KPIs with a year of weekly values, and its goals and steps with what their
check-ins say; ``Demo`` holds what the seeding steps share while the workspace is seeded."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from alignment.seed.common import CENT
from goals.models import KPI, Direction, Goal, Measurement, Period
from goals.permissions import can_edit_goal
from goals.services.goals import goal_create
from goals.services.kpis import kpi_create
from teams.models import Department, Membership, User, Workspace


@dataclass(frozen=True)
class KpiSpec:
    name: str
    unit: str
    direction: Direction
    owners: tuple[str, ...]
    description: str
    # The weekly history runs from ``year_ago`` to ``latest``, plus noise of about ``noise``.
    year_ago: float
    latest: float
    noise: float
    green: Decimal | None = None
    red: Decimal | None = None


DEMO_KPIS = (
    KpiSpec(
        "Customer acquisition cost",
        "EUR",
        Direction.DECREASE,
        ("marketing", "sales"),
        "Sales and marketing spend divided by the number of new customers won.",
        265,
        232,
        6,
        Decimal(180),
        Decimal(250),
    ),
    KpiSpec(
        "Customer lifetime value",
        "EUR",
        Direction.INCREASE,
        ("marketing", "product", "sales"),
        "Gross margin an average customer brings over the whole relationship.",
        1180,
        1390,
        25,
        Decimal(1500),
        Decimal(1000),
    ),
    KpiSpec(
        "Lead generation",
        "leads/week",
        Direction.INCREASE,
        ("marketing", "sales"),
        "New marketing-qualified leads per week.",
        310,
        430,
        18,
    ),
    KpiSpec(
        "Time to market",
        "weeks",
        Direction.DECREASE,
        ("product", "operations"),
        "Weeks from an approved feature brief to its launch.",
        13.5,
        10.5,
        0.4,
    ),
)


@dataclass(frozen=True)
class Notes:
    """What check-ins on one shared goal and its steps say; a blank blocker means none."""

    moved: tuple[str, ...]
    blockers: tuple[str, ...]
    next_steps: tuple[str, ...]


AWARENESS_NOTES = Notes(
    moved=(
        "Two campaign landing pages went live; sign-ups from them doubled in a week.",
        "The referral prompt reached 40% of workspace admins in its first week.",
        "Sales used the new campaign story in 11 demos; prospects mentioned the ads unprompted.",
        "The webinar with our retail partner drew 380 sign-ups, twice the last one.",
    ),
    blockers=(
        "",
        "Creative for the third campaign waits on final screenshots from Product.",
        "The awareness panel reports monthly, so we see movement with a lag.",
    ),
    next_steps=(
        "Launch the LinkedIn sequence for store operations managers next Tuesday.",
        "Agree the campaign calendar with Sales at the marketing-product sync.",
        "A/B test the referral prompt copy with 10% of admins.",
        "Share the panel results in the monthly leadership forum.",
    ),
)
CAC_NOTES = Notes(
    moved=(
        "Moved 12% of paid budget from display to high-intent search; cost per lead fell 9%.",
        "Sales now calls inbound demo requests within an hour; conversion rose two points.",
        "Stopped two partner channels that brought leads but no customers.",
    ),
    blockers=(
        "",
        "Lead scoring still counts students and job seekers as an MQL.",
        "Sales is two reps short until January, so hot leads wait.",
    ),
    next_steps=(
        "Review what makes an MQL and an SQL together with Sales operations.",
        "Cap display spend at 15% of the paid budget.",
        "Report CAC by channel in the next check-in.",
    ),
)
TIME_TO_MARKET_NOTES = Notes(
    moved=(
        "The shared launch checklist cut sign-off for the last release to five days.",
        "Three features shipped behind flags without waiting for the release train.",
        "Operations now joins sprint reviews, so support docs are ready on launch day.",
    ),
    blockers=(
        "",
        "Legal review still takes ten working days for any pricing change; its SLA says five.",
        "The staging environment is shared with the data team and often busy.",
    ),
    next_steps=(
        "Pilot a two-day sign-off for low-risk releases.",
        "Generate the release notes from merged tickets.",
        "Agree a freeze window with Marketing around campaign launches.",
    ),
)
LIFETIME_VALUE_NOTES = Notes(
    moved=(
        "Annual plans went live on the pricing page.",
        "Guided onboarding is live for new accounts; first-month activation is up 6%.",
        "Customer success flagged 14 at-risk accounts before their renewal.",
    ),
    blockers=(
        "Discount approval for annual plans still sits with Finance.",
        "Churn data arrives a month late, so we steer on old numbers.",
        "Onboarding emails compete with campaign emails for the same inboxes.",
    ),
    next_steps=(
        "Offer an annual plan in every renewal call this month.",
        "Add an in-app checklist to the second onboarding week.",
        "Ask Operations for a weekly churn export.",
    ),
)


@dataclass(frozen=True)
class GoalSpec:
    """A demo goal. A KPI-driven goal takes its metric and unit from the KPI and, unless
    ``current`` is given, its current value from the KPI's latest measurement."""

    title: str
    owners: tuple[str, ...]
    status: Goal.Status
    baseline: str
    target: str
    current: str = ""
    metric: str = ""
    unit: str = ""
    kpi: str = ""
    direction: Direction = Direction.INCREASE
    contributors: tuple[str, ...] = ()
    accountable: str = ""  # a username; blank means the lead of the first owner department
    priority: int | None = None
    description: str = ""
    steps: tuple["GoalSpec", ...] = ()


DEMO_GOALS: tuple[tuple[GoalSpec, Notes], ...] = (
    (
        GoalSpec(
            "Increase product awareness by 30% this quarter through targeted campaigns",
            owners=("marketing", "product"),
            contributors=("sales",),
            status=Goal.Status.ON_TRACK,
            metric="Aided brand awareness",
            unit="%",
            baseline="20",
            target="26",
            current="22.5",
            accountable="cmo",
            priority=1,
            description=(
                "Targeted campaigns for the new analytics module, referral prompts inside the "
                "product and demos that tell the same story lift aided awareness among "
                "independent retailers who fit our ICP."
            ),
            steps=(
                GoalSpec(
                    "Launch three targeted campaigns for the new analytics module",
                    owners=("marketing",),
                    status=Goal.Status.ON_TRACK,
                    metric="Campaigns launched",
                    unit="campaigns",
                    baseline="0",
                    target="3",
                    current="1",
                ),
                GoalSpec(
                    "Ship in-product referral prompts to every workspace admin",
                    owners=("product",),
                    status=Goal.Status.ON_TRACK,
                    metric="Admins who saw a referral prompt",
                    unit="%",
                    baseline="0",
                    target="100",
                    current="40",
                ),
                GoalSpec(
                    "Run 40 product demos that use the new campaign story",
                    owners=("sales",),
                    status=Goal.Status.AT_RISK,
                    metric="Demos using the campaign story",
                    unit="demos",
                    baseline="0",
                    target="40",
                    current="14",
                ),
            ),
        ),
        AWARENESS_NOTES,
    ),
    (
        GoalSpec(
            "Reduce customer acquisition cost by 15% by the end of the quarter",
            owners=("marketing", "sales"),
            status=Goal.Status.AT_RISK,
            kpi="Customer acquisition cost",
            direction=Direction.DECREASE,
            baseline="240",
            target="204",
            accountable="cmo",
            priority=2,
            description=(
                "Spend where buyers already search and follow up faster, so each new customer "
                "costs less to win: CAC falls as more of each MQL becomes an SQL."
            ),
            steps=(
                GoalSpec(
                    "Shift paid budget from display to high-intent search",
                    owners=("marketing",),
                    status=Goal.Status.ON_TRACK,
                    metric="Paid budget on high-intent search",
                    unit="%",
                    baseline="35",
                    target="55",
                    current="46",
                ),
                GoalSpec(
                    "Raise lead-to-opportunity conversion from 18% to 24%",
                    owners=("sales",),
                    status=Goal.Status.AT_RISK,
                    metric="Lead-to-opportunity conversion",
                    unit="%",
                    baseline="18",
                    target="24",
                    current="19.5",
                ),
            ),
        ),
        CAC_NOTES,
    ),
    (
        GoalSpec(
            "Cut time to market for launches from 12 to 8 weeks",
            owners=("product", "operations"),
            contributors=("marketing",),
            status=Goal.Status.ON_TRACK,
            kpi="Time to market",
            direction=Direction.DECREASE,
            baseline="12",
            target="8",
            accountable="coo",
            priority=3,
            description=(
                "One launch checklist, features behind flags and an early operations review "
                "let us ship what customers ask for while the demand is still there."
            ),
            steps=(
                GoalSpec(
                    "Cut release sign-off from 10 days to 3 with a shared launch checklist",
                    owners=("operations",),
                    status=Goal.Status.ON_TRACK,
                    metric="Release sign-off time",
                    unit="days",
                    direction=Direction.DECREASE,
                    baseline="10",
                    target="3",
                    current="6",
                ),
                GoalSpec(
                    "Ship new features behind flags instead of waiting for the release train",
                    owners=("product",),
                    status=Goal.Status.ON_TRACK,
                    metric="Features shipped behind flags",
                    unit="%",
                    baseline="20",
                    target="80",
                    current="55",
                ),
            ),
        ),
        TIME_TO_MARKET_NOTES,
    ),
    (
        GoalSpec(
            "Raise customer lifetime value to 1,600 EUR",
            owners=("product", "sales"),
            contributors=("marketing",),
            status=Goal.Status.OFF_TRACK,
            kpi="Customer lifetime value",
            baseline="1350",
            target="1600",
            accountable="coo",
            priority=4,
            description=(
                "Customers who commit for a year and get value in their first weeks stay "
                "longer and buy more, which is what CLV measures."
            ),
            steps=(
                GoalSpec(
                    "Move a quarter of customers to annual plans",
                    owners=("sales",),
                    status=Goal.Status.OFF_TRACK,
                    metric="Customers on annual plans",
                    unit="%",
                    baseline="12",
                    target="25",
                    current="14",
                ),
                GoalSpec(
                    "Cut first-year churn from 14% to 10% with guided onboarding",
                    owners=("product",),
                    status=Goal.Status.AT_RISK,
                    metric="First-year churn",
                    unit="%",
                    direction=Direction.DECREASE,
                    baseline="14",
                    target="10",
                    current="13.2",
                ),
            ),
        ),
        LIFETIME_VALUE_NOTES,
    ),
)

# Steps are due two weeks before the quarter ends, so the shared goal can still land.
STEP_SLACK = timedelta(days=14)


@dataclass
class Demo:
    workspace: Workspace
    users: dict[str, User]
    memberships: dict[str, Membership]  # by username
    departments: dict[str, Department]
    period: Period
    kpis: dict[str, KPI] = field(default_factory=dict)
    latest: dict[str, Decimal] = field(default_factory=dict)  # KPI name: latest value
    # Each goal with the author of its check-ins and what they say.
    checkin_goals: list[tuple[Goal, User | None, Notes]] = field(default_factory=list)


def _demo_kpi(demo: Demo, spec: KpiSpec, today: date, rng: random.Random) -> None:
    """The KPI and 52 weekly manual measurements, the last one today."""
    owners = [demo.departments[kind] for kind in spec.owners]
    kpi = kpi_create(
        workspace=demo.workspace,
        actor=owners[0].executive,
        name=spec.name,
        owner_departments=owners,
        unit=spec.unit,
        direction=spec.direction,
        description=spec.description,
        green_threshold=spec.green,
        red_threshold=spec.red,
    )
    weeks = 52
    measurements = [
        Measurement(
            kpi=kpi,
            date=today - timedelta(weeks=weeks - 1 - week),
            value=Decimal(
                spec.year_ago
                + (spec.latest - spec.year_ago) * week / (weeks - 1)
                + rng.gauss(0, spec.noise)
            ).quantize(CENT),
            source=Measurement.Source.MANUAL,
            created_by=owners[0].lead,
        )
        for week in range(weeks)
    ]
    Measurement.objects.bulk_create(measurements)
    demo.kpis[spec.name] = kpi
    demo.latest[spec.name] = measurements[-1].value


def _demo_goal(demo: Demo, spec: GoalSpec, notes: Notes, parent: Goal | None = None) -> None:
    owners = [demo.departments[kind] for kind in spec.owners]
    accountable = demo.users[spec.accountable] if spec.accountable else owners[0].lead
    kpi = demo.kpis.get(spec.kpi)
    period = demo.period
    # Set by the accountable person when they may (a lead, their department's goal), else by
    # the first owner department's executive, as the product's rules have it.
    setter = demo.memberships[accountable.username]
    if not can_edit_goal(setter, owners):
        setter = demo.memberships[owners[0].executive.username]
    goal = goal_create(
        membership=setter,
        title=spec.title,
        owner_departments=owners,
        contributing_departments=[demo.departments[kind] for kind in spec.contributors],
        description=spec.description,
        accountable=accountable,
        parent=parent,
        period=period,
        start_date=period.start_date,
        due_date=period.end_date - STEP_SLACK if parent else period.end_date,
        status=spec.status,
        priority=spec.priority,
        metric=kpi.name if kpi else spec.metric,
        unit=kpi.unit if kpi else spec.unit,
        baseline=Decimal(spec.baseline),
        target=Decimal(spec.target),
        current_value=Decimal(spec.current) if spec.current else demo.latest[spec.kpi],
        direction=spec.direction,
        kpi=kpi,
    )
    demo.checkin_goals.append((goal, owners[0].lead, notes))
    for step in spec.steps:
        _demo_goal(demo, step, notes, parent=goal)
