"""Writes for forums and their meetings.

Admins and executives set up forums; the facilitator runs their meetings. Each service
authorizes its actor (``PermissionDenied``), applies its rules (``ValidationError`` by field),
writes in one transaction with its audit row, and bumps the meeting's ``version`` so that
every open meeting page sees the change on its next poll.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from core.audit import audit_record, update_audited
from forums import recurrence
from forums.agenda import agenda_freeze
from forums.models import AgendaItem, Attendance, Forum, Meeting, Partner, new_feed_key
from forums.permissions import ensure_can_run, ensure_participant
from forums.selectors import meeting_people
from teams.models import Department, Membership, Role, User
from teams.tenancy import ensure_in_workspace, ensure_members, require_role

# Meetings exist this far ahead (a daily task keeps the horizon moving).
HORIZON = dt.timedelta(days=200)
FORUM_FIELDS = (
    "name",
    "purpose",
    "facilitator",
    "timezone",
    "first_date",
    "start_time",
    "duration_minutes",
    "cadence",
    "rrule",
    "partner",
)
# Changing any of these moves the series' future meetings.
WHEN_FIELDS = {"timezone", "first_date", "start_time", "duration_minutes", "cadence", "rrule"}


# --- Forums ------------------------------------------------------------------------------------


def _forum_check(
    workspace, *, departments: list[Department], facilitator: User, guests: list[User]
) -> None:
    if not departments:
        raise ValidationError({"departments": "Choose at least one participating department."})
    ensure_in_workspace(workspace, departments, field="departments")
    ensure_members(workspace, [facilitator], field="facilitator", guests=False)
    ensure_members(workspace, guests, field="guests")


def _rule(cadence: str, rrule: str, first_date: dt.date) -> str:
    if cadence == Forum.Cadence.CUSTOM:
        return recurrence.rule_clean(rrule)
    if cadence not in Forum.Cadence.values:
        raise ValidationError({"cadence": "Choose how often the forum meets."})
    return recurrence.cadence_rule(cadence, first_date)


@transaction.atomic
def forum_create(
    *,
    membership: Membership,
    name: str,
    departments: Iterable[Department],
    facilitator: User,
    first_date: dt.date,
    start_time: dt.time,
    duration_minutes: int = 60,
    cadence: str = Forum.Cadence.MONTHLY_WEEKDAY,
    rrule: str = "",
    timezone_name: str = "",
    purpose: str = "",
    guests: Iterable[User] = (),
    partner: Partner | None = None,
) -> Forum:
    """A new forum and its meetings ahead (admins and executives); with ``partner``, that
    partner's review forum."""
    require_role(membership, Role.EXECUTIVE)
    workspace = membership.workspace
    departments, guests = list(departments), list(guests)
    _forum_check(workspace, departments=departments, facilitator=facilitator, guests=guests)
    ensure_in_workspace(workspace, [partner], field="partner")
    forum = Forum(
        workspace=workspace,
        name=name.strip(),
        purpose=purpose.strip(),
        facilitator=facilitator,
        timezone=timezone_name or workspace.timezone,
        first_date=first_date,
        start_time=start_time,
        duration_minutes=duration_minutes,
        cadence=cadence,
        rrule=_rule(cadence, rrule, first_date),
        partner=partner,
        created_by=membership.user,
    )
    forum.full_clean()
    forum.save()
    forum.departments.add(*departments)
    forum.guests.add(*guests)
    meetings_plan(forum=forum)
    audit_record(
        workspace=workspace,
        actor=membership.user,
        verb="created",
        target=forum,
        summary=f"{membership.user} set up the forum “{forum}”",
    )
    return forum


