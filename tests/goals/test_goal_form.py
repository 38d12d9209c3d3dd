"""Creating and editing goals: the SMART coach, the permission rule, bad input, and two people
editing the same goal."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEvent
from goals.forms.goals import GoalForm
from goals.models import Goal
from goals.selectors.goals import attach_departments
from goals.services.goals import goal_update
from tests.factories import GoalFactory, KPIFactory, MeasurementFactory, PeriodFactory, member

pytestmark = pytest.mark.django_db

CREATE = reverse("goal_create", kwargs={"ws": "acme"})
COACH = reverse("goal_smart_check", kwargs={"ws": "acme"})


def _edit(goal: Goal) -> str:
    return reverse("goal_edit", kwargs={"ws": "acme", "pk": goal.pk})


@pytest.fixture
def smart_goal(acme, quarter):
    """Form data of a SMART shared goal of marketing and product."""
    return {
        "title": "Increase product awareness by 30% through targeted campaigns",
        "description": "Aided awareness among mid-market buyers.",
        "owner_departments": [acme.marketing.pk, acme.product.pk],
        "contributing_departments": [acme.sales.pk],
        "accountable": acme.claire.pk,
        "period": quarter.pk,
        "start_date": "2026-10-01",
        "due_date": "2026-12-15",
        "status": "on_track",
        "metric": "Aided brand awareness",
        "unit": "%",
        "baseline": "20",
        "target": "26",
        "direction": "increase",
        "weight": "1",
    }


def test_executive_creates_a_shared_goal_with_every_smart_field(acme, as_user, smart_goal):
    response = as_user(acme.claire).post(CREATE, smart_goal)
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("goal_detail", kwargs={"ws": "acme", "pk": goal.pk})
    assert goal.is_shared
    assert list(goal.contributing_departments.all()) == [acme.sales]
    assert (goal.accountable, goal.baseline, goal.target) == (acme.claire, 20, 26)
    assert goal.due_date == dt.date(2026, 12, 15)
    assert goal.created_by == acme.claire
    assert AuditEvent.objects.filter(target_type="goal", target_id=goal.pk, verb="created").exists()


def test_creating_a_goal_refreshes_its_progress_and_its_parents(acme, as_user, smart_goal):
    parent = GoalFactory(workspace=acme.workspace, owner_departments=[acme.product])
    data = {
        **smart_goal,
        "owner_departments": [acme.product.pk],
        "parent": parent.pk,
        "current_value": "23",
    }
    as_user(acme.leo).post(CREATE, data)
    step = Goal.objects.get(parent=parent)
    parent.refresh_from_db()
    assert step.progress == 50
    assert parent.progress == 50


def test_lead_creates_a_goal_for_their_own_department(acme, as_user, smart_goal):
    data = {**smart_goal, "owner_departments": [acme.product.pk]}
    assert as_user(acme.leo).post(CREATE, data).status_code == 302
    assert list(Goal.objects.get().owner_departments.all()) == [acme.product]


def test_lead_is_offered_only_their_own_departments_as_owners(acme, as_user):
    form = as_user(acme.leo).get(CREATE).context["form"]
    assert [label for _, label in form.fields["owner_departments"].choices] == ["Product"]


def test_lead_cannot_create_a_shared_goal(acme, as_user, smart_goal):
    response = as_user(acme.leo).post(CREATE, smart_goal)
    assert response.status_code == 400
    assert "owner_departments" in response.context["form"].errors
    assert not Goal.objects.exists()


def test_lead_cannot_create_a_goal_for_another_department(acme, as_user, smart_goal):
    response = as_user(acme.leo).post(CREATE, {**smart_goal, "owner_departments": [acme.sales.pk]})
    assert response.status_code == 400
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"start_date": "2026-12-01", "due_date": "2026-11-01"}, "due_date", "before the start"),
        ({"baseline": "20", "target": "20"}, "target", "differ from the baseline"),
        ({"owner_departments": []}, "owner_departments", "required"),
        ({"title": ""}, "title", "required"),
        ({"baseline": "twenty"}, "baseline", "Enter a number"),
        ({"weight": "0"}, "weight", "greater than or equal to 1"),
        ({"status": "achieved"}, "status", "Select a valid choice"),
        (
            {"owner_departments": [], "contributing_departments": []},
            "owner_departments",
            "required",
        ),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_written(
    acme, as_user, smart_goal, change, field, message
):
    response = as_user(acme.claire).post(CREATE, {**smart_goal, **change})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert 'class="invalid-feedback d-block"' in response.content.decode()
    assert not Goal.objects.exists()
    assert not AuditEvent.objects.filter(target_type="goal").exists()


def test_a_department_of_another_workspace_is_refused(acme, globex, as_user, smart_goal):
    foreign = globex.departments.first()
    for field in ("owner_departments", "contributing_departments"):
        response = as_user(acme.claire).post(CREATE, {**smart_goal, field: [foreign.pk]})
        assert response.status_code == 400
        assert field in response.context["form"].errors
    assert not Goal.objects.exists()


@pytest.mark.parametrize("field", ["parent", "period", "kpi", "accountable"])
def test_links_to_another_workspace_are_refused(acme, globex, oscar, as_user, smart_goal, field):
    foreign = {
        "parent": lambda: GoalFactory(workspace=globex).pk,
        "period": lambda: PeriodFactory(workspace=globex).pk,
        "kpi": lambda: KPIFactory(workspace=globex).pk,
        "accountable": lambda: oscar.pk,
    }[field]()
    response = as_user(acme.claire).post(CREATE, {**smart_goal, field: foreign})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Goal.objects.filter(workspace=acme.workspace).exists()


def test_a_department_cannot_both_own_and_contribute(acme, as_user, smart_goal):
    data = {**smart_goal, "contributing_departments": [acme.marketing.pk]}
    response = as_user(acme.claire).post(CREATE, data)
    assert "contributing_departments" in response.context["form"].errors


def test_step_form_starts_under_the_parent_given_in_the_link(acme, as_user):
    parent = GoalFactory(workspace=acme.workspace, owner_departments=[acme.product])
    form = as_user(acme.leo).get(f"{CREATE}?parent={parent.pk}").context["form"]
    assert form["parent"].value() == parent.pk


# --- The SMART coach -------------------------------------------------------------------------


def test_coach_flags_a_vague_draft_in_plain_words(acme, as_user):
    response = as_user(acme.claire).post(
        COACH, {"title": "Improve product awareness"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "0/5" in html
    assert "does not say what done looks like" in html
    assert "Set a due date." in html


def test_coach_scores_a_smart_draft_five_of_five(acme, as_user, smart_goal):
    acme.workspace.mission = "Grow together."
    acme.workspace.save()
    html = as_user(acme.claire).post(COACH, smart_goal).content.decode()
    assert "5/5" in html
    assert 'class="coach-letter failed"' not in html


def test_coach_reads_a_due_date_outside_the_period(acme, as_user, smart_goal):
    html = as_user(acme.claire).post(COACH, {**smart_goal, "due_date": "2027-02-01"})
    assert "falls after the period ends" in html.content.decode()


def test_coach_checks_the_target_against_the_kpis_history(acme, as_user, smart_goal):
    kpi = KPIFactory(workspace=acme.workspace)
    for day, value in enumerate([20, 20.5, 21, 21.2], start=1):
        MeasurementFactory(kpi=kpi, date=dt.date(2026, 9, day), value=Decimal(str(value)))
    data = {**smart_goal, "kpi": kpi.pk, "baseline": "21", "target": "60"}
    html = as_user(acme.claire).post(COACH, data).content.decode()
    assert "never moved nearly this fast" in html


def test_coach_ignores_a_kpi_of_another_workspace(acme, globex, as_user, smart_goal):
    kpi = KPIFactory(workspace=globex)
    for day in range(1, 5):
        MeasurementFactory(kpi=kpi, date=dt.date(2026, 9, day), value=Decimal(1))
    data = {**smart_goal, "kpi": kpi.pk, "baseline": "21", "target": "60"}
    assert "never moved" not in as_user(acme.claire).post(COACH, data).content.decode()


def test_coach_is_on_the_form_and_rescores_as_the_person_types(acme, as_user):
    html = as_user(acme.claire).get(CREATE).content.decode()
    assert f'hx-post="{COACH}"' in html
    assert 'hx-trigger="input delay:400ms"' in html
    assert 'id="smart-coach"' in html


# --- Editing ---------------------------------------------------------------------------------


@pytest.fixture
def goal(acme, quarter):
    return GoalFactory(
        workspace=acme.workspace,
        title="Increase activation by 10% through onboarding emails",
        owner_departments=[acme.product],
        period=quarter,
    )


def _edit_data(goal: Goal, **changes) -> dict:
    attach_departments([goal])
    initial = GoalForm.initial_for(goal)
    data = {key: "" if value is None else value for key, value in initial.items()}
    return {**data, **changes}


def test_lead_edits_their_departments_goal_and_the_version_moves_on(acme, as_user, goal):
    response = as_user(acme.leo).post(_edit(goal), _edit_data(goal, target="140"))
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.target, goal.version) == (140, 2)
    event = AuditEvent.objects.get(target_id=goal.pk, verb="updated")
    assert event.changes["target"] == ["130.0000", "140"]


def test_lead_cannot_edit_a_goal_of_another_department(acme, as_user):
    sales_goal = GoalFactory(workspace=acme.workspace, owner_departments=[acme.sales])
    client = as_user(acme.leo)
    assert client.get(_edit(sales_goal)).status_code == 403
    assert client.post(_edit(sales_goal), _edit_data(sales_goal, title="Mine")).status_code == 403


def test_lead_cannot_edit_a_shared_goal_they_co_own(acme, as_user):
    shared = GoalFactory(workspace=acme.workspace, owner_departments=[acme.product, acme.sales])
    assert as_user(acme.leo).get(_edit(shared)).status_code == 403


def test_edit_form_cannot_mark_a_goal_achieved(acme, as_user, goal):
    response = as_user(acme.leo).post(_edit(goal), _edit_data(goal, status="achieved"))
    assert response.status_code == 400
    goal.refresh_from_db()
    assert goal.status == "on_track"


def test_second_save_over_someone_elses_is_refused_and_shows_their_change(acme, as_user, goal):
    loaded = _edit_data(goal)
    goal_update(
        goal=goal, membership=member(acme.claire), version=1, target=Decimal(150), unit="sign-ups"
    )

    response = as_user(acme.leo).post(_edit(goal), {**loaded, "target": "125"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Claire" in html
    assert "changed this goal while you were editing it" in html
    rows = {label: (theirs, yours) for label, theirs, yours in response.context["conflict"].rows}
    assert rows["Target"] == ("150", "125")
    assert rows["Unit"] == ("sign-ups", "leads")
    assert set(rows) == {"Target", "Unit"}
    goal.refresh_from_db()
    assert (goal.target, goal.unit, goal.version) == (150, "sign-ups", 2)
    assert response.context["form"]["version"].value() == "2"


def test_after_a_conflict_saving_again_keeps_the_second_persons_values(acme, as_user, goal):
    loaded = _edit_data(goal)
    goal_update(goal=goal, membership=member(acme.claire), version=1, target=Decimal(150))
    client = as_user(acme.leo)
    conflict = client.post(_edit(goal), {**loaded, "target": "125"})
    again = client.post(_edit(goal), {**loaded, "target": "125", "version": "2"})
    assert conflict.status_code == 409
    assert again.status_code == 302
    goal.refresh_from_db()
    assert (goal.target, goal.version) == (125, 3)


def test_edit_page_shows_the_smart_check_of_the_saved_goal(acme, as_user, goal):
    html = as_user(acme.leo).get(_edit(goal)).content.decode()
    assert 'id="smart-coach"' in html
    assert "/5</span>" in html
