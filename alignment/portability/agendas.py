"""The references a meeting's agenda keeps in plain values, rewritten once every row of the
import has its new id.

A meeting's order and time boxes are stored by item key ("ask:7", "topic:12"); a frozen agenda
row names its source by ``source_id`` and links to it by URL. None of them is a foreign key, so
the generic import (which rewrites foreign keys) cannot see them: :func:`meetings_rewrite` and
:func:`items_rewrite` point them at the new rows, in the new workspace. A source that is not in
the document (deleted before the export) loses its key and its link, and its row keeps
``source_id`` 0, which no object has.
"""

from typing import Any
from urllib.parse import urlsplit

from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from forums.models import AgendaItem, Meeting
from teams.models import Workspace

Kind = AgendaItem.Kind
Ids = dict[str, dict[int, int]]

# An agenda item's kind -> the table its source is a row of.
SOURCES = {
    Kind.TOPIC: "agenda_items",
    Kind.GOAL_AT_RISK: "goals",
    Kind.LOW_CONFIDENCE: "checkins",
    Kind.DIVERGENT: "goals",
    Kind.ASK: "asks",
    Kind.KPI_RED: "kpis",
    Kind.ACTION_OVERDUE: "actions",
    Kind.DECISION_REVIEW: "decisions",
    Kind.CONFLICT: "conflicts",
}
# The pages an agenda item links to -> the table of the ``pk`` in their URL.
PAGES = {
    "goal_detail": "goals",
    "kpi_detail": "kpis",
    "decision_detail": "decisions",
    "conflict_detail": "conflicts",
}


def _source(kind: str, old: Any, ids: Ids) -> int | None:
    return ids.get(SOURCES.get(kind, ""), {}).get(old)


def _key(key: str, ids: Ids) -> str | None:
    kind, _, old = key.partition(":")
    new = _source(kind, int(old), ids) if old.isdigit() else None
    return f"{kind}:{new}" if new is not None else None


def _link(link: str, ids: Ids, workspace: Workspace) -> str:
    """The same page of the new workspace, or nothing when its object did not travel."""
    if not link:
        return ""
    try:
        match = resolve(urlsplit(link).path)
    except Resolver404:
        return ""
    kwargs = {**match.kwargs, "ws": workspace.slug}
    if "pk" in kwargs:
        kwargs["pk"] = ids.get(PAGES.get(match.url_name or "", ""), {}).get(kwargs["pk"])
        if kwargs["pk"] is None:
            return ""
    try:
        return reverse(match.url_name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def meetings_rewrite(meetings: list[Meeting], ids: Ids, workspace: Workspace) -> tuple[str, ...]:
    for meeting in meetings:
        order = (_key(key, ids) for key in meeting.agenda_order)
        meeting.agenda_order = [key for key in order if key is not None]
        minutes = ((_key(key, ids), value) for key, value in meeting.agenda_minutes.items())
        meeting.agenda_minutes = {key: value for key, value in minutes if key is not None}
    return ("agenda_order", "agenda_minutes")


def items_rewrite(items: list[AgendaItem], ids: Ids, workspace: Workspace) -> tuple[str, ...]:
    for item in items:
        if item.source_id is not None:
            item.source_id = _source(item.kind, item.source_id, ids) or 0
        item.link = _link(item.link, ids, workspace)
    return ("source_id", "link")
