"""The pulse: a department's lead (its executive, when it has no lead) answers about each
department it shares an active goal with, once per cycle, changeable during the cycle."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from checkins.cycles import current_bounds
from checkins.models import Cycle
from checkins.services.cycles import cycle_current
from core.models import AuditEvent
from goals.models import Goal
from health.models import PulseAnswer
from health.services import PulseDraft, pulse_answer
from tests.factories import GoalFactory, member


@pytest.fixture
def shared(acme) -> Goal:
    """Product (leo leads it) and marketing (no lead; claire will be its executive) share a
    goal; sales shares none with product."""
    acme.marketing.executive = acme.claire
    acme.marketing.save()
    return GoalFactory(workspace=acme.workspace, owner_departments=[acme.product, acme.marketing])


def _url(department) -> str:
    return reverse("health_pulse", args=["acme", department.pk])


def _post(client, acme, department, **data):
    cycle = cycle_current(workspace=acme.workspace)
    return client.post(_url(department), {"cycle": cycle.pk, **data})


def test_the_lead_sees_one_question_per_partner(acme, as_user, shared):
    response = as_user(acme.leo).get(_url(acme.product))
    assert response.status_code == 200
    text = response.text
    assert "How well are we working together with Marketing?" in text
    assert "<legend" in text
    assert text.count('type="radio"') == 5
    assert "5 · Very well" in text
    assert "with Sales" not in text


def test_the_form_names_the_cycle_to_its_last_day_and_styles_the_comment(acme, as_user, shared):
    """Answers can change until the cycle ends, so the form shows its end, not its due date."""
    bounds = current_bounds(acme.workspace)
    text = as_user(acme.leo).get(_url(acme.product)).text
    span = f"{bounds.starts_on:%-d %b} – {bounds.ends_on:%-d %b %Y}"
    assert f'id="pulse-cycle">Cycle {span}.' in text
    comment = f'name="comment_{acme.marketing.pk}"'
    assert f'<textarea {comment} cols="40" rows="2" class="form-control"' in text


def test_answering_and_changing_within_the_cycle(acme, as_user, shared):
    client = as_user(acme.leo)
    key = f"score_{acme.marketing.pk}"
    response = _post(
        client, acme, acme.product, **{key: "2", f"comment_{acme.marketing.pk}": "Slow"}
    )
    assert response.status_code == 302
    answer = PulseAnswer.objects.get()
    assert (answer.score, answer.comment, answer.answered_by) == (2, "Slow", acme.leo)
    assert answer.cycle == cycle_current(workspace=acme.workspace)
    assert _post(client, acme, acme.product, **{key: "4"}).status_code == 302
    answer = PulseAnswer.objects.get()
    assert (answer.score, answer.comment) == (4, "")
    verbs = list(
        AuditEvent.objects.filter(target_type="pulseanswer").values_list("verb", flat=True)
    )
    assert sorted(verbs) == ["created", "updated"]
    # The form shows what was given.
    assert 'value="4" checked' in client.get(_url(acme.product)).text


def test_the_executive_answers_for_a_department_without_a_lead(acme, as_user, shared):
    response = _post(
        as_user(acme.claire), acme, acme.marketing, **{f"score_{acme.product.pk}": "5"}
    )
    assert response.status_code == 302
    assert PulseAnswer.objects.get().from_department == acme.marketing


@pytest.mark.parametrize("who", ["mia", "claire", "ada"])
def test_not_your_department_is_403(acme, as_user, shared, who):
    """Mia is a member of sales, claire the executive of product (which has a lead), ada an
    admin in no department: none answers product's pulse."""
    client = as_user(getattr(acme, who))
    assert client.get(_url(acme.product)).status_code == 403
    response = _post(client, acme, acme.product, **{f"score_{acme.marketing.pk}": "3"})
    assert response.status_code == 403
    assert not PulseAnswer.objects.exists()


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("7", "Answer from 1 (badly) to 5 (very well)."),
        ("0", "Answer from 1"),
        ("x", "Answer from 1"),
    ],
)
def test_a_score_outside_1_to_5_is_refused(acme, as_user, shared, score, message):
    response = _post(as_user(acme.leo), acme, acme.product, **{f"score_{acme.marketing.pk}": score})
    assert response.status_code == 400
    assert message in response.text
    assert not PulseAnswer.objects.exists()


def test_a_department_you_share_no_goal_with_is_refused(acme, as_user, shared):
    response = _post(
        as_user(acme.leo),
        acme,
        acme.product,
        **{f"score_{acme.marketing.pk}": "4", f"score_{acme.sales.pk}": "1"},
    )
    assert response.status_code == 400
    assert "share no active goal with" in response.text
    assert not PulseAnswer.objects.exists()


def test_a_bad_score_gets_its_own_message_only(acme, as_user, shared):
    response = _post(as_user(acme.leo), acme, acme.product, **{f"score_{acme.marketing.pk}": "9"})
    assert response.status_code == 400
    assert "Answer about at least one department." not in response.text


def test_the_pulse_form_query_count_stays_put_as_partners_grow(
    acme, as_user, count_queries, shared
):
    client = as_user(acme.leo)
    before = count_queries(client, _url(acme.product))
    GoalFactory(workspace=acme.workspace, owner_departments=[acme.product, acme.sales])
    GoalFactory(workspace=acme.workspace, owner_departments=[acme.product, acme.operations])
    after = count_queries(client, _url(acme.product))
    assert after == before
    assert "with Operations?" in client.get(_url(acme.product)).text


def test_an_empty_form_is_refused(acme, as_user, shared):
    response = _post(as_user(acme.leo), acme, acme.product)
    assert response.status_code == 400
    assert "Answer about at least one department." in response.text


def test_a_form_of_a_closed_cycle_is_refused(acme, as_user, shared):
    current = cycle_current(workspace=acme.workspace)
    old = Cycle.objects.create(
        workspace=acme.workspace,
        starts_on=current.starts_on.replace(year=current.starts_on.year - 1),
        due_on=current.due_on.replace(year=current.due_on.year - 1),
    )
    response = as_user(acme.leo).post(
        _url(acme.product), {"cycle": old.pk, f"score_{acme.marketing.pk}": "4"}
    )
    assert response.status_code == 400
    assert "has ended" in response.text
    assert not PulseAnswer.objects.exists()


def test_a_department_without_partners_says_so(acme, as_user):
    acme.sales.lead = acme.mia
    acme.sales.save()
    response = as_user(acme.mia).get(_url(acme.sales))
    assert response.status_code == 200
    assert "shares no active goal with another department yet" in response.text


def test_the_service_refuses_the_wrong_person_and_bad_answers(acme, shared):
    with pytest.raises(PermissionDenied):
        pulse_answer(
            membership=member(acme.mia),
            department=acme.product,
            answers=[PulseDraft(about=acme.marketing, score=3)],
        )
    with pytest.raises(ValidationError) as error:
        pulse_answer(
            membership=member(acme.leo),
            department=acme.product,
            answers=[
                PulseDraft(about=acme.marketing, score=3),
                PulseDraft(about=acme.sales, score=9),
            ],
        )
    assert error.value.message_dict == {
        f"about_{acme.sales.pk}": [
            "You share no active goal with Sales: the pulse asks only about the departments "
            "you work with."
        ]
    }
    assert not PulseAnswer.objects.exists()  # all or none


def test_the_health_page_links_the_lead_to_the_pulse(acme, as_user, shared):
    text = as_user(acme.leo).get(reverse("health", args=["acme"])).text
    assert f'href="{_url(acme.product)}">Answer the pulse of Product' in text
