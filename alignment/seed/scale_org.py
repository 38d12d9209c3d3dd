"""What the steps of the scale seed after the goals build on: the organisation as the first
steps made it (its departments and people, its goals and cycles), plain enough for bulk rows."""

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from checkins.models import Cycle
from goals.models import Goal, Period
from teams.models import Department, Workspace

Lap = Callable[[str, int | None], None]  # a step's name and rows (see scale.Stopwatch)


@dataclass(eq=False)
class PlannedGoal:
    goal: Goal
    period: Period
    owners: list[Department]
    contributors: list[Department] = field(default_factory=list)
    parent: "PlannedGoal | None" = None

    @property
    def departments(self) -> list[Department]:
        return self.owners + self.contributors


@dataclass
class Org:
    workspace: Workspace
    departments: list[Department]
    members: dict[int, list[int]]  # department id: the user ids of its members (no guests)
    admin: int  # the admin's user id
    goals: list[PlannedGoal]
    cycles: list[Cycle]  # newest (the current one) first
    today: date
    now: datetime
    rng: random.Random

    @property
    def slug(self) -> str:
        return self.workspace.slug

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """That day's time on the workspace's clock, never later than now."""
        return min(datetime.combine(day, time(hour, minute), tzinfo=self.workspace.zone), self.now)

    def days_ago(self, low: float, high: float) -> datetime:
        """A moment between ``high`` and ``low`` days ago."""
        return self.now - timedelta(days=self.rng.uniform(low, high))

    def people(self, departments: Iterable[Department]) -> set[int]:
        """The members and leads of ``departments``."""
        people: set[int] = set()
        for department in departments:
            people.update(self.members.get(department.pk, ()))
            people.add(department.lead_id)
        return people

    def neutral(self, departments: list[Department]) -> int | None:
        """A lead from none of ``departments`` (neither their member, lead nor executive), to
        facilitate between them; ``None`` when there is no one."""
        involved = self.people(departments) | {d.executive_id for d in departments}
        leads = sorted({d.lead_id for d in self.departments} - involved)
        return self.rng.choice(leads) if leads else None


def answerer(department: Department) -> int:
    """Who speaks for a department: its lead, else its executive (the seed gives it both)."""
    return department.lead_id or department.executive_id
