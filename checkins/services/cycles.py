from datetime import date

from django.db import transaction

from checkins.cycles import cycle_bounds
from checkins.models import Cycle
from teams.models import Workspace


@transaction.atomic
def cycle_current(*, workspace: Workspace, today: date | None = None) -> Cycle:
    """The workspace's cycle containing ``today`` (its local today by default), created on
    first use. A cadence changed since the row was written reshapes its due date."""
    bounds = cycle_bounds(workspace.checkin_cadence, today or workspace.today())
    cycle, created = Cycle.objects.get_or_create(
        workspace=workspace, starts_on=bounds.starts_on, defaults={"due_on": bounds.due_on}
    )
    if not created and cycle.due_on != bounds.due_on:
        cycle.due_on = bounds.due_on
        Cycle.objects.filter(pk=cycle.pk).update(due_on=bounds.due_on)
    return cycle
