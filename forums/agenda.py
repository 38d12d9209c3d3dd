"""A meeting's agenda: built from the data until the meeting starts, then frozen.

Before a meeting starts its agenda is read live, for the forum's departments: goals at risk or
off track, low-confidence check-ins of the current cycle, shared goals whose owner departments'
steps report confidence 3 or more points apart, asks between the forum's departments that are
still open, KPIs past their red threshold, overdue action items, decisions due for review, and
the items of the sources other apps register in :data:`AGENDA_SOURCES` (open conflicts between
the forum's departments). An item whose source is resolved (the goal back on track, the ask
delivered) is simply no longer found: it drops off by itself. Participants'
topics are rows (:class:`~forums.models.AgendaItem`) from the start.

Each item has a key ("ask:7", "topic:12"): the facilitator's order and time boxes are stored by
key on the meeting. When the meeting starts, :func:`agenda_freeze` writes every item as a row,
and from then on the rows are the agenda.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from checkins.models import Ask, CheckIn, Cycle
from forums.models import ActionItem, AgendaItem, Decision, Meeting
from goals.models import KPI, Goal
from goals.selectors.kpis import recent_measurements

Kind = AgendaItem.Kind
# A check-in at or below this confidence goes on the agenda.
LOW_CONFIDENCE = 4
# Owner departments whose steps' confidence differs by this much are "diverging".
DIVERGENCE = 3
# At most this many items of each kind: an agenda is read by people.
PER_KIND = 15
OPEN_GOAL = ~Q(status__in=Goal.CLOSED_STATUSES) & ~Q(status=Goal.Status.DRAFT)


@dataclass
class Item:
    """One agenda line, from the data or a topic."""

    key: str
    kind: str
    title: str
    details: str = ""
    url: str = ""
    minutes: int | None = None
    topic: AgendaItem | None = None
    shared_with_guests: bool = False

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label


# Sources of agenda items from the apps above forums, which forums must not import: each is
# called with (meeting, the forum's department ids, the workspace slug, the meeting's local
# day) and returns its items. An app registers its source in its AppConfig.ready()
# (conflicts.apps).
AgendaSource = Callable[[Meeting, list[int], str, dt.date], list["Item"]]
AGENDA_SOURCES: list[AgendaSource] = []


def _goal_url(slug: str, pk: int) -> str:
    return reverse("goal_detail", kwargs={"ws": slug, "pk": pk})


def _goals_at_risk(meeting: Meeting, departments: list[int], slug: str) -> list[Item]:
    goals = (
        Goal.objects.filter(
            workspace_id=meeting.workspace_id,
            status__in=[Goal.Status.AT_RISK, Goal.Status.OFF_TRACK],
            owner_departments__in=departments,
        )
        .distinct()
        .order_by("due_date", "pk")[:PER_KIND]
    )
    return [
        Item(
            key=f"{Kind.GOAL_AT_RISK}:{goal.pk}",
            kind=Kind.GOAL_AT_RISK,
            title=goal.title,
            details=f"{goal.get_status_display()}, {goal.progress}% done, due {goal.due_date:%d %b}"
            if goal.due_date
            else f"{goal.get_status_display()}, {goal.progress}% done",
            url=_goal_url(slug, goal.pk),
        )
        for goal in goals
    ]


def _current_cycle(meeting: Meeting, day: dt.date) -> Cycle | None:
    """The check-in cycle the meeting's (local) day falls in."""
    return (
        Cycle.objects.filter(workspace_id=meeting.workspace_id, starts_on__lte=day)
        .order_by("-starts_on")
        .first()
    )


def _low_confidence(
    meeting: Meeting, departments: list[int], slug: str, cycle: Cycle | None
) -> list[Item]:
    if cycle is None:
        return []
    checkins = (
        CheckIn.objects.filter(
            cycle=cycle,
            confidence__lte=LOW_CONFIDENCE,
            goal__owner_departments__in=departments,
        )
        .filter(goal__in=Goal.objects.filter(OPEN_GOAL))
        .select_related("goal", "author")
        .distinct()
        .order_by("confidence", "pk")[:PER_KIND]
    )
    return [
        Item(
            key=f"{Kind.LOW_CONFIDENCE}:{checkin.pk}",
            kind=Kind.LOW_CONFIDENCE,
            title=checkin.goal.title,
            details=f"Confidence {checkin.confidence}/10"
            + (f" ({checkin.author})" if checkin.author else "")
            + (f": {checkin.blockers[:140]}" if checkin.blockers else ""),
            url=_goal_url(slug, checkin.goal_id),
        )
        for checkin in checkins
    ]


