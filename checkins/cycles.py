"""Check-in cycles as date arithmetic: a cadence and a day give the cycle, with no query.

Weekly and bi-weekly cycles start on Mondays counted from a fixed Monday (:data:`EPOCH`),
monthly ones on the first of the month. A check-in is due on the cycle's last Wednesday that
still leaves its Thursday and Friday inside the cycle, so the whole reminder sequence falls on
working days of the same cycle: the reminder on Monday, the nudge on Thursday and the
escalation on Friday.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from checkins.models import Reminder
from teams.models import Cadence, Workspace

EPOCH = date(2024, 1, 1)  # a Monday
WEDNESDAY = 2
REMINDER_HOUR = 9  # a day's reminders go out from 09:00 in the workspace's time zone
BEFORE_DUE = timedelta(days=2)
NUDGE_AFTER = timedelta(days=1)
ESCALATION_AFTER = timedelta(days=2)


@dataclass(frozen=True)
class CycleBounds:
    starts_on: date
    ends_on: date
    due_on: date

    def is_overdue(self, today: date) -> bool:
        return today > self.due_on


def cycle_bounds(cadence: str, day: date) -> CycleBounds:
    """The cycle of ``cadence`` that contains ``day``."""
    if cadence == Cadence.MONTHLY:
        starts = day.replace(day=1)
        ends = (starts + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    else:
        length = 7 if cadence == Cadence.WEEKLY else 14
        starts = EPOCH + timedelta(days=(day - EPOCH).days // length * length)
        ends = starts + timedelta(days=length - 1)
    latest = ends - ESCALATION_AFTER
    due = latest - timedelta(days=(latest.weekday() - WEDNESDAY) % 7)
    return CycleBounds(starts_on=starts, ends_on=ends, due_on=due)


def current_bounds(workspace: Workspace, now: datetime | None = None) -> CycleBounds:
    return cycle_bounds(workspace.checkin_cadence, workspace.today(now))


def reminder_day(workspace: Workspace, now: datetime | None = None) -> date:
    """The day whose reminders are due: today from 09:00 local time, yesterday before."""
    return (workspace.localtime(now) - timedelta(hours=REMINDER_HOUR)).date()


def kinds_due(bounds: CycleBounds, day: date) -> list[str]:
    """The check-in reminder kinds due on ``day`` for a goal that still owes its check-in."""
    kinds = []
    if bounds.due_on - BEFORE_DUE <= day <= bounds.due_on:
        kinds.append(Reminder.Kind.BEFORE_DUE)
    if day >= bounds.due_on + NUDGE_AFTER:
        kinds.append(Reminder.Kind.NUDGE)
    if day >= bounds.due_on + ESCALATION_AFTER:
        kinds.append(Reminder.Kind.ESCALATION)
    return kinds
