"""Conflicts' decisions in the decision log: the source :mod:`conflicts.apps` registers in
:data:`forums.sources.DECISION_SOURCES`. A conflict's decision was made in the conflict and has
its kind (resources, priority, timeline, scope, other)."""

from django.db.models import Q
from django.urls import reverse

from conflicts.models import Conflict
from forums.sources import DecisionSource, Origin


def _origins(ids: list[int], slug: str) -> dict[int, Origin]:
    """The conflict each of these decisions settles, in one query."""
    found: dict[int, Origin] = {}
    rows = (
        Conflict.objects.filter(decision_id__in=ids)
        .order_by("pk")
        .values_list("decision_id", "pk", "title", "kind")
    )
    for decision_id, pk, title, kind in rows:
        found.setdefault(
            decision_id,
            Origin(
                source="conflict",
                label=f"Conflict: {title}",
                url=reverse("conflict_detail", kwargs={"ws": slug, "pk": pk}),
                id=pk,
                kind=kind,
                kind_label=Conflict.Kind(kind).label,
            ),
        )
    return found


def _decided(**lookup: str) -> Q:
    return Q(pk__in=Conflict.objects.filter(decision__isnull=False, **lookup).values("decision_id"))


CONFLICT_DECISIONS = DecisionSource(
    name="conflict",
    label="Conflicts",
    kinds=Conflict.Kind.choices,
    origins=_origins,
    decisions=_decided,
    of_kind=lambda kind: _decided(kind=kind),
)
