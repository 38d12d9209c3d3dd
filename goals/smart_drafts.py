"""Build the SMART check's :class:`~goals.smart.Draft` from a saved goal or from unsaved form data.

The rules stay in :mod:`goals.smart`; this module only gathers what they read.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from goals.models import Goal, Measurement, Period
from goals.smart import Draft
from teams.models import Workspace

# How many of a KPI's latest measurements the Achievable letter compares the target with.
HISTORY_LENGTH = 12

_DECIMAL = forms.DecimalField(max_digits=18, decimal_places=4, required=False)
_DATE = forms.DateField(required=False)


def kpi_history(*, workspace: Workspace, kpi_id: int | None) -> list[Decimal]:
    """The KPI's latest measurements, oldest first (one query; empty for no or a foreign KPI)."""
    if kpi_id is None:
        return []
    values = Measurement.objects.filter(kpi_id=kpi_id, kpi__workspace=workspace).order_by(
        "-date", "-id"
    )
    return list(values.values_list("value", flat=True)[:HISTORY_LENGTH])[::-1]


def kpi_histories(*, workspace: Workspace, kpi_ids: Iterable[int]) -> dict[int, list[Decimal]]:
    """:func:`kpi_history` of several KPIs at once (one query), keyed by KPI id.

    Where the database allows LIMIT inside UNION ALL (PostgreSQL), each KPI's part reads only
    its newest rows along the (kpi, date) index, however long its history; a window over all
    the KPIs' rows read every row (36 ms a page of goals at scale). SQLite gets the window.
    """
    ids = sorted(set(kpi_ids))
    histories: dict[int, list[Decimal]] = {pk: [] for pk in ids}
    if not ids:
        return histories
    measurements = Measurement.objects.filter(kpi__workspace=workspace)
    columns = ("kpi_id", "date", "id", "value")
    if len(ids) > 1 and connection.features.supports_slicing_ordering_in_compound:
        parts = [
            measurements.filter(kpi_id=pk).order_by("-date", "-id").values_list(*columns)
            for pk in ids
        ]
        rows = parts[0][:HISTORY_LENGTH].union(
            *(part[:HISTORY_LENGTH] for part in parts[1:]), all=True
        )
    else:
        rows = (
            measurements.filter(kpi_id__in=ids)
            .annotate(
                recency=Window(
                    RowNumber(),
                    partition_by=[F("kpi_id")],
                    order_by=[F("date").desc(), F("id").desc()],
                )
            )
            .filter(recency__lte=HISTORY_LENGTH)
            .values_list(*columns)
        )
    for kpi_id, _, _, value in sorted(rows, key=lambda row: (row[0], row[1], row[2])):
        histories[kpi_id].append(value)
    return histories


def draft_for_goal(goal: Goal, *, mission: str, history: Sequence[Decimal] = ()) -> Draft:
    """The draft of a saved goal; reads ``goal.owners`` when a selector attached them."""
    owners = getattr(goal, "owners", None)
    return Draft(
        title=goal.title,
        description=goal.description,
        metric=goal.metric,
        baseline=goal.baseline,
        target=goal.target,
        direction=goal.direction,
        start_date=goal.start_date,
        due_date=goal.due_date,
        period_start=goal.period.start_date if goal.period else None,
        period_end=goal.period.end_date if goal.period else None,
        has_parent=goal.parent_id is not None,
        mission=mission,
        owner_count=len(owners) if owners is not None else goal.owner_departments.count(),
        history=list(history),
    )


def _lenient(field: forms.Field, raw: str | None) -> Decimal | date | None:
    """The field's value, or None when it is empty or not (yet) valid: the person is typing."""
    try:
        return field.clean(raw)
    except ValidationError:
        return None


def _id(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def draft_from_data(
    data: Mapping, *, workspace: Workspace, periods: Sequence[Period] | None = None
) -> Draft:
    """The draft of a goal form that is being typed (at most two queries: period, KPI history).

    Values that do not parse yet count as missing; ids are not checked here (saving checks
    them), so a half-filled form can still be scored. ``periods``, when the caller loaded them
    already, saves the period's query.
    """
    period_id = _id(data.get("period"))
    if not period_id:
        period = None
    elif periods is not None:
        period = next(((p.start_date, p.end_date) for p in periods if p.pk == period_id), None)
    else:
        period = (
            Period.objects.filter(workspace=workspace, pk=period_id)
            .values_list("start_date", "end_date")
            .first()
        )
    getlist = getattr(data, "getlist", lambda key: [data[key]] if key in data else [])
    return Draft(
        title=data.get("title", ""),
        description=data.get("description", ""),
        metric=data.get("metric", ""),
        baseline=_lenient(_DECIMAL, data.get("baseline")),
        target=_lenient(_DECIMAL, data.get("target")),
        direction=data.get("direction") or "increase",
        start_date=_lenient(_DATE, data.get("start_date")),
        due_date=_lenient(_DATE, data.get("due_date")),
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        has_parent=_id(data.get("parent")) is not None,
        mission=workspace.mission,
        owner_count=len({value for value in getlist("owner_departments") if value}),
        history=kpi_history(workspace=workspace, kpi_id=_id(data.get("kpi"))),
    )
