"""The scale workspace's forums and what their meetings leave: agendas, attendance, action items
and the decision log.

Each forum meets on a preset cadence (weekly to quarterly) from its first date on; its meetings
are the occurrences its rule gives, as :func:`forums.services.meetings_plan` makes them, so the
daily planning later adds only what lies beyond them. The meetings kept are the newest asked
for, up to three weeks ahead: the past ones held (most with their minutes published, those of
the last week partly still waiting for them, a few cancelled) with a frozen agenda of topics,
goals at risk and the conflicts open at the time, the coming ones with a topic or two.

Three quarters of the decisions not made on conflicts come from these meetings' items, the rest
were recorded directly over the past year.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.urls import reverse

from alignment.seed import scale_text as text
from alignment.seed.common import BATCH_SIZE, TIMEZONE, insert_rows, inserted_ids, quarter_of
from alignment.seed.scale_conflicts import PlannedConflict
from alignment.seed.scale_org import Lap, Org, answerer
from conflicts.models import Conflict
from forums.models import ActionItem, AgendaItem, Attendance, Decision, Forum, Meeting
from forums.recurrence import cadence_rule, occurrences
from goals.models import Goal
from teams.models import Department

Cadence, Status, Kind = Forum.Cadence, Meeting.Status, AgendaItem.Kind
ForumDepartment = Forum.departments.through
DecisionDepartment = Decision.departments.through
TABLES = (Forum, ForumDepartment, Meeting, AgendaItem, Attendance, ActionItem)
CADENCES = (
    Cadence.WEEKLY,
    Cadence.BIWEEKLY,
    Cadence.MONTHLY_WEEKDAY,
    Cadence.BIWEEKLY,
    Cadence.MONTHLY_DAY,
    Cadence.WEEKLY,
    Cadence.QUARTERLY,
    Cadence.BIWEEKLY,
    Cadence.MONTHLY_WEEKDAY,
    Cadence.WEEKLY,
)
DURATIONS = {
    Cadence.WEEKLY: 30,
    Cadence.BIWEEKLY: 45,
    Cadence.MONTHLY_WEEKDAY: 60,
    Cadence.MONTHLY_DAY: 60,
    Cadence.QUARTERLY: 120,
}
START_TIMES = (time(9), time(9, 30), time(10), time(11), time(14), time(15, 30))
AHEAD = timedelta(days=21)
CANCELLED_SHARE = 0.03
AWAITING_MINUTES = timedelta(days=7)  # meetings this recent may still wait for their minutes
MEETING_DECISIONS = 3 / 4  # of the decisions not made on conflicts
MEETING_COLUMNS = (
    "workspace_id",
    "forum_id",
    "occurrence",
    "starts_at",
    "duration_minutes",
    "status",
    "started_at",
    "ended_at",
    "published_at",
    "minutes",
    "minutes_shared_with_guests",
    "agenda_order",
    "agenda_minutes",
    "sequence",
    "version",
    "updated_at",
)
ITEM_COLUMNS = (
    "meeting_id",
    "kind",
    "title",
    "details",
    "source_id",
    "link",
    "added_by_id",
    "position",
    "minutes_allotted",
    "shared_with_guests",
    "discussed",
    "notes",
    "created_at",
)
ACTION_COLUMNS = (
    "workspace_id",
    "meeting_id",
    "agenda_item_id",
    "title",
    "owner_id",
    "department_id",
    "due_on",
    "status",
    "created_by_id",
    "created_at",
    "closed_at",
)
DECISION_COLUMNS = (
    "workspace_id",
    "meeting_id",
    "agenda_item_id",
    "title",
    "rationale",
    "decided_by_id",
    "review_on",
    "created_by_id",
    "created_at",
)


@dataclass(eq=False)
class PlannedForum:
    forum: Forum
    departments: list[Department]
    anchor: date  # the first date of the rule the meetings are planned on


@dataclass(eq=False)
class PlannedMeeting:
    forum: PlannedForum
    starts_at: datetime
    status: str
    items: list["PlannedItem"] = field(default_factory=list)
    pk: int = 0

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.forum.forum.duration_minutes)

    @property
    def held(self) -> bool:
        return self.status in (Status.ENDED, Status.PUBLISHED)


@dataclass(eq=False)
class PlannedItem:
    meeting: PlannedMeeting
    kind: str
    title: str
    details: str = ""
    source: int | None = None
    link: str = ""
    discussed: bool = False
    pk: int = 0


def forums_seed(
    org: Org,
    *,
    forums: int,
    meetings: int,
    decisions: int,
    conflicts: list[PlannedConflict],
    lap: Lap,
) -> None:
    """``forums`` forums, ``meetings`` meetings and ``decisions`` decisions besides those of
    the ``conflicts``, which the meetings had on their agendas while they were open."""
    planned = _forums(org, forums)
    kept = _meetings(org, planned, meetings)
    Forum.objects.bulk_create([p.forum for p in planned], batch_size=BATCH_SIZE)
    lap("forums", len(planned))
    members = ((p.forum.pk, d.pk) for p in planned for d in p.departments)
    lap("forum departments", insert_rows(ForumDepartment, ("forum_id", "department_id"), members))
    _agendas(org, kept, conflicts)
    rows = (_meeting_row(org, m) for m in kept)
    lap("meetings", insert_rows(Meeting, MEETING_COLUMNS, rows))
    ids = inserted_ids(Meeting.objects.filter(workspace=org.workspace), len(kept))
    for meeting, pk in zip(kept, ids, strict=True):
        meeting.pk = pk
    items = [item for meeting in kept for item in meeting.items]
    lap("agenda items", insert_rows(AgendaItem, ITEM_COLUMNS, _item_rows(org, items)))
    ids = inserted_ids(AgendaItem.objects.filter(meeting__workspace=org.workspace), len(items))
    for item, pk in zip(items, ids, strict=True):
        item.pk = pk
    held = [m for m in kept if m.held]
    attendance = _attendance(org, held)
    lap("attendance", insert_rows(Attendance, ("meeting_id", "user_id", "present"), attendance))
    lap("action items", insert_rows(ActionItem, ACTION_COLUMNS, _actions(org, held)))
    _decisions(org, held, decisions, lap)


def _forums(org: Org, count: int) -> list[PlannedForum]:
    """The forums, the first (the leadership forum) of up to eight departments, the others of
    two to five; each facilitated by its first department's executive."""
    rng = org.rng
    planned = []
    for i in range(count):
        names = text.FORUM_NAMES
        name = names[i % len(names)] + (f" {i // len(names) + 1}" if i >= len(names) else "")
        size = 8 if i == 0 else rng.randint(2, 5)
        departments = rng.sample(org.departments, min(size, len(org.departments)))
        cadence = CADENCES[i % len(CADENCES)]
        forum = Forum(
            workspace=org.workspace,
            name=name,
            purpose=text.FORUM_PURPOSE.format(departments=", ".join(d.name for d in departments)),
            facilitator_id=departments[0].executive_id,
            timezone=TIMEZONE,
            start_time=START_TIMES[i % len(START_TIMES)],
            duration_minutes=DURATIONS[cadence],
            cadence=cadence,
            created_by_id=org.admin,
        )
        planned.append(PlannedForum(forum, departments, org.today))
    return planned


