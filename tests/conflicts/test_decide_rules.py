"""The decision's sides, as the service checks them for every path (the decide page offers
only the sides and the other departments; the API sends ids): a trade-off is accepted by a
side, and a side is not consulted."""

import pytest
from django.core.exceptions import ValidationError

from conflicts import decisions
from conflicts.models import Acknowledgement
from forums.models import Decision
from tests.factories import member

pytestmark = pytest.mark.django_db


def _decide(acme, conflict, **changes):
    fields = {
        "membership": member(acme.ada),
        "conflict": conflict,
        "title": "Split the budget 60/40",
        "rationale": "The launch needs reach; costs stay capped.",
        "trade_offs": {acme.sales.pk: "Fewer events", acme.product.pk: "Later features"},
        **changes,
    }
    return decisions.conflict_decide(**fields)


def test_a_trade_off_of_a_department_not_a_side_is_refused(acme, facilitated):
    trade_offs = {
        acme.sales.pk: "Fewer events",
        acme.product.pk: "Later features",
        acme.marketing.pk: "Nothing",
    }
    with pytest.raises(ValidationError) as error:
        _decide(acme, facilitated, trade_offs=trade_offs)
    assert error.value.message_dict == {
        "trade_offs": ["Only the sides of the conflict accept a trade-off; not a side: Marketing."]
    }
    assert not Decision.objects.exists()


def test_a_side_is_not_consulted(acme, facilitated):
    with pytest.raises(ValidationError) as error:
        _decide(acme, facilitated, consulted=[acme.marketing, acme.product])
    assert error.value.message_dict == {
        "consulted": ["The sides decide; consult departments outside the conflict, not Product."]
    }
    assert not Decision.objects.exists()
    assert not Acknowledgement.objects.exists()


def test_departments_outside_the_conflict_are_consulted(acme, facilitated):
    _decide(acme, facilitated, consulted=[acme.marketing])
    assert list(facilitated.consulted.all()) == [acme.marketing]
