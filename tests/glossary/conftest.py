"""Acme's glossary: MQL kept by marketing (claire is the CMO), and what to build others with."""

import pytest

from glossary import services
from glossary.models import Term
from teams.models import Department
from tests.factories import member


def add_term(acme, term: str, meaning: str, department: Department | None = None) -> Term:
    return services.term_create(
        membership=member(acme.ada),
        term=term,
        meaning=meaning,
        department=department or acme.marketing,
    )


@pytest.fixture
def mql(acme) -> Term:
    return add_term(acme, "MQL", "Marketing qualified lead: a lead marketing passes to sales.")
