"""Query counts of the workshops endpoints: the same for 5 or 50 proposals and votes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import freshness
from tests.api.workshops_helpers import BASE, _proposal_url, _url
from tests.factories import PeriodFactory
from tests.workshops.helpers import advance_to, make_proposal, make_workshop
from workshops.models import ProposalComment, Step, Vote, Workshop

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_empty_live_cache")]


# --- Query counts -----------------------------------------------------------------------------

READ_BUDGET = 10


def _grown(acme, size: int) -> Workshop:
    """A workshop in the break-down phase with ``size`` proposals, each with two owners, a
    comment, votes of two people (up to 20 proposals) and a step."""
    workshop = make_workshop(
        acme, title=f"Workshop of {size}", participants=[acme.leo, acme.mia], votes_per_person=20
    )
    proposals = [
        make_proposal(workshop, acme.leo, title=f"Increase qualified leads by {i + 5}%")
        for i in range(size)
    ]
    ProposalComment.objects.bulk_create(
        ProposalComment(proposal=p, author=acme.mia, body="Which channels?") for p in proposals
    )
    advance_to(workshop, "vote")
    Vote.objects.bulk_create(
        Vote(workshop=workshop, proposal=p, voter=voter, slot=slot)
        for voter in (acme.claire, acme.mia)
        for slot, p in enumerate(proposals[:20], start=1)
    )
    advance_to(workshop, "break_down")
    Step.objects.bulk_create(
        Step(proposal=p, department=acme.product, author=acme.leo, title="Ship it")
        for p in proposals
    )
    return workshop


def _queries(client, method: str, url: str, data=None) -> list[str]:
    with CaptureQueriesContext(connection) as ctx, freshness.uncached():
        response = getattr(client, method)(url, data)
    assert response.status_code < 300, response.content
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize(
    "tail",
    [
        "",
        "{pk}/",
        "{pk}/proposals/",
        "{pk}/proposals/{proposal}/",
        "{pk}/proposals/{proposal}/comments/",
        "{pk}/steps/",
    ],
)
def test_reads_make_the_same_queries_for_5_or_50_proposals(acme, mia, tail):
    counts = []
    for size in (5, 50):
        workshop = _grown(acme, size)
        first = workshop.proposals.order_by("id").first()
        url = BASE + tail.format(pk=workshop.pk, proposal=first.pk)
        mia.get(url)  # the token's last use is written once a minute
        counts.append(_queries(mia, "get", url))
    assert len(counts[0]) == len(counts[1]), "\n".join(counts[1])
    assert len(counts[1]) <= READ_BUDGET, "\n".join(counts[1])


def test_a_vote_makes_the_same_queries_for_5_or_50_proposals(acme, leo):
    counts = []
    for size in (5, 50):
        workshop = _grown(acme, size)
        Workshop.objects.filter(pk=workshop.pk).update(phase="vote")
        last = workshop.proposals.order_by("id").last()
        leo.get(_url(workshop))
        counts.append(_queries(leo, "post", _proposal_url(last, "vote/")))
    assert len(counts[0]) == len(counts[1]), "\n".join(counts[1])


def test_starting_a_workshop_and_proposing_make_constant_queries(acme, claire):
    period = PeriodFactory(
        workspace=acme.workspace, start_date=dt.date(2026, 10, 1), end_date=dt.date(2026, 12, 31)
    )
    data = {
        "title": "H1",
        "period": period.pk,
        "departments": [acme.marketing.pk, acme.product.pk],
        "participants": [acme.leo.pk, acme.mia.pk],
    }
    counts = []
    for size in (5, 50):
        workshop = _grown(acme, size)
        Workshop.objects.filter(pk=workshop.pk).update(phase="draft")
        claire.get(_url(workshop))
        counts.append(
            (
                len(_queries(claire, "post", BASE, data)),
                len(_queries(claire, "post", _url(workshop, "proposals/"), {"title": "Grow"})),
            )
        )
    assert counts[0] == counts[1]