@transaction.atomic
def forum_update(
    *,
    membership: Membership,
    forum: Forum,
    departments: Iterable[Department],
    guests: Iterable[User] = (),
    from_date: dt.date | None = None,
    **fields: Any,
) -> Forum:
    """Change a forum. A change of when it meets applies to the meetings from ``from_date``
    (default: today) on; those before it stay as they were, and so do meetings already
    started, moved or cancelled by hand."""
    require_role(membership, Role.EXECUTIVE)
    unknown = set(fields) - set(FORUM_FIELDS)
    if unknown:
        raise TypeError(f"forum_update() got unknown fields {sorted(unknown)}")
    workspace = membership.workspace
    locked = Forum.objects.select_for_update().get(pk=forum.pk, workspace=workspace)
    departments, guests = list(departments), list(guests)
    facilitator = fields.get("facilitator", locked.facilitator)
    _forum_check(workspace, departments=departments, facilitator=facilitator, guests=guests)
    ensure_in_workspace(workspace, [fields.get("partner")], field="partner")
    if "cadence" in fields or "rrule" in fields or "first_date" in fields:
        fields["rrule"] = _rule(
            fields.get("cadence", locked.cadence),
            fields.get("rrule", locked.rrule),
            fields.get("first_date", locked.first_date),
        )
    when_changed = any(fields[key] != getattr(locked, key) for key in WHEN_FIELDS & set(fields))
    guests_before = list(locked.guests.order_by("pk"))
    guest_removed = bool({g.pk for g in guests_before} - {g.pk for g in guests})

    def save(changed: Forum) -> None:
        if when_changed:
            changed.sequence += 1
        if guest_removed:
            # The forum's feed URL may be in a removed guest's calendar: it stops working.
            changed.feed_key = new_feed_key()
        changed.full_clean()
        changed.save()
        changed.departments.set(departments)
        changed.guests.set(guests)

    update_audited(
        locked,
        fields,
        workspace=workspace,
        actor=membership.user,
        summary=lambda changed: (
            f"{membership.user} changed {', '.join(changed)} of the forum “{locked}”"
        ),
        save=save,
        related={
            "departments": (
                [d.name for d in locked.departments.all()],
                [d.name for d in departments],
            ),
            "guests": ([str(g) for g in guests_before], [str(g) for g in guests]),
        },
    )
    if when_changed:
        since = from_date or workspace.today()
        start = dt.datetime.combine(since, dt.time.min, tzinfo=locked.zone).astimezone(dt.UTC)
        _replan(locked, start)
    return locked


def _replan(forum: Forum, start: dt.datetime) -> None:
    """Bring the untouched meetings from ``start`` on onto the series' new rule: those whose
    occurrence the rule still gives keep their id (and what was sent about them) and take the
    new length; the others go, and the rule's new dates get meetings. Meetings someone moved,
    cancelled, put a topic on or arranged stay as they are."""
    untouched = {
        meeting.occurrence: meeting
        for meeting in Meeting.objects.filter(
            forum=forum,
            occurrence__gte=start,
            status=Meeting.Status.SCHEDULED,
            sequence=0,
            items__isnull=True,
            agenda_order=[],
        )
    }
    kept = set(
        recurrence.occurrences(
            rule=forum.rrule,
            first=forum.first_date,
            start=forum.start_time,
            zone=forum.timezone,
            after=start,
            before=timezone.now() + HORIZON,
        )
    )
    Meeting.objects.filter(pk__in=[m.pk for o, m in untouched.items() if o not in kept]).delete()
    Meeting.objects.filter(pk__in=[m.pk for o, m in untouched.items() if o in kept]).update(
        duration_minutes=forum.duration_minutes, version=F("version") + 1
    )
    meetings_plan(forum=forum, after=start)


@transaction.atomic
def meetings_plan(*, forum: Forum, after: dt.datetime | None = None) -> list[Meeting]:
    """Create the meetings the rule gives from ``after`` (default: now) to the horizon that do
    not exist yet; returns them. Under the forum's lock, so that the daily planning and an edit
    of the series never plan over each other."""
    forum = Forum.objects.select_for_update().get(pk=forum.pk)
    now = timezone.now()
    wanted = list(
        recurrence.occurrences(
            rule=forum.rrule,
            first=forum.first_date,
            start=forum.start_time,
            zone=forum.timezone,
            after=after or now,
            before=now + HORIZON,
        )
    )
    existing = set(
        Meeting.objects.filter(forum=forum, occurrence__in=wanted).values_list(
            "occurrence", flat=True
        )
    )
    meetings = [
        Meeting(
            workspace_id=forum.workspace_id,
            forum=forum,
            occurrence=moment,
            starts_at=moment,
            duration_minutes=forum.duration_minutes,
        )
        for moment in wanted
        if moment not in existing
    ]
    return Meeting.objects.bulk_create(meetings)


# --- Meetings ----------------------------------------------------------------------------------


def lock_for_change(meeting: Meeting, membership: Membership, *, run: bool = True) -> Meeting:
    """The meeting's row, locked for this change, once ``membership`` may make it."""
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("forum", "workspace")
        .get(pk=meeting.pk, workspace=membership.workspace)
    )
    if run:
        ensure_can_run(membership, locked.forum)
    else:
        ensure_participant(membership, locked.forum)
    return locked


def bump_version(meeting: Meeting, **changes: Any) -> None:
    """Apply ``changes`` and move the version on, for every open meeting page's next poll."""
    Meeting.objects.filter(pk=meeting.pk).update(version=F("version") + 1, **changes)
    meeting.version += 1
    for name, value in changes.items():
        setattr(meeting, name, value)


