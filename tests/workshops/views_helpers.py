"""Helpers of the workshop page tests: route URLs, the HTMX header, its triggers, a proposal."""

import json

from django.urls import reverse

from workshops.models import Proposal, Workshop

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, workshop: Workshop, **kwargs) -> str:
    return reverse(name, kwargs={"ws": workshop.workspace.slug, "pk": workshop.pk, **kwargs})


def purl(name: str, proposal: Proposal) -> str:
    return url(name, proposal.workshop, proposal_pk=proposal.pk)


def triggers(response) -> set[str]:
    header = response.headers.get("HX-Trigger", "")
    return set(json.loads(header)) if header.startswith("{") else {header}


def _proposal_data(workshop, **changes) -> dict:
    data = {
        "title": "Increase trial sign-ups by 20% through targeted campaigns",
        "metric": "Trial sign-ups",
        "baseline": "1000",
        "target": "1200",
        "direction": "increase",
        "due_date": "2026-12-15",
        "owner_departments": [d.pk for d in workshop.departments.all()],
    }
    data.update(changes)
    return data
