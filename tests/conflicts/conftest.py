"""A conflict raised by mia (sales) with product (leo leads it, claire is its executive);
ada, the admin in no department, is the neutral facilitator."""

import datetime as dt

import pytest

from conflicts import services
from conflicts.models import Conflict
from tests.factories import member


@pytest.fixture
def conflict(acme) -> Conflict:
    return services.conflict_raise(
        membership=member(acme.mia),
        title="Launch budget",
        kind=Conflict.Kind.RESOURCES,
        at_stake="Who gets the Q3 launch budget.",
        raised_by_department=acme.sales,
        departments=[acme.product],
        decide_by=acme.workspace.today() + dt.timedelta(days=14),
    )


@pytest.fixture
def facilitated(acme, conflict) -> Conflict:
    return services.facilitator_name(
        membership=member(acme.ada), conflict=conflict, facilitator=acme.ada
    )
