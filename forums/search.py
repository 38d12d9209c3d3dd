"""The decision log's search: ranked matches with their words marked.

On PostgreSQL, full-text search: the title weighs more than the rationale, the best matches
come first (``SearchRank``) and the database marks the matched words (``SearchHeadline``) in the
title and in an excerpt of the rationale. Elsewhere (SQLite), every word must appear in the
title or the rationale, newest first, and the words are marked here. Either way the marks are
made on escaped text (:func:`mark`), so a decision's own text never becomes markup.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from forums.models import Decision

# What the database puts around a match: characters no one types, replaced after escaping.
START, STOP = "\x02", "\x03"
PAIR = re.compile(f"{START}([^{START}{STOP}]*){STOP}")
# Characters of the rationale shown around the first match (SQLite).
EXCERPT = 160


def postgres() -> bool:
    return connection.vendor == "postgresql"


def matching(decisions: QuerySet[Decision], q: str, *, marks: bool = True) -> QuerySet[Decision]:
    """The decisions matching ``q``, best first; with ``marks``, each with ``marked_title`` and
    ``marked_excerpt`` (raw headlines on PostgreSQL; :func:`mark` makes them safe)."""
    if postgres():
        # The document of the decision_search index (forums/migrations/0007): change both.
        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "rationale", weight="B", config="english"
        )
        query = SearchQuery(q, search_type="websearch", config="english")
        decisions = decisions.annotate(document=vector, rank=SearchRank(vector, query))
        if marks:
            options = {"start_sel": START, "stop_sel": STOP, "config": "english"}
            decisions = decisions.annotate(
                headline_title=SearchHeadline("title", query, highlight_all=True, **options),
                headline_excerpt=SearchHeadline(
                    "rationale",
                    query,
                    max_words=30,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                    **options,
                ),
            )
        return decisions.filter(document=query).order_by("-rank", "-created_at", "-pk")
    for word in q.split():
        decisions = decisions.filter(Q(title__icontains=word) | Q(rationale__icontains=word))
    return decisions.order_by("-created_at", "-pk")


def _from_headline(text: str) -> SafeString:
    """The headline escaped, each marked match in a ``<mark>``; a lone marker (a decision's
    own text may hold one) is dropped, so the tags always pair up."""
    marked = PAIR.sub(r"<mark>\1</mark>", escape(text))
    return mark_safe(marked.replace(START, "").replace(STOP, ""))  # noqa: S308


def _words(q: str) -> re.Pattern | None:
    words = sorted({word for word in q.split() if word}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)), re.IGNORECASE) if words else None


def _marked(text: str, pattern: re.Pattern) -> SafeString:
    """``text`` escaped, each match of ``pattern`` in a ``<mark>``."""
    parts, end = [], 0
    for match in pattern.finditer(text):
        parts += [escape(text[end : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        end = match.end()
    parts.append(escape(text[end:]))
    return mark_safe("".join(parts))  # noqa: S308


def _excerpt(text: str, pattern: re.Pattern) -> str:
    """The part of ``text`` around its first match, with an ellipsis where it was cut."""
    match = pattern.search(text)
    start = max(0, (match.start() if match else 0) - EXCERPT // 4)
    piece = text[start : start + EXCERPT]
    return ("…" if start else "") + piece + ("…" if start + EXCERPT < len(text) else "")


def mark(decisions: list[Decision], q: str) -> None:
    """Give each decision of a page searched for ``q`` its ``marked_title`` and
    ``marked_excerpt``: safe HTML with the matched words in ``<mark>``."""
    pattern = None if postgres() else _words(q)
    for decision in decisions:
        if hasattr(decision, "headline_title"):
            decision.marked_title = _from_headline(decision.headline_title)
            decision.marked_excerpt = _from_headline(decision.headline_excerpt)
        elif pattern is not None:
            decision.marked_title = _marked(decision.title, pattern)
            decision.marked_excerpt = _marked(_excerpt(decision.rationale, pattern), pattern)
