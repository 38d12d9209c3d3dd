"""Marking terms where they appear: the ``glossary`` filter (whole words, acronyms in capitals
only, the longest term first, everything escaped), its accessible markup, one query per page at
most, and the goal and meeting pages that use it."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.safestring import mark_safe

from forums import services as forum_services
from forums.views.meetings import render_minutes
from glossary import services
from teams.models import Workspace
from tests.factories import CheckInFactory, CycleFactory, GoalFactory, member
from tests.glossary.conftest import add_term

pytestmark = pytest.mark.django_db

MARK = re.compile(
    r'<span class="glossary-term"><abbr tabindex="0" aria-describedby="(?P<id>[\w-]+)">'
    r'(?P<term>.*?)</abbr><span class="glossary-tip" role="tooltip" id="(?P=id)">'
    r"(?P<meaning>.*?)</span></span>",
    re.DOTALL,
)


def marked(acme, text, **extra) -> str:
    """The text through the filter, for a fresh Workspace object (as each request has)."""
    workspace = Workspace.objects.get(pk=acme.workspace.pk)
    template = Template("{{ text|glossary:workspace }}")
    return template.render(Context({"text": text, "workspace": workspace, **extra}))


def terms_in(html: str) -> list[str]:
    return [match["term"] for match in MARK.finditer(html)]


def test_whole_words_only_and_acronyms_only_in_capitals(acme, mql):
    add_term(acme, "churn", "Customers who leave.")
    html = marked(acme, "MQL, MQLs, XMQL, MQL2, mql and (MQL). Churn, CHURN, churned.")
    assert terms_in(html) == ["MQL", "MQL", "Churn", "CHURN"]
    assert "MQLs, XMQL, MQL2, mql and (" in html


def test_a_term_found_in_another_case_of_another_script_still_has_its_meaning(acme):
    add_term(acme, "İzmir office", "Our office in Turkey.")
    found = list(MARK.finditer(marked(acme, "Ask the izmir office.")))
    assert [(m["term"], m["meaning"]) for m in found] == [("izmir office", "Our office in Turkey.")]


def test_the_text_and_the_meaning_are_escaped(acme):
    add_term(acme, "P&L", 'Profit and loss <script>alert("x")</script>')
    html = marked(acme, "<b>P&L</b> & <i>co</i>")
    assert "<b>" not in html
    assert "<script>" not in html
    assert "&lt;b&gt;" in html
    assert "Profit and loss &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert terms_in(html) == ["P&amp;L"]


def test_several_terms_each_with_its_own_meaning_and_tooltip(acme, mql):
    add_term(acme, "SQL", "Sales qualified lead.", acme.sales)
    html = marked(acme, "An MQL becomes an SQL, and another MQL follows.")
    found = list(MARK.finditer(html))
    assert [m["term"] for m in found] == ["MQL", "SQL", "MQL"]
    assert found[1]["meaning"] == "Sales qualified lead."
    assert len({m["id"] for m in found}) == 3


def test_overlapping_terms_the_longest_first(acme):
    add_term(acme, "SQL", "Sales qualified lead.", acme.sales)
    add_term(acme, "SQL Server", "The database of the old reporting tool.")
    html = marked(acme, "Our SQL  server exports each SQL.")
    found = list(MARK.finditer(html))
    assert [m["term"] for m in found] == ["SQL  server", "SQL"]
    assert [m["meaning"] for m in found] == [
        "The database of the old reporting tool.",
        "Sales qualified lead.",
    ]


def test_without_terms_or_workspace_the_text_is_only_escaped(acme):
    assert marked(acme, "MQL < SQL & more") == "MQL &lt; SQL &amp; more"
    add_term(acme, "MQL", "Marketing qualified lead.")
    assert marked(acme, "MQL < SQL", workspace=None) == "MQL &lt; SQL"
    assert marked(acme, None) == ""


def test_in_html_only_text_is_marked_never_tags_links_or_code(acme, mql):
    minutes = render_minutes(
        "**MQL** rose. See [the MQL report](https://example.test/MQL) and `MQL`.\n\n"
        "<abbr title='MQL'>x</abbr> a &lt; b"
    )
    html = marked(acme, minutes)
    assert terms_in(html) == ["MQL"]
    assert "<strong><span class=" in html
    assert '<a href="https://example.test/MQL" rel="noopener noreferrer">the MQL report</a>' in (
        html
    )
    assert "<code>MQL</code>" in html
    assert "a &lt; b" in html
    assert marked(acme, mark_safe("<p>nothing to mark</p>")) == "<p>nothing to mark</p>"


def test_the_markup_is_keyboard_focusable_and_explained_to_screen_readers(acme, mql):
    """No browser: the term takes the focus (tabindex 0), is described by an element that holds
    the meaning (aria-describedby, role tooltip), and app.css shows that element on hover and
    on focus, and hides it only visually otherwise."""
    html = marked(acme, "Every MQL counts.")
    match = MARK.search(html)
    assert match["term"] == "MQL"
    assert match["meaning"] == mql.meaning
    assert f'id="{match["id"]}"' in html
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    assert ".glossary-term:not(.is-dismissed):hover .glossary-tip" in css
    assert ".glossary-term:not(.is-dismissed) abbr:focus + .glossary-tip" in css
    hidden = re.search(r"\.glossary-tip \{([^}]*)\}", css)[1]
    assert "clip: rect(0, 0, 0, 0)" in hidden
    assert "display: none" not in hidden


@pytest.fixture
def goal_with_checkins(acme):
    goal = GoalFactory(
        workspace=acme.workspace,
        description="Every MQL we pass on must be worth a sales call.",
        owner_departments=[acme.marketing],
    )
    for week in range(6):
        CheckInFactory(
            goal=goal,
            cycle=CycleFactory(
                workspace=acme.workspace,
                starts_on=dt.date(2026, 10, 1) + dt.timedelta(weeks=2 * week),
                due_on=dt.date(2026, 10, 12) + dt.timedelta(weeks=2 * week),
            ),
            moved=f"{week} more MQL this week.",
            blockers="Scoring counts students as an MQL.",
            next_steps="Review each MQL with sales.",
        )
    return goal


def _glossary_queries(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()
    return page, sum('"glossary_term"' in q["sql"] for q in ctx.captured_queries)


def test_a_page_reads_the_terms_once_however_many_texts_it_marks(
    acme, as_user, mql, goal_with_checkins
):
    client = as_user(acme.mia)
    url = reverse("goal_detail", args=["acme", goal_with_checkins.pk])
    page, queries = _glossary_queries(client, url)
    assert len(terms_in(page)) == 1 + 6 * 3
    assert queries == 1
    # The next page takes them from the cache.
    assert _glossary_queries(client, url)[1] == 0


def test_a_change_to_a_term_shows_on_the_next_page(acme, as_user, mql, goal_with_checkins):
    client = as_user(acme.mia)
    url = reverse("goal_detail", args=["acme", goal_with_checkins.pk])
    client.get(url)
    services.term_update(membership=member(acme.claire), entry=mql, meaning="Renamed meaning.")
    page = client.get(url).content.decode()
    assert {m["meaning"] for m in MARK.finditer(page)} == {"Renamed meaning."}
    services.term_delete(membership=member(acme.claire), entry=mql)
    assert terms_in(client.get(url).content.decode()) == []


def test_the_meeting_page_marks_its_agenda_and_minutes_for_members_not_guests(acme, as_user, mql):
    admin = member(acme.claire)
    forum = forum_services.forum_create(
        membership=admin,
        name="CMO forum",
        departments=[acme.marketing, acme.sales],
        facilitator=acme.claire,
        guests=[acme.gus],
        first_date=acme.workspace.today() + dt.timedelta(days=7),
        start_time=dt.time(10),
    )
    meeting = forum.meetings.order_by("starts_at").first()
    forum_services.topic_add(
        membership=admin,
        meeting=meeting,
        title="MQL quality",
        details="Why half of each MQL batch goes nowhere.",
        shared_with_guests=True,
    )
    forum_services.meeting_start(membership=admin, meeting=meeting)
    forum_services.minutes_save(
        membership=admin,
        meeting=meeting,
        minutes="- The MQL rules change.",
        shared_with_guests=True,
    )
    url = reverse("meeting_detail", args=["acme", meeting.pk])
    page = as_user(acme.mia).get(url).content.decode()
    assert terms_in(page) == ["MQL", "MQL", "MQL"]
    assert "<li>The <span class=" in page
    guest = as_user(acme.gus).get(url).content.decode()
    assert "MQL quality" in guest
    assert "The MQL rules change." in guest
    assert terms_in(guest) == []
