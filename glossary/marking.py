"""Marking a workspace's terms wherever they appear: the read side of the glossary.

:meth:`Glossary.mark` turns a text into HTML: the text escaped, and each whole-word occurrence
of a term wrapped in a tooltip (see :meth:`Glossary.markup`). An acronym (a term written in
capitals, "MQL") is found only in capitals, so "sql" in a sentence is not "SQL"; any other term
in any case. Where terms overlap the longest wins ("SQL Server" before "SQL").

The terms are read once per request, and mostly not from the database at all:

- each request's ``Workspace`` object holds its :class:`Glossary` (``MEMO``), so a page that
  marks fifty texts builds one regex;
- the shared cache holds the rows under a version that every change replaces (at once and
  again after its commit): a reader that raced a change stored its rows under the old version,
  which nobody asks for again. So a page costs one query when the cache is cold, else none.
"""

import itertools
import re
import secrets
from html.parser import HTMLParser

from django.core.cache import cache
from django.db import transaction
from django.utils.html import escape, format_html

from glossary.models import Term
from teams.models import Workspace

MEMO = "_glossary"
CACHE_SECONDS = 24 * 60 * 60
# Inside these a mark would nest a focusable element in another, or change code.
UNMARKED = frozenset({"a", "abbr", "button", "code", "label", "option", "pre", "textarea"})

Rows = list[tuple[str, str]]


def _is_acronym(term: str) -> bool:
    return term.isupper()


def _pattern(term: str) -> str:
    body = re.escape(term).replace(r"\ ", r"\s+")
    return body if _is_acronym(term) else f"(?i:{body})"


class Glossary:
    """One workspace's terms as one regex, and the markup of each mark."""

    def __init__(self, rows: Rows) -> None:
        longest_first = sorted(rows, key=lambda row: (-len(row[0]), row[0]))
        # One group per term: the group that matched names the meaning (match.lastindex).
        self.meanings = [meaning for _, meaning in longest_first]
        alternatives = "|".join(f"({_pattern(term)})" for term, _ in longest_first)
        self.regex = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if rows else None
        # Tooltip ids: unique in the page, and in any partial that replaces a part of it.
        self.prefix = secrets.token_hex(3)
        self.serial = itertools.count(1)

    def markup(self, found: str, meaning: str) -> str:
        """The term as written, focusable, described by its meaning: a visually hidden tooltip
        that app.css shows on hover and on focus."""
        tip = f"term-{self.prefix}-{next(self.serial)}"
        return format_html(
            '<span class="glossary-term"><abbr tabindex="0" aria-describedby="{}">{}</abbr>'
            '<span class="glossary-tip" role="tooltip" id="{}">{}</span></span>',
            tip,
            found,
            tip,
            meaning,
        )

    def mark(self, text: str) -> str:
        """The text escaped, with its terms marked."""
        if self.regex is None:
            return escape(text)
        parts, end = [], 0
        for match in self.regex.finditer(text):
            meaning = self.meanings[match.lastindex - 1]
            parts += [escape(text[end : match.start()]), self.markup(match.group(), meaning)]
            end = match.end()
        parts.append(escape(text[end:]))
        return "".join(parts)

    def mark_html(self, html: str) -> str:
        """Sanitised HTML (the minutes, cleaned by nh3) with terms marked in its text only,
        never inside a tag, a link or code."""
        if self.regex is None:
            return html
        marker = _TextMarker(self)
        marker.feed(html)
        marker.close()
        return "".join(marker.parts)


class _TextMarker(HTMLParser):
    """Copies tags as they are and marks the text between them."""

    def __init__(self, glossary: Glossary) -> None:
        super().__init__(convert_charrefs=True)
        self.glossary = glossary
        self.parts: list[str] = []
        self.unmarked = 0  # how many UNMARKED elements are open here

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.unmarked += tag in UNMARKED
        self.parts.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.parts.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in UNMARKED and self.unmarked:
            self.unmarked -= 1
        self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(escape(data) if self.unmarked else self.glossary.mark(data))


def _cache_keys(workspace_id: int) -> tuple[str, str]:
    return f"glossary:{workspace_id}:version", f"glossary:{workspace_id}:rows"


def _rows(workspace_id: int) -> Rows:
    """The workspace's (term, meaning) pairs: from the cache when its version is current,
    else one query."""
    version_key, rows_key = _cache_keys(workspace_id)
    cached = cache.get_many([version_key, rows_key])
    version, stored = cached.get(version_key), cached.get(rows_key)
    if version is not None and stored is not None and stored[0] == version:
        return stored[1]
    rows = list(Term.objects.filter(workspace_id=workspace_id).values_list("term", "meaning"))
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(version_key, version, CACHE_SECONDS):
            return rows  # a change came in meanwhile: leave the caching to the next reader
    cache.set(rows_key, (version, rows), CACHE_SECONDS)
    return rows


def glossary_of(workspace: Workspace) -> Glossary:
    """The workspace's glossary, read once for the life of this ``Workspace`` object (one
    request)."""
    memo = workspace.__dict__.get(MEMO)
    if memo is None:
        memo = workspace.__dict__[MEMO] = Glossary(_rows(workspace.pk))
    return memo


def forget(workspace: Workspace) -> None:
    """After a change to the workspace's terms: every reader, here and elsewhere, reads them
    again."""
    workspace.__dict__.pop(MEMO, None)
    version_key, _ = _cache_keys(workspace.pk)

    def replace_version() -> None:
        cache.set(version_key, secrets.token_hex(8), CACHE_SECONDS)

    replace_version()
    transaction.on_commit(replace_version)