def _anchor(org: Org, index: int, years: int) -> date:
    """A forum's first possible date ``years`` back: a Monday to Thursday, on the 28th or
    before, so that a rule anchored on any of its occurrences is the same rule."""
    day = org.today - timedelta(days=366 * years)
    day += timedelta(days=(index % 4 - day.weekday()) % 7)
    return day - timedelta(days=7) if day.day > 28 else day


def _occurrences(planned: PlannedForum, until: datetime) -> Iterator[datetime]:
    forum = planned.forum
    start = datetime.combine(planned.anchor, forum.start_time, tzinfo=forum.zone)
    return occurrences(
        rule=forum.rrule,
        first=planned.anchor,
        start=forum.start_time,
        zone=forum.timezone,
        after=start,
        before=until,
    )


def _meetings(org: Org, planned: list[PlannedForum], count: int) -> list[PlannedMeeting]:
    """The ``count`` newest occurrences of all the forums up to three weeks ahead (the rules
    start further back until there are enough), each forum starting on its first kept one."""
    until, years = org.now + AHEAD, 1
    while True:
        candidates = []
        for i, p in enumerate(planned):
            p.anchor = _anchor(org, i, years)
            p.forum.rrule = cadence_rule(p.forum.cadence, p.anchor)
            candidates += [(moment, i) for moment in _occurrences(p, until)]
        if len(candidates) >= count:
            break
        years *= 2
    kept = sorted(candidates, reverse=True)[:count][::-1]
    for p in planned:
        p.forum.first_date = p.anchor
    for moment, i in reversed(kept):
        planned[i].forum.first_date = moment.astimezone(planned[i].forum.zone).date()
    return [
        PlannedMeeting(planned[i], moment, _status(org, planned[i], moment)) for moment, i in kept
    ]


def _status(org: Org, planned: PlannedForum, starts_at: datetime) -> str:
    ends_at = starts_at + timedelta(minutes=planned.forum.duration_minutes)
    if ends_at > org.now:
        return Status.SCHEDULED
    if org.rng.random() < CANCELLED_SHARE:
        return Status.CANCELLED
    if ends_at > org.now - AWAITING_MINUTES and org.rng.random() < 0.5:
        return Status.ENDED
    return Status.PUBLISHED


