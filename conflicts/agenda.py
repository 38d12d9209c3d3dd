"""Open conflicts on forum agendas: the source :mod:`conflicts.apps` registers in
:data:`forums.agenda.AGENDA_SOURCES`.

An undecided conflict goes on the next meeting (the soonest one still scheduled) of every forum
whose departments include all of the conflict's; once decided or withdrawn it is no longer
found, so it drops off the agendas not yet frozen.
"""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from conflicts.models import Conflict
from forums.agenda import PER_KIND, Item
from forums.models import AgendaItem, Meeting

Kind = AgendaItem.Kind


def _is_next(meeting: Meeting) -> bool:
    """No meeting of the forum still scheduled comes before this one."""
    return not Meeting.objects.filter(
        forum_id=meeting.forum_id,
        status=Meeting.Status.SCHEDULED,
        starts_at__gte=timezone.now(),
        starts_at__lt=meeting.starts_at,
    ).exists()


def conflicts_on_agenda(
    meeting: Meeting, departments: list[int], slug: str, day: dt.date
) -> list[Item]:
    if not departments or not _is_next(meeting):
        return []
    outside = Conflict.departments.through.objects.filter(conflict=OuterRef("pk")).exclude(
        department_id__in=departments
    )
    conflicts = (
        Conflict.objects.filter(workspace_id=meeting.workspace_id, status__in=Conflict.UNDECIDED)
        .filter(~Exists(outside))
        .annotate(sides=Count("departments", filter=Q(departments__isnull=False)))
        .select_related("raised_by_department")
        .order_by("decide_by", "pk")[:PER_KIND]
    )
    return [
        Item(
            key=f"{Kind.CONFLICT}:{conflict.pk}",
            kind=Kind.CONFLICT,
            title=conflict.title,
            details=f"{conflict.get_kind_display()} conflict raised by "
            f"{conflict.raised_by_department} between {conflict.sides} departments, to decide "
            f"by {conflict.decide_by:%d %b}" + (" (overdue)" if conflict.decide_by < day else ""),
            url=reverse("conflict_detail", kwargs={"ws": slug, "pk": conflict.pk}),
        )
        for conflict in conflicts
    ]
