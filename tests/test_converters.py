"""Ids no primary key can hold are a 404 at URL resolution, never a database error."""

import pytest
from django.urls import Resolver404, resolve

HUGE = "540826796921247149156869873759944704"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        f"/w/acme/goals/{HUGE}/",
        f"/w/acme/kpis/{HUGE}/",
        f"/w/acme/workshops/{HUGE}/",
    ],
)
def test_a_page_with_an_impossible_id_is_404(path, acme, as_user):
    assert as_user(acme.ada).get(path).status_code == 404


def test_ids_resolve_up_to_18_digits():
    assert resolve("/w/acme/goals/999999999999999999/").kwargs["pk"] == 999999999999999999
    with pytest.raises(Resolver404):
        resolve("/w/acme/goals/9999999999999999999/")