def _agendas(org: Org, meetings: list[PlannedMeeting], conflicts: list[PlannedConflict]) -> None:
    """Topics for every meeting not cancelled, two to four for one held, up to two ahead; and,
    frozen into a held meeting's record, up to two goals at risk and the conflicts open then
    between its departments alone (as :func:`conflicts.agenda.conflicts_on_agenda` puts them
    on it)."""
    rng = org.rng
    at_risk: dict[int, list[Goal]] = {}
    for planned in org.goals:
        if planned.goal.status in (Goal.Status.AT_RISK, Goal.Status.OFF_TRACK):
            for owner in planned.owners:
                at_risk.setdefault(owner.pk, []).append(planned.goal)
    for meeting in meetings:
        if meeting.status == Status.CANCELLED:
            continue
        held = meeting.held
        topics = rng.sample(text.TOPICS, rng.randint(2, 4) if held else rng.randint(0, 2))
        meeting.items += [
            PlannedItem(meeting, Kind.TOPIC, t, discussed=held and rng.random() < 0.85)
            for t in topics
        ]
        if not held:
            continue
        departments = {d.pk for d in meeting.forum.departments}
        goals = [g for pk in departments for g in at_risk.get(pk, ())]
        for goal in rng.sample(goals, min(2, len(goals))):
            meeting.items.append(_goal_item(org, meeting, goal))
        open_then = [
            c
            for c in conflicts
            if c.created_at < meeting.starts_at
            and (c.settled_at is None or c.settled_at > meeting.starts_at)
            and departments.issuperset(d.pk for d in c.sides)
        ]
        for conflict in sorted(open_then, key=lambda c: c.decide_by)[:2]:
            meeting.items.append(_conflict_item(org, meeting, conflict))


def _goal_item(org: Org, meeting: PlannedMeeting, goal: Goal) -> PlannedItem:
    return PlannedItem(
        meeting,
        Kind.GOAL_AT_RISK,
        goal.title,
        details=f"{goal.get_status_display()}, {goal.progress}% done, due {goal.due_date:%d %b}",
        source=goal.pk,
        link=reverse("goal_detail", kwargs={"ws": org.slug, "pk": goal.pk}),
        discussed=org.rng.random() < 0.7,
    )


def _conflict_item(org: Org, meeting: PlannedMeeting, conflict: PlannedConflict) -> PlannedItem:
    overdue = " (overdue)" if conflict.decide_by < meeting.starts_at.date() else ""
    return PlannedItem(
        meeting,
        Kind.CONFLICT,
        conflict.title,
        details=f"{Conflict.Kind(conflict.kind).label} conflict raised by "
        f"{conflict.sides[0].name} between {len(conflict.sides)} departments, to decide by "
        f"{conflict.decide_by:%d %b}{overdue}",
        source=conflict.pk,
        link=reverse("conflict_detail", kwargs={"ws": org.slug, "pk": conflict.pk}),
        discussed=True,
    )


def _meeting_row(org: Org, meeting: PlannedMeeting) -> tuple[Any, ...]:
    rng = org.rng
    started = ended = published = None
    minutes = ""
    if meeting.held:
        started = meeting.starts_at + timedelta(minutes=rng.randint(0, 4))
        ended = meeting.ends_at + timedelta(minutes=rng.randint(-5, 5))
        titles = [item.title for item in meeting.items]
        minutes = text.MINUTES.format(
            first=titles[0], second=titles[1], note=rng.choice(text.ITEM_NOTES) or "parked."
        )
    if meeting.status == Status.PUBLISHED:
        published = min(ended + timedelta(hours=rng.uniform(1, 30)), org.now)
    changed = published or ended or org.now
    return (
        org.workspace.pk,
        meeting.forum.forum.pk,
        meeting.starts_at,
        meeting.starts_at,
        meeting.forum.forum.duration_minutes,
        meeting.status,
        started,
        ended,
        published,
        minutes,
        False,
        [],
        {},
        int(meeting.status == Status.CANCELLED),
        # A version for each change: each topic added, then start, attendance, end.
        1 + len(meeting.items) + 3 * meeting.held,
        changed,
    )