def _divergent(
    meeting: Meeting, departments: list[int], slug: str, cycle: Cycle | None
) -> list[Item]:
    """Shared goals of the forum's departments whose owner departments' steps (child goals)
    were checked in this cycle with confidences 3 or more apart."""
    if cycle is None:
        return []
    steps = CheckIn.objects.filter(
        cycle=cycle,
        goal__parent__workspace_id=meeting.workspace_id,
        goal__parent__owner_departments__in=departments,
    ).values_list("goal__parent_id", "goal__parent__title", "goal__owner_departments", "confidence")
    by_goal: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    titles = {}
    for parent_id, title, department_id, confidence in steps.distinct():
        by_goal[parent_id][department_id].append(confidence)
        titles[parent_id] = title
    items = []
    for parent_id, per_department in sorted(by_goal.items()):
        lowest = {dept: min(values) for dept, values in per_department.items()}
        if len(lowest) >= 2 and max(lowest.values()) - min(lowest.values()) >= DIVERGENCE:
            items.append(
                Item(
                    key=f"{Kind.DIVERGENT}:{parent_id}",
                    kind=Kind.DIVERGENT,
                    title=titles[parent_id],
                    details=f"Owner departments report confidence from "
                    f"{min(lowest.values())} to {max(lowest.values())} out of 10",
                    url=_goal_url(slug, parent_id),
                )
            )
    return items[:PER_KIND]


def _asks(meeting: Meeting, departments: list[int], slug: str, day: dt.date) -> list[Item]:
    asks = (
        Ask.objects.filter(
            workspace_id=meeting.workspace_id,
            status__in=Ask.UNRESOLVED,
            from_department__in=departments,
            to_department__in=departments,
        )
        .select_related("from_department", "to_department")
        .order_by("due_on", "pk")[:PER_KIND]
    )
    inbox = reverse("ask_inbox", kwargs={"ws": slug})
    return [
        Item(
            key=f"{Kind.ASK}:{ask.pk}",
            kind=Kind.ASK,
            title=ask.text[:300],
            details=f"{ask.from_department} asks {ask.to_department}, needed by "
            f"{ask.due_on:%d %b}" + (" (late)" if ask.is_late(day) else ""),
            url=inbox,
        )
        for ask in asks
    ]


def _kpis_in_red(meeting: Meeting, departments: list[int], slug: str) -> list[Item]:
    kpis = list(
        KPI.objects.filter(
            workspace_id=meeting.workspace_id,
            owner_departments__in=departments,
            red_threshold__isnull=False,
        )
        .distinct()
        .order_by("name", "pk")
    )
    latest = recent_measurements([kpi.pk for kpi in kpis], limit=1)
    items = []
    for kpi in kpis:
        values = latest.get(kpi.pk)
        if values and kpi.band(values[0].value) == "red":
            items.append(
                Item(
                    key=f"{Kind.KPI_RED}:{kpi.pk}",
                    kind=Kind.KPI_RED,
                    title=kpi.name,
                    details=f"Latest {values[0].value.normalize():f} {kpi.unit} on "
                    f"{values[0].date:%d %b}, past the red threshold "
                    f"{kpi.red_threshold.normalize():f}",
                    url=reverse("kpi_detail", kwargs={"ws": slug, "pk": kpi.pk}),
                )
            )
    return items[:PER_KIND]


def _overdue_actions(
    meeting: Meeting, departments: list[int], slug: str, day: dt.date
) -> list[Item]:
    actions = (
        ActionItem.objects.filter(
            workspace_id=meeting.workspace_id, status=ActionItem.Status.OPEN, due_on__lt=day
        )
        .filter(Q(department__in=departments) | Q(meeting__forum_id=meeting.forum_id))
        .select_related("owner")
        .order_by("due_on", "pk")[:PER_KIND]
    )
    return [
        Item(
            key=f"{Kind.ACTION_OVERDUE}:{action.pk}",
            kind=Kind.ACTION_OVERDUE,
            title=action.title,
            details=f"{action.owner}, due {action.due_on:%d %b}",
            url=reverse("my_work", kwargs={"ws": slug}),
        )
        for action in actions
    ]


