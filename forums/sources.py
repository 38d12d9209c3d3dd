"""Where each decision of the log was made: the registry of decision sources.

A decision is made in a meeting (``Decision.meeting``), or recorded directly by an app above
forums, which forums must not import: a conflict's decision (``conflicts.sources``). Such an
app registers a :class:`DecisionSource` in :data:`DECISION_SOURCES` from its
``AppConfig.ready()``, as ``conflicts.apps`` does for agendas too. A source says, for a page of
decisions in one query, where each of its decisions was made and of which kind (:class:`Origin`),
and gives the filters the log needs: its decisions, and its decisions of one kind.

:func:`origins` asks every source for a page of decisions and gives the others their origin
here: the meeting, or "recorded directly" (a decision that superseded another, above all).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from forums.models import Decision

MEETING, DIRECT = "meeting", "direct"
# A Q that matches nothing, for filters no source answers.
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Origin:
    """Where one decision was made: its source's name, the id of what it was made in (the
    meeting's, the conflict's), a label and a link for people, and the kind it has there."""

    source: str
    label: str
    url: str = ""
    id: int | None = None
    kind: str = ""
    kind_label: str = ""


@dataclass(frozen=True)
class DecisionSource:
    """Decisions an app above forums records directly (see the module docstring).

    ``origins(decision ids, workspace slug)`` returns the origin of those of the ids that are
    its own, in one query; ``decisions()`` is a filter on :class:`~forums.models.Decision` for
    all its decisions, ``of_kind(kind)`` for those of one of its ``kinds`` (choices)."""

    name: str
    label: str
    kinds: list[tuple[str, str]]
    origins: Callable[[list[int], str], dict[int, Origin]]
    decisions: Callable[[], Q]
    of_kind: Callable[[str], Q]


DECISION_SOURCES: list[DecisionSource] = []


def source_choices() -> list[tuple[str, str]]:
    """The sources the log filters by: meetings, the registered ones, recorded directly."""
    registered = [(source.name, source.label) for source in DECISION_SOURCES]
    return [(MEETING, "Meetings"), *registered, (DIRECT, "Recorded directly")]


def kind_choices() -> list[tuple[str, str]]:
    """Every kind some source gives its decisions, once each, in the sources' order."""
    seen: dict[str, str] = {}
    for source in DECISION_SOURCES:
        for value, label in source.kinds:
            seen.setdefault(value, label)
    return list(seen.items())


def source_filter(name: str) -> Q:
    """The decisions made in the source ``name``."""
    if name == MEETING:
        return Q(meeting__isnull=False)
    registered = Q()
    for source in DECISION_SOURCES:
        if source.name == name:
            return source.decisions()
        registered |= source.decisions()
    if name == DIRECT:
        return Q(meeting__isnull=True) & ~registered if DECISION_SOURCES else Q(meeting=None)
    return NOTHING


def kind_filter(kind: str) -> Q:
    """The decisions of ``kind`` in any source that gives it."""
    found = [source.of_kind(kind) for source in DECISION_SOURCES if kind in dict(source.kinds)]
    if not found:
        return NOTHING
    combined = found[0]
    for q in found[1:]:
        combined |= q
    return combined


def _own(decision: Decision, slug: str) -> Origin:
    """A meeting's decision, or one recorded directly."""
    if decision.meeting_id is not None:
        meeting = decision.meeting
        return Origin(
            source=MEETING,
            label=f"Meeting: {meeting.forum.name}, {meeting.starts_at:%d %b %Y}",
            url=reverse("meeting_detail", kwargs={"ws": slug, "pk": meeting.pk}),
            id=meeting.pk,
        )
    return Origin(source=DIRECT, label="Recorded directly")


def origins(decisions: Iterable[Decision], slug: str) -> None:
    """Give each decision its ``origin`` (:class:`Origin`): one query per registered source
    for the whole page; meetings come with the decisions (``select_related("meeting__forum")``).
    A source's origin comes first: a conflict decided in a meeting is the conflict's decision,
    taken in that meeting (its page shows both)."""
    decisions = list(decisions)
    ids = [decision.pk for decision in decisions]
    found: dict[int, Origin] = {}
    for source in DECISION_SOURCES:
        if ids:
            found.update(source.origins(ids, slug))
    for decision in decisions:
        decision.origin = found.get(decision.pk) or _own(decision, slug)
