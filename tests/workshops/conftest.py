import pytest
from django.core.cache import cache

from tests.workshops.helpers import make_proposal, make_workshop
from workshops import live


@pytest.fixture(autouse=True)
def _empty_cache():
    """The live board keeps versions and rosters in the cache and in each process's memo."""
    cache.clear()
    live.LOCAL.clear()
    yield
    cache.clear()
    live.LOCAL.clear()


@pytest.fixture
def workshop(acme):
    acme.workspace.mission = "Every department grows the same customers."
    acme.workspace.save()
    return make_workshop(acme)


@pytest.fixture
def proposal(workshop, acme):
    return make_proposal(workshop, acme.leo)
