"""The reads behind the figures and a pair's page draw the window's first day at the
workspace's midnight (Acme keeps Berlin time), not the server's (UTC)."""

import datetime as dt

from checkins.models import Ask
from health.selectors import pair_asks
from health.sources import sources_read
from tests.health.conftest import BERLIN, TODAY

SINCE = dt.date(2026, 11, 30)  # the current cycle's first day
JUST_AFTER_MIDNIGHT = dt.datetime(2026, 11, 30, 0, 30, tzinfo=BERLIN)  # 29 Nov 23:30 UTC


def _delivered(acme, goal) -> Ask:
    """Needed before the window, answered in its first half hour."""
    ask = Ask.objects.create(
        workspace=acme.workspace,
        goal=goal,
        from_department=acme.product,
        to_department=acme.marketing,
        text="Numbers",
        due_on=dt.date(2026, 11, 27),
        status=Ask.Status.DELIVERED,
        responded_at=JUST_AFTER_MIDNIGHT,
    )
    Ask.objects.filter(pk=ask.pk).update(created_at=JUST_AFTER_MIDNIGHT)
    return ask


def test_the_sources_read_an_ask_answered_just_after_the_workspaces_midnight(handmade):
    acme = handmade.acme
    _delivered(acme, handmade.goals["g1"])
    sources = sources_read(workspace=acme.workspace, today=TODAY, cycle_count=1)
    answered = [ask for ask in sources.asks if ask.responded_on == SINCE]
    assert len(answered) == 1
    assert answered[0].created_on == SINCE


def test_a_pairs_page_lists_an_ask_raised_just_after_the_workspaces_midnight(handmade):
    acme = handmade.acme
    ask = _delivered(acme, handmade.goals["g1"])
    listed = pair_asks(workspace=acme.workspace, a=acme.marketing, b=acme.product, since=SINCE)
    assert ask in listed
    before = pair_asks(
        workspace=acme.workspace, a=acme.marketing, b=acme.product, since=dt.date(2026, 12, 1)
    )
    assert ask not in before