def _reviews(
    meeting: Meeting, departments: list[int], slug: str, day: dt.date, since: dt.date | None
) -> list[Item]:
    """Decisions whose review date fell since the forum's previous meeting (or ever, for its
    first one) and is not after this one, from a meeting or recorded directly (a conflict's),
    affecting one of the forum's departments; not those superseded since."""
    decisions = Decision.objects.filter(
        workspace_id=meeting.workspace_id,
        review_on__lte=day,
        superseded_by__isnull=True,
    ).filter(
        Exists(
            Decision.departments.through.objects.filter(
                decision=OuterRef("pk"), department__in=departments
            )
        )
    )
    if since is not None:
        decisions = decisions.filter(review_on__gt=since)
    return [
        Item(
            key=f"{Kind.DECISION_REVIEW}:{decision.pk}",
            kind=Kind.DECISION_REVIEW,
            title=decision.title,
            details=f"Review date {decision.review_on:%d %b %Y}",
            url=reverse("decision_detail", kwargs={"ws": slug, "pk": decision.pk}),
        )
        for decision in decisions.order_by("review_on", "pk")[:PER_KIND]
    ]


def _topic(item: AgendaItem) -> Item:
    return Item(
        key=f"topic:{item.pk}",
        kind=item.kind,
        title=item.title,
        details=item.details,
        url=item.link,
        minutes=item.minutes_allotted,
        topic=item,
        shared_with_guests=item.shared_with_guests,
    )


def agenda_live(meeting: Meeting, *, departments: Iterable[int]) -> list[Item]:
    """The agenda of a meeting that has not started: the data's items and the topics, in the
    facilitator's order (new items after, by kind), with their time boxes."""
    departments = list(departments)
    slug = meeting.workspace.slug
    day = meeting.starts_at.astimezone(meeting.forum.zone).date()
    previous = (
        Meeting.objects.filter(forum_id=meeting.forum_id, starts_at__lt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    cycle = _current_cycle(meeting, day)
    items = [
        *_goals_at_risk(meeting, departments, slug),
        *_low_confidence(meeting, departments, slug, cycle),
        *_divergent(meeting, departments, slug, cycle),
        *_asks(meeting, departments, slug, day),
        *_kpis_in_red(meeting, departments, slug),
        *_overdue_actions(meeting, departments, slug, day),
        *_reviews(
            meeting,
            departments,
            slug,
            day,
            previous.astimezone(meeting.forum.zone).date() if previous else None,
        ),
    ]
    for source in AGENDA_SOURCES:
        items += source(meeting, departments, slug, day)
    for item in items:
        item.minutes = meeting.agenda_minutes.get(item.key)
    items += [_topic(topic) for topic in meeting.items.select_related("added_by")]
    rank = {key: index for index, key in enumerate(meeting.agenda_order)}
    return sorted(items, key=lambda item: (rank.get(item.key, len(rank)),))


def agenda_record(meeting: Meeting) -> list[Item]:
    """The agenda of a started meeting: its rows, in order."""
    return [_topic(row) for row in meeting.items.all()]


def agenda_of(meeting: Meeting, *, departments: Iterable[int]) -> list[Item]:
    if meeting.is_frozen:
        return agenda_record(meeting)
    return agenda_live(meeting, departments=departments)


def agenda_freeze(meeting: Meeting, *, departments: Iterable[int]) -> None:
    """Write the live agenda into the record: every data item becomes a row, and every row
    takes its place and time box."""
    items = agenda_live(meeting, departments=departments)
    topics, frozen = [], []
    for position, item in enumerate(items, start=1):
        if item.topic is not None:
            item.topic.position, item.topic.minutes_allotted = position, item.minutes
            topics.append(item.topic)
            continue
        kind, _, source = item.key.partition(":")
        frozen.append(
            AgendaItem(
                meeting=meeting,
                kind=kind,
                title=item.title,
                details=item.details,
                source_id=int(source),
                link=item.url,
                position=position,
                minutes_allotted=item.minutes,
            )
        )
    AgendaItem.objects.bulk_create(frozen)
    AgendaItem.objects.bulk_update(topics, ["position", "minutes_allotted"])