def ensure_open(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("This meeting was cancelled.")
    if meeting.is_locked:
        raise ValidationError("The minutes are published: this meeting no longer changes.")


def lock_running(meeting: Meeting, membership: Membership, *, doing: str) -> Meeting:
    """:func:`lock_for_change` for what is recorded while a meeting runs: refused before it
    starts ("Start the meeting to ``doing``.") and once its minutes are published."""
    locked = lock_for_change(meeting, membership)
    ensure_open(locked)
    if not locked.is_frozen:
        raise ValidationError(f"Start the meeting to {doing}.")
    return locked


@transaction.atomic
def meeting_move(
    *,
    membership: Membership,
    meeting: Meeting,
    starts_at: dt.datetime,
    duration_minutes: int | None = None,
) -> Meeting:
    """Move one meeting of the series (the series itself stays as it is)."""
    locked = lock_for_change(meeting, membership)
    if locked.status != Meeting.Status.SCHEDULED:
        raise ValidationError("Only a meeting that has not started can be moved.")
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": "Choose a time in the future."})
    duration = duration_minutes or locked.duration_minutes
    if not 5 <= duration <= Forum.MAX_DURATION:
        raise ValidationError({"duration_minutes": "A meeting lasts from 5 minutes to 8 hours."})
    update_audited(
        locked,
        {"starts_at": starts_at, "duration_minutes": duration},
        workspace=locked.workspace,
        actor=membership.user,
        summary=f"{membership.user} moved the meeting “{locked.forum}”",
        save=lambda changed: bump_version(
            changed,
            starts_at=starts_at,
            duration_minutes=duration,
            sequence=changed.sequence + 1,
        ),
    )
    return locked


@transaction.atomic
def meeting_cancel(*, membership: Membership, meeting: Meeting) -> Meeting:
    locked = lock_for_change(meeting, membership)
    if locked.status != Meeting.Status.SCHEDULED:
        raise ValidationError("Only a meeting that has not started can be cancelled.")
    bump_version(locked, status=Meeting.Status.CANCELLED, sequence=locked.sequence + 1)
    audit_record(
        workspace=locked.workspace,
        actor=membership.user,
        verb="cancelled",
        target=locked,
        summary=f"{membership.user} cancelled the meeting {locked}",
    )
    return locked


@transaction.atomic
def topic_add(
    *,
    membership: Membership,
    meeting: Meeting,
    title: str,
    details: str = "",
    minutes_allotted: int | None = None,
    shared_with_guests: bool = False,
) -> AgendaItem:
    """A participant's own topic on the agenda (also during the meeting)."""
    locked = lock_for_change(meeting, membership, run=False)
    ensure_open(locked)
    last = locked.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        meeting=locked,
        title=title.strip(),
        details=details.strip(),
        minutes_allotted=minutes_allotted,
        shared_with_guests=shared_with_guests,
        added_by=membership.user,
        position=last + 1,
    )
    if not item.title:
        raise ValidationError({"title": "Say what the topic is."})
    item.full_clean(exclude=["meeting", "added_by"])
    item.save()
    bump_version(locked)
    audit_record(
        workspace=locked.workspace,
        actor=membership.user,
        verb="created",
        target=item,
        summary=f"{membership.user} added “{item.title}” to the agenda of {locked}",
    )
    return item


@transaction.atomic
def agenda_arrange(
    *,
    membership: Membership,
    meeting: Meeting,
    order: list[str],
    minutes: dict[str, int | None],
) -> Meeting:
    """The facilitator's order and time boxes, by item key (see :mod:`forums.agenda`)."""
    locked = lock_for_change(meeting, membership)
    ensure_open(locked)
    bad = [key for key, value in minutes.items() if value is not None and not 1 <= value <= 480]
    if bad:
        raise ValidationError({"minutes": "Give each item from 1 to 480 minutes."})
    if locked.is_frozen:
        rows = {f"topic:{row.pk}": row for row in locked.items.all()}
        for position, key in enumerate(order, start=1):
            if key in rows:
                rows[key].position = position
                if key in minutes:
                    rows[key].minutes_allotted = minutes[key]
        AgendaItem.objects.bulk_update(rows.values(), ["position", "minutes_allotted"])
        bump_version(locked)
    else:
        topics = {f"topic:{row.pk}": row for row in locked.items.all()}
        for key, row in topics.items():
            if key in minutes:
                row.minutes_allotted = minutes[key]
        AgendaItem.objects.bulk_update(topics.values(), ["minutes_allotted"])
        data_minutes = {k: v for k, v in minutes.items() if k not in topics and v is not None}
        bump_version(locked, agenda_order=list(order), agenda_minutes=data_minutes)
    return locked


