"""The forum pages: who sees what (an outsider 404, a role too low 403, a guest only what is
shared), bad input, the live record's poll, sanitised minutes, and query counts."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from checkins.models import Ask
from forums import outcomes, services
from forums.models import Forum, Meeting
from tests.factories import GoalFactory, member

pytestmark = pytest.mark.django_db


def _url(name: str, *args) -> str:
    return reverse(name, args=["acme", *args])


def _run(acme, meeting: Meeting, *, minutes: str = "", shared: bool = False) -> Meeting:
    """Start the meeting; with ``minutes``, end it with them."""
    membership = member(acme.claire)
    services.meeting_start(membership=membership, meeting=meeting)
    if minutes:
        services.minutes_save(
            membership=membership, meeting=meeting, minutes=minutes, shared_with_guests=shared
        )
    return meeting


FORUM = {
    "name": "Quarterly partner review",
    "purpose": "With our agency.",
    "cadence": "quarterly",
    "rrule": "",
    "first_date": "2027-01-12",
    "start_time": "14:00",
    "duration_minutes": "90",
    "timezone": "Europe/Berlin",
}


def test_an_executive_sets_up_a_forum_in_the_browser_form(acme, as_user):
    data = {**FORUM, "departments": [acme.marketing.pk], "facilitator": acme.claire.pk}
    response = as_user(acme.claire).post(_url("forum_create"), data)

    forum = Forum.objects.get()
    assert response["Location"] == _url("forum_detail", forum.pk)
    assert forum.rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"
    assert forum.meetings.exists()


def test_a_bad_forum_form_names_each_problem(acme, as_user):
    data = {
        **FORUM,
        "cadence": "custom",
        "rrule": "FREQ=SECONDLY",
        "departments": [],
        "facilitator": acme.claire.pk,
        "start_time": "25:00",
    }
    response = as_user(acme.claire).post(_url("forum_create"), data)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"departments", "start_time"}
    assert not Forum.objects.exists()


def test_a_custom_rule_is_checked_by_the_service_and_shown_on_its_field(acme, as_user):
    data = {
        **FORUM,
        "cadence": "custom",
        "rrule": "FREQ=SECONDLY",
        "departments": [acme.marketing.pk],
        "facilitator": acme.claire.pk,
    }
    response = as_user(acme.claire).post(_url("forum_create"), data)
    assert response.status_code == 400
    assert "FREQ=DAILY" in response.context["form"].errors["rrule"][0]


@pytest.mark.parametrize("name", ["forum_list", "decision_log", "my_work", "forum_panel"])
def test_outsiders_get_404(name, oscar, as_user, forum):
    assert as_user(oscar).get(_url(name)).status_code == 404


def test_outsiders_get_404_for_a_forum_and_a_meeting(oscar, as_user, forum, meeting):
    client = as_user(oscar)
    assert client.get(_url("forum_detail", forum.pk)).status_code == 404
    assert client.get(_url("meeting_detail", meeting.pk)).status_code == 404
    assert client.get(_url("meeting_record", meeting.pk)).status_code == 404


def test_a_lead_cannot_set_up_or_run_a_forum(acme, as_user, forum, meeting):
    client = as_user(acme.leo)
    assert client.get(_url("forum_create")).status_code == 403
    assert client.get(_url("forum_edit", forum.pk)).status_code == 403
    assert client.post(_url("meeting_start", meeting.pk)).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_a_guest_sees_only_the_forums_they_are_invited_to(acme, as_user, forum, meeting):
    client = as_user(acme.gus)
    assert client.get(_url("forum_detail", forum.pk)).status_code == 404
    assert client.get(_url("meeting_detail", meeting.pk)).status_code == 404
    assert forum.name not in client.get(_url("forum_list")).content.decode()

    forum.guests.add(acme.gus)
    assert client.get(_url("forum_detail", forum.pk)).status_code == 200
    assert client.get(_url("decision_log")).status_code == 404


def test_a_guest_sees_only_what_is_shared_with_guests(acme, as_user, forum, meeting):
    forum.guests.add(acme.gus)
    membership = member(acme.claire)
    services.topic_add(
        membership=membership, meeting=meeting, title="Joint webinar", shared_with_guests=True
    )
    services.topic_add(membership=membership, meeting=meeting, title="Agency fees")
    _run(acme, meeting, minutes="Fees stay internal.")

    page = as_user(acme.gus).get(_url("meeting_detail", meeting.pk)).content.decode()
    assert "Joint webinar" in page
    assert "Agency fees" not in page
    assert "Fees stay internal" not in page


def test_the_record_polls_with_its_version_and_sees_what_another_person_recorded(
    acme, as_user, forum, meeting
):
    client = as_user(acme.mia)
    page = client.get(_url("meeting_detail", meeting.pk))
    version = page.context["meeting"].version
    poll = _url("meeting_record", meeting.pk) + f"?v={version}"
    assert client.get(poll).status_code == 204

    services.topic_add(membership=member(acme.claire), meeting=meeting, title="Launch slip")

    changed = client.get(poll)
    assert changed.status_code == 200
    assert "Launch slip" in changed.content.decode()


def test_minutes_are_rendered_as_sanitised_markdown(acme, as_user, forum, meeting):
    _run(acme, meeting, minutes="**Agreed** <script>alert(1)</script>\n\n- one\n- two")
    html = as_user(acme.mia).get(_url("meeting_detail", meeting.pk)).content.decode()
    assert "<strong>Agreed</strong>" in html
    assert "<li>one</li>" in html
    assert "<script>alert(1)</script>" not in html


def test_the_facilitator_records_a_decision_with_htmx_and_bad_input_is_named(
    acme, as_user, forum, meeting
):
    item = services.topic_add(membership=member(acme.claire), meeting=meeting, title="Budget")
    _run(acme, meeting)
    client = as_user(acme.claire)
    url = _url("decision_create", meeting.pk, item.pk)

    bad = client.post(
        url, {"title": "", "rationale": "", "departments": []}, HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 400
    assert set(bad.context["decision_form"].errors) >= {"title", "rationale", "departments"}

    good = client.post(
        url,
        {
            "title": "Move 10% to performance",
            "rationale": "Cost per lead doubled.",
            "decided_by": acme.claire.pk,
            "departments": [acme.marketing.pk],
        },
        HTTP_HX_REQUEST="true",
    )
    assert good.status_code == 200
    assert "meeting-changed" in good["HX-Trigger"]
    assert meeting.decisions.get().title == "Move 10% to performance"
    log = client.get(_url("decision_log") + "?q=performance").content.decode()
    assert "Move 10% to <mark>performance</mark>" in log


def test_an_action_item_reaches_its_owner_s_check_in_page(acme, as_user, forum, meeting):
    item = services.topic_add(membership=member(acme.claire), meeting=meeting, title="Budget")
    _run(acme, meeting)
    outcomes.action_create(
        membership=member(acme.claire),
        item=item,
        title="Draft the Q1 plan",
        owner=acme.leo,
        due_on=acme.workspace.today() + dt.timedelta(days=7),
    )
    client = as_user(acme.leo)
    assert 'hx-get="/w/acme/my-work/actions/"' in client.get(_url("my_checkins")).content.decode()
    assert "Draft the Q1 plan" in client.get(_url("action_panel")).content.decode()
    action = meeting.actions.get()
    done = client.post(_url("action_status", action.pk), {"status": "done"})
    assert done.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"


def test_the_meeting_page_makes_the_same_queries_as_the_agenda_grows(
    acme, as_user, forum, meeting, count_queries
):
    client = as_user(acme.claire)
    url = _url("meeting_detail", meeting.pk)

    def grow(count: int) -> None:
        for _ in range(count):
            GoalFactory(
                workspace=acme.workspace, owner_departments=[acme.marketing], status="at_risk"
            )
            services.topic_add(membership=member(acme.claire), meeting=meeting, title="Topic")

    grow(1)
    small = count_queries(client, url)
    grow(8)
    large = count_queries(client, url)
    assert small == large


def test_the_facilitator_saves_minutes_shared_with_guests_from_the_page(
    acme, as_user, forum, meeting
):
    _run(acme, meeting)
    response = as_user(acme.claire).post(
        _url("minutes_save", meeting.pk),
        {"minutes": "We agreed.", "minutes_shared_with_guests": "on"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.minutes_shared_with_guests) == ("We agreed.", True)


def test_a_member_who_does_not_run_the_forum_cannot_save_its_minutes(acme, as_user, forum, meeting):
    _run(acme, meeting)
    response = as_user(acme.mia).post(_url("minutes_save", meeting.pk), {"minutes": "Mine."})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.minutes == ""


def test_an_ask_agreed_in_the_meeting_reaches_the_other_department(acme, as_user, forum, meeting):
    goal = GoalFactory(
        workspace=acme.workspace, owner_departments=[acme.marketing], status="at_risk"
    )
    _run(acme, meeting)
    item = meeting.items.get(source_id=goal.pk)
    client = as_user(acme.claire)
    url = _url("ask_create", meeting.pk, item.pk)
    panel = client.get(_url("item_detail", meeting.pk, item.pk))
    assert panel.context["ask_form"].initial["goal"] == goal.pk

    bad = client.post(url, {"goal": goal.pk, "text": "", "due_on": "2020-01-01"})
    assert bad.status_code == 400
    assert {"text", "from_department", "to_department"} <= set(bad.context["ask_form"].errors)

    data = {
        "goal": goal.pk,
        "from_department": acme.marketing.pk,
        "to_department": acme.product.pk,
        "text": "A designer for the landing page",
        "due_on": f"{acme.workspace.today() + dt.timedelta(days=10)}",
    }
    assert client.post(url, data).status_code == 302
    ask = Ask.objects.get()
    assert (ask.goal, ask.to_department, ask.checkin) == (goal, acme.product, None)
    item.refresh_from_db()
    assert "Marketing asked Product: A designer for the landing page" in item.notes
    same = client.post(url, {**data, "to_department": acme.marketing.pk})
    assert same.status_code == 400
    assert Ask.objects.count() == 1


def test_an_items_forms_swap_their_own_panel_on_the_page_and_in_the_meeting(
    acme, as_user, forum, meeting
):
    """The item's page opened on its own has no meeting side panel: each form replaces the
    panel it sits in, wherever that panel is shown."""
    services.topic_add(membership=member(acme.claire), meeting=meeting, title="Pricing")
    _run(acme, meeting)
    item = meeting.items.get(title="Pricing")
    client = as_user(acme.claire)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        text = client.get(_url("item_detail", meeting.pk, item.pk), **headers).text
        panel = text[text.index('class="card mb-3 item-panel"') :]
        targets = re.findall(r'hx-target="([^"]+)"', panel)
        assert targets == ["closest .item-panel"] * 4, targets
        assert "#side-panel" not in panel
