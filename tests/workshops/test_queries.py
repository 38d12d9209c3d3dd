"""Query counts of every workshop route: within budget, and the same for 5 or 50 proposals.

Budgets (docs/quality.md): 12 per full page, 6 per HTMX partial; the live poll answers
"nothing changed" without any query.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.workshops.helpers import advance_to, make_proposal, make_workshop, poll_url
from workshops.models import ProposalComment, Step, Vote, Workshop

PHASES = [p.value for p in Workshop.Phase]

HTMX = {"HTTP_HX_REQUEST": "true"}
PAGE_BUDGET = 12
PARTIAL_BUDGET = 6


def grown(acme, size: int, phase: str) -> Workshop:
    """A workshop at ``phase`` with ``size`` proposals, each with owners, a comment, votes
    (from the vote phase on) and a step (from the break-down phase on)."""
    workshop = make_workshop(
        acme, title=f"Workshop of {size}", participants=[acme.leo, acme.mia], votes_per_person=20
    )
    proposals = [
        make_proposal(workshop, acme.leo, title=f"Increase qualified leads by {i + 5}% in Q4")
        for i in range(size)
    ]
    ProposalComment.objects.bulk_create(
        ProposalComment(proposal=p, author=acme.mia, body="Which channels?") for p in proposals
    )
    if PHASES.index(phase) >= PHASES.index("vote"):
        advance_to(workshop, "vote")
        Vote.objects.bulk_create(
            Vote(workshop=workshop, proposal=p, voter=voter, slot=slot)
            for voter in (acme.claire, acme.mia)
            for slot, p in enumerate(proposals[:20], start=1)
        )
    if PHASES.index(phase) >= PHASES.index("break_down"):
        advance_to(workshop, "break_down")
        Step.objects.bulk_create(
            Step(proposal=p, department=acme.product, author=acme.leo, title="Ship it")
            for p in proposals
        )
    advance_to(workshop, phase)
    workshop.refresh_from_db()
    return workshop


def _url(name: str, workshop: Workshop, **kwargs) -> str:
    return reverse(name, kwargs={"ws": "acme", "pk": workshop.pk, **kwargs})


def _first(workshop: Workshop):
    return workshop.proposals.order_by("id").first()


# --- Reads ------------------------------------------------------------------------------------

GET_CASES = [
    # (name, phase, HTMX: True, False or "panel" (the side panel alone), budget,
    #  per proposal, query string)
    ("workshop_board", "break_down", False, PAGE_BUDGET, False, {}),
    ("workshop_board", "draft", False, PAGE_BUDGET, False, {}),
    ("workshop_board", "commit", False, PAGE_BUDGET, False, {}),
    ("workshop_state", "break_down", True, PARTIAL_BUDGET, False, {"v": "0"}),
    ("workshop_board", "draft", "panel", PARTIAL_BUDGET, False, {}),
    ("workshop_board", "commit", "panel", PARTIAL_BUDGET, False, {}),
    ("workshop_summary", "break_down", False, PAGE_BUDGET, False, {}),
    ("proposal_detail", "break_down", True, PARTIAL_BUDGET, True, {}),
    ("proposal_detail", "refine", True, PARTIAL_BUDGET, True, {}),
    ("proposal_detail", "break_down", True, PARTIAL_BUDGET, True, {"section": "comments"}),
    ("proposal_detail", "break_down", True, PARTIAL_BUDGET, True, {"section": "steps"}),
    ("proposal_detail", "break_down", False, PAGE_BUDGET, True, {}),
]


@pytest.mark.parametrize(
    ("name", "phase", "htmx", "budget", "per_proposal", "query"),
    GET_CASES,
    ids=[
        f"{c[0]}-{c[1]}-{ {True: 'htmx', False: 'page'}.get(c[2], c[2]) }{''.join(c[5].values())}"
        for c in GET_CASES
    ],
)
def test_read_queries_stay_the_same_as_the_board_grows(
    acme, as_user, count_queries, name, phase, htmx, budget, per_proposal, query
):
    client = as_user(acme.claire)
    counts = []
    for size in (5, 50):
        workshop = grown(acme, size, phase)
        extra = {"proposal_pk": _first(workshop).pk} if per_proposal else {}
        url = _url(name, workshop, **extra)
        if query:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        headers = {**HTMX, "HTTP_HX_TARGET": "panel"} if htmx == "panel" else HTMX
        counts.append(count_queries(client, url, **(headers if htmx else {})))
    assert counts[0] == counts[1]
    assert counts[1].count <= budget, counts[1]


def test_the_unchanged_poll_makes_no_query_at_all(acme, as_user, count_queries):
    client = as_user(acme.leo)
    counts = []
    for size in (5, 50):
        workshop = grown(acme, size, "vote")
        board = client.get(_url("workshop_state", workshop), **HTMX)  # arrive
        link = poll_url(board)
        count = count_queries(client, link, **HTMX)
        assert client.get(link, **HTMX).status_code == 204
        counts.append(count)
    assert counts[0] == counts[1]
    assert counts[1].count == 0, counts[1]


def test_the_workshop_list_and_create_form_stay_the_same(acme, as_user, count_queries):
    client = as_user(acme.claire)
    lists, forms = [], []
    for size in (3, 30):
        for _ in range(size):
            make_workshop(acme, participants=[acme.leo, acme.mia])
        lists.append(count_queries(client, reverse("workshop_list", kwargs={"ws": "acme"})))
        forms.append(count_queries(client, reverse("workshop_create", kwargs={"ws": "acme"})))
    assert lists[0] == lists[1]
    assert forms[0] == forms[1]
    assert max(lists[1].count, forms[1].count) <= PAGE_BUDGET


# --- Writes -----------------------------------------------------------------------------------


def _proposal_form(workshop: Workshop, title: str, version: int | None = None) -> dict:
    data = {
        "title": title,
        "metric": "Leads",
        "baseline": "100",
        "target": "130",
        "direction": "increase",
        "owner_departments": [d.pk for d in workshop.departments.all()],
    }
    if version is not None:
        data["version"] = version
    return data


def _merge_target(workshop):
    return {"into": workshop.proposals.order_by("id")[1].pk}


POST_CASES = [
    # (name, phase, actor, per proposal, data builder)
    ("proposal_create", "draft", "leo", False, lambda w: _proposal_form(w, "Launch the portal")),
    ("proposal_smart", "draft", "leo", False, lambda w: _proposal_form(w, "Launch the portal")),
    ("proposal_edit", "refine", "leo", True, lambda w: _proposal_form(w, "Sharper", version=1)),
    ("comment_create", "refine", "leo", True, lambda w: {"body": "Which channels?"}),
    ("vote_cast", "vote", "leo", True, lambda w: {}),
    ("vote_withdraw", "vote", "mia", True, lambda w: {}),
    ("step_create", "break_down", "leo", True, lambda w: {"title": "Hire", "department": ""}),
    ("proposal_remove", "vote", "claire", True, lambda w: {}),
    ("proposal_merge", "vote", "claire", True, _merge_target),
    ("workshop_advance", "vote", "claire", False, lambda w: {}),
    ("workshop_lock", "vote", "claire", False, lambda w: {"locked": "true"}),
    ("workshop_votes", "vote", "claire", False, lambda w: {"votes_per_person": "20"}),
    ("workshop_commit", "commit", "claire", False, lambda w: {"proposals": [_first(w).pk]}),
]


@pytest.mark.parametrize(
    ("name", "phase", "actor", "per_proposal", "data"), POST_CASES, ids=[c[0] for c in POST_CASES]
)
def test_write_queries_stay_the_same_as_the_board_grows(
    acme, client, name, phase, actor, per_proposal, data
):
    client.force_login(getattr(acme, actor))
    counts = []
    for size in (5, 50):
        workshop = grown(acme, size, phase)
        extra = {"proposal_pk": _first(workshop).pk} if per_proposal else {}
        body = data(workshop)
        if "department" in body:
            body["department"] = acme.product.pk
        client.get(_url("workshop_board", workshop))  # arrive: presence and session are warm
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(_url(name, workshop, **extra), body, **HTMX)
        assert response.status_code < 300, response.content.decode()[:500]
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
