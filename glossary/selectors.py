"""Reads of the glossary, with their joins made."""

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from glossary.models import Term
from teams.models import Membership, Workspace
from teams.tenancy import get_scoped


def terms(*, workspace: Workspace, q: str = "", department: int | None = None) -> QuerySet[Term]:
    """The workspace's terms from A to Z; with ``q``, those whose term or meaning holds every
    word of it."""
    found = Term.objects.filter(workspace=workspace).select_related("department")
    if department:
        found = found.filter(department_id=department)
    for word in q.split():
        found = found.filter(Q(term__icontains=word) | Q(meaning__icontains=word))
    return found.order_by(Lower("term"), "pk")


def term_get(*, membership: Membership, pk: int) -> Term:
    return get_scoped(Term.objects.select_related("department"), membership.workspace, pk=pk)