@transaction.atomic
def meeting_start(*, membership: Membership, meeting: Meeting) -> Meeting:
    """Start the meeting: its agenda is frozen into the record."""
    locked = lock_for_change(meeting, membership)
    if locked.status != Meeting.Status.SCHEDULED:
        raise ValidationError("This meeting has started already, or was cancelled.")
    departments = list(locked.forum.departments.values_list("pk", flat=True))
    agenda_freeze(locked, departments=departments)
    bump_version(locked, status=Meeting.Status.STARTED, started_at=timezone.now())
    audit_record(
        workspace=locked.workspace,
        actor=membership.user,
        verb="started",
        target=locked,
        summary=f"{membership.user} started the meeting {locked}",
    )
    return locked


@transaction.atomic
def attendance_record(
    *, membership: Membership, meeting: Meeting, present: Iterable[int]
) -> list[Attendance]:
    """Who attended, of the people expected (:func:`forums.selectors.meeting_people`): the
    ids in ``present`` were there, the others not. All or nothing, in one write."""
    locked = lock_running(meeting, membership, doing="record who attended")
    expected = {person.pk for person in meeting_people(locked)}
    present = set(present)
    if present - expected:
        raise ValidationError({"present": "Choose among the people the meeting expects."})
    rows = Attendance.objects.bulk_create(
        [Attendance(meeting=locked, user_id=pk, present=pk in present) for pk in expected],
        update_conflicts=True,
        unique_fields=["meeting", "user"],
        update_fields=["present"],
    )
    bump_version(locked)
    audit_record(
        workspace=locked.workspace,
        actor=membership.user,
        verb="updated",
        target=locked,
        summary=f"{membership.user} recorded the attendance of {locked}: {len(present)} present",
    )
    return rows


@transaction.atomic
def minutes_save(
    *, membership: Membership, meeting: Meeting, minutes: str, shared_with_guests: bool
) -> Meeting:
    locked = lock_running(meeting, membership, doing="record its minutes")
    update_audited(
        locked,
        {"minutes": minutes.strip(), "minutes_shared_with_guests": shared_with_guests},
        workspace=locked.workspace,
        actor=membership.user,
        summary=f"{membership.user} edited the minutes of {locked}",
        save=lambda changed: bump_version(
            changed,
            minutes=changed.minutes,
            minutes_shared_with_guests=changed.minutes_shared_with_guests,
        ),
    )
    return locked


@transaction.atomic
def item_record(
    *, membership: Membership, item: AgendaItem, discussed: bool, notes: str
) -> AgendaItem:
    """Mark an agenda item discussed (or not) and note what was said."""
    locked = lock_running(item.meeting, membership, doing="record what was discussed")
    item.discussed, item.notes = discussed, notes.strip()
    item.save(update_fields=["discussed", "notes"])
    bump_version(locked)
    return item


@transaction.atomic
def meeting_end(*, membership: Membership, meeting: Meeting) -> Meeting:
    """End the meeting: the topics not discussed carry forward to the series' next meeting."""
    locked = lock_for_change(meeting, membership)
    if locked.status != Meeting.Status.STARTED:
        raise ValidationError("Only a meeting in progress can be ended.")
    following = (
        Meeting.objects.filter(
            forum=locked.forum, starts_at__gt=locked.starts_at, status=Meeting.Status.SCHEDULED
        )
        .order_by("starts_at")
        .first()
    )
    # Topics carry forward; an item from the data comes back by itself while its source is
    # unresolved.
    left = list(locked.items.filter(discussed=False, kind=AgendaItem.Kind.TOPIC))
    if following is not None and left:
        last = following.items.aggregate(last=Max("position"))["last"] or 0
        AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=following,
                title=item.title,
                details=item.details,
                added_by=item.added_by,
                position=last + index,
                minutes_allotted=item.minutes_allotted,
                shared_with_guests=item.shared_with_guests,
                carried_from=item,
            )
            for index, item in enumerate(left, start=1)
        )
        bump_version(following)
    bump_version(locked, status=Meeting.Status.ENDED, ended_at=timezone.now())
    audit_record(
        workspace=locked.workspace,
        actor=membership.user,
        verb="ended",
        target=locked,
        summary=f"{membership.user} ended the meeting {locked}; "
        + (
            f"{len(left)} topic(s) carried forward"
            if following is not None
            else "no next meeting to carry topics to"
        ),
    )
    return locked


@transaction.atomic
def minutes_publish(*, membership: Membership, meeting: Meeting) -> Meeting:
    """Publish the minutes: from now on the meeting's record is locked."""
    locked = lock_for_change(meeting, membership)
    if locked.status != Meeting.Status.ENDED:
        raise ValidationError("End the meeting before publishing its minutes.")
    if not locked.minutes.strip():
        raise ValidationError({"minutes": "Write the minutes before publishing them."})
    bump_version(locked, status=Meeting.Status.PUBLISHED, published_at=timezone.now())
    audit_record(
        workspace=locked.workspace,
        actor=membership.user,
        verb="published",
        target=locked,
        summary=f"{membership.user} published the minutes of {locked}",
    )
    return locked
