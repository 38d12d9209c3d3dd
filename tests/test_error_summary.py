"""A form sent with errors opens with the GOV.UK error summary: "There is a problem", then each
error named by its field and linked to it (templates/includes/form_errors.html); each field's
own message starts with a hidden "Error:"."""

from decimal import Decimal

import pytest
from django.urls import reverse

from goals.models import Goal
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db


def test_a_check_in_with_errors_lists_them_with_links_to_its_fields_and_asks(acme, as_user):
    goal = GoalFactory(
        workspace=acme.workspace,
        owner_departments=[acme.product],
        metric="Qualified leads",
        unit="leads",
        baseline=Decimal("100"),
        target=Decimal("130"),
        status=Goal.Status.ON_TRACK,
    )
    response = as_user(acme.leo).post(
        reverse("checkin_form", kwargs={"ws": "acme", "goal": goal.pk}),
        {
            "value": "",
            "confidence": "6",
            "asks-TOTAL_FORMS": "1",
            "asks-INITIAL_FORMS": "0",
            "asks-MAX_NUM_FORMS": "5",
            "asks-0-text": "Two case studies",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    html = response.content.decode()
    start = html.index("data-error-summary")
    summary = html[start : html.index("</ul>", start)]
    assert '<div role="alert">' in summary
    assert "There is a problem" in summary
    value = "Current Qualified leads (leads): This field is required."
    assert f'<a href="#id_value">{value}</a>' in summary
    assert (
        '<a href="#id_asks-0-to_department">Ask department: '
        "Choose the department you need help from.</a>"
    ) in summary
    assert '<a href="#id_asks-0-due_on">Needed by: Say by when you need it.</a>' in summary
    assert '<span class="visually-hidden">Error: </span>This field is required.' in html


def test_a_failed_sign_in_says_so_in_the_summary(db, client):
    html = client.post(reverse("login"), {"username": "nobody", "password": "x"}).content.decode()
    assert "There is a problem" in html
    assert "Please enter a correct username and password." in html