def _item_rows(org: Org, items: list[PlannedItem]) -> Iterator[tuple[Any, ...]]:
    """A topic was added by a lead of the forum days before; a data item was frozen in when
    the meeting started."""
    rng = org.rng
    positions: dict[PlannedMeeting, int] = {}
    for item in items:
        meeting = item.meeting
        positions[meeting] = positions.get(meeting, 0) + 1
        topic = item.kind == Kind.TOPIC
        added = meeting.starts_at - timedelta(days=rng.uniform(1, 6)) if topic else None
        yield (
            meeting.pk,
            item.kind,
            item.title,
            item.details,
            item.source,
            item.link,
            answerer(rng.choice(meeting.forum.departments)) if topic else None,
            positions[meeting],
            rng.choice((None, 10, 15, 20)),
            False,
            item.discussed,
            rng.choice(text.ITEM_NOTES) if item.discussed else "",
            min(added or meeting.starts_at, org.now),
        )


def _attendance(org: Org, held: list[PlannedMeeting]) -> Iterator[tuple[int, int, bool]]:
    """Everyone a held meeting expected: the facilitator was there, most of the others."""
    for meeting in held:
        facilitator = meeting.forum.forum.facilitator_id
        for person in sorted(org.people(meeting.forum.departments) | {facilitator}):
            yield meeting.pk, person, person == facilitator or org.rng.random() < 0.85


def _actions(org: Org, held: list[PlannedMeeting]) -> Iterator[tuple[Any, ...]]:
    """Up to two actions a held meeting, on discussed items; those due more than a week ago
    mostly done."""
    rng = org.rng
    for meeting in held:
        for item in [i for i in meeting.items if i.discussed][:2]:
            if rng.random() < 0.5:
                continue
            department = rng.choice(meeting.forum.departments)
            due = meeting.starts_at.date() + timedelta(days=rng.randint(7, 21))
            status = ActionItem.Status.OPEN
            if due < org.today - timedelta(days=7):
                statuses = ActionItem.Status
                status = rng.choices(statuses.values, weights=(1, 8, 1))[0]
            closed = None
            if status != ActionItem.Status.OPEN:
                closed = org.at(due - timedelta(days=rng.randint(0, 3)), 16)
            yield (
                org.workspace.pk,
                meeting.pk,
                item.pk,
                rng.choice(text.ACTIONS),
                answerer(department),
                department.pk,
                due,
                status,
                meeting.forum.forum.facilitator_id,
                meeting.ends_at,
                closed,
            )


def _decisions(org: Org, held: list[PlannedMeeting], count: int, lap: Lap) -> None:
    """``count`` decisions: three quarters on the discussed items of held meetings (when there
    are any), decided by the forum's facilitator during the meeting; the rest recorded
    directly by an executive on a day of the past year. A quarter come back for review."""
    items = [item for meeting in held for item in meeting.items if item.discussed]
    from_meetings = round(count * MEETING_DECISIONS) if items else 0
    planned = [_meeting_decision(org, org.rng.choice(items)) for _ in range(from_meetings)]
    planned += [_direct_decision(org) for _ in range(count - from_meetings)]
    rows = (row for row, _ in planned)
    lap("decisions", insert_rows(Decision, DECISION_COLUMNS, rows))
    ids = inserted_ids(Decision.objects.filter(workspace=org.workspace), len(planned))
    links = (
        (pk, d.pk) for (_, departments), pk in zip(planned, ids, strict=True) for d in departments
    )
    lap(
        "decision departments",
        insert_rows(DecisionDepartment, ("decision_id", "department_id"), links),
    )


def _review(org: Org, day: date) -> date | None:
    return day + timedelta(days=org.rng.randint(60, 150)) if org.rng.random() < 0.25 else None


def _meeting_decision(org: Org, item: PlannedItem) -> tuple[tuple[Any, ...], list[Department]]:
    rng = org.rng
    meeting = item.meeting
    forum = meeting.forum
    departments = rng.sample(forum.departments, min(len(forum.departments), rng.randint(1, 3)))
    day = meeting.starts_at.date()
    title, rationale = text.decision_text(
        rng, departments[0].name, quarter_of(day + timedelta(days=90)).name
    )
    decided = meeting.starts_at + (meeting.ends_at - meeting.starts_at) * rng.random()
    facilitator = forum.forum.facilitator_id
    row = (org.workspace.pk, meeting.pk, item.pk, title, rationale, facilitator)
    return (*row, _review(org, day), facilitator, decided), departments


def _direct_decision(org: Org) -> tuple[tuple[Any, ...], list[Department]]:
    rng = org.rng
    departments = rng.sample(org.departments, rng.choice((1, 1, 2)))
    decided = org.days_ago(0.5, 365)
    title, rationale = text.decision_text(
        rng, departments[0].name, quarter_of(decided.date() + timedelta(days=90)).name
    )
    executive = departments[0].executive_id
    row = (org.workspace.pk, None, None, title, rationale, executive)
    return (*row, _review(org, decided.date()), executive, decided), departments
