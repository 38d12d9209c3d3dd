"""Helpers of the workshops endpoint tests: their URLs and the errors of a refusal."""

from workshops.models import Proposal, Workshop

BASE = "/api/v1/workspaces/acme/workshops/"


def _url(workshop: Workshop, tail: str = "") -> str:
    return f"{BASE}{workshop.pk}/{tail}"


def _proposal_url(proposal: Proposal, tail: str = "") -> str:
    return f"{BASE}{proposal.workshop_id}/proposals/{proposal.pk}/{tail}"


def _refusal(response) -> str:
    assert response.status_code == 400, response.content
    return " ".join(response.json()["non_field_errors"])


def _errors(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()
