"""The conflict register's rules, each rule and each refusal."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from conflicts import decisions, services
from conflicts.models import Conflict
from core.models import AuditEvent, Notification
from forums.models import Decision
from forums.selectors import decision_log
from tests.factories import KPIFactory, MeasurementFactory, member

Status = Conflict.Status


def _raise(acme, **changes):
    fields = {
        "membership": member(acme.mia),
        "title": "Launch budget",
        "kind": Conflict.Kind.RESOURCES,
        "at_stake": "Budget",
        "raised_by_department": acme.sales,
        "departments": [acme.product],
        "decide_by": acme.workspace.today() + dt.timedelta(days=7),
        **changes,
    }
    return services.conflict_raise(**fields)


def _decide(acme, conflict, **changes):
    fields = {
        "membership": member(acme.ada),
        "conflict": conflict,
        "title": "Split the budget 60/40",
        "rationale": "The launch needs reach; costs stay capped.",
        "trade_offs": {acme.sales.pk: "Less for events", acme.product.pk: "Later features"},
        **changes,
    }
    return decisions.conflict_decide(**fields)


def test_raising_involves_the_raisers_department_and_tells_the_other_side(
    acme, conflict, django_capture_on_commit_callbacks
):
    assert set(conflict.departments.all()) == {acme.sales, acme.product}
    assert conflict.status == Status.OPEN
    assert Notification.objects.filter(recipient=acme.leo, kind="conflict.raised").exists()
    assert AuditEvent.objects.filter(verb="created", summary__contains="Launch budget").exists()


def test_raising_mails_both_sides_after_commit(acme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _raise(acme)
    assert {message.to[0] for message in mail.outbox} == {"leo@acme.test", "claire@acme.test"}


def test_a_conflict_needs_another_department(acme):
    with pytest.raises(ValidationError) as error:
        _raise(acme, departments=[acme.sales])
    assert "departments" in error.value.message_dict
    assert not Conflict.objects.exists()


def test_a_department_of_another_workspace_is_refused(acme, globex):
    with pytest.raises(ValidationError) as error:
        _raise(acme, departments=[globex.departments.first()])
    assert "another workspace" in str(error.value)


def test_only_someone_in_the_department_raises_for_it(acme):
    with pytest.raises(PermissionDenied):
        _raise(acme, raised_by_department=acme.marketing)


def test_guests_do_not_raise(acme):
    with pytest.raises(PermissionDenied):
        _raise(acme, membership=member(acme.gus))


def test_the_decide_by_date_is_in_the_future(acme):
    with pytest.raises(ValidationError) as error:
        _raise(acme, decide_by=acme.workspace.today())
    assert "decide_by" in error.value.message_dict


def test_a_facilitator_from_an_involved_department_is_refused(acme, conflict):
    for person in (acme.mia, acme.leo, acme.claire):  # member, lead, executive
        with pytest.raises(ValidationError) as error:
            services.facilitator_name(
                membership=member(acme.ada), conflict=conflict, facilitator=person
            )
        assert "facilitator" in error.value.message_dict


def test_only_executives_name_the_facilitator(acme, conflict):
    with pytest.raises(PermissionDenied):
        services.facilitator_name(
            membership=member(acme.leo), conflict=conflict, facilitator=acme.ada
        )


def test_a_guest_is_no_facilitator(acme, conflict):
    with pytest.raises(ValidationError):
        services.facilitator_name(
            membership=member(acme.ada), conflict=conflict, facilitator=acme.gus
        )


def test_moves_follow_the_process(acme, facilitated):
    moved = services.conflict_move(
        membership=member(acme.ada), conflict=facilitated, status=Status.IN_DISCUSSION
    )
    assert moved.status == Status.IN_DISCUSSION
    assert moved.discussed_at
    with pytest.raises(ValidationError):
        services.conflict_move(membership=member(acme.ada), conflict=moved, status=Status.CLOSED)
    with pytest.raises(ValidationError):
        services.conflict_move(membership=member(acme.ada), conflict=moved, status=Status.DECIDED)


def test_only_the_facilitator_or_an_executive_moves_it_the_raiser_may_withdraw(acme, conflict):
    with pytest.raises(PermissionDenied):
        services.conflict_move(
            membership=member(acme.mia), conflict=conflict, status=Status.IN_DISCUSSION
        )
    withdrawn = services.conflict_move(
        membership=member(acme.mia), conflict=conflict, status=Status.WITHDRAWN
    )
    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.withdrawn_at


def test_a_department_states_only_its_own_position(acme, conflict):
    position = services.position_state(
        membership=member(acme.leo),
        conflict=conflict,
        department=acme.product,
        wants="Budget",
        why="Launch",
    )
    assert position.author == acme.leo
    with pytest.raises(PermissionDenied):
        services.position_state(
            membership=member(acme.mia),
            conflict=conflict,
            department=acme.product,
            wants="x",
            why="y",
        )
    again = services.position_state(
        membership=member(acme.leo),
        conflict=conflict,
        department=acme.product,
        wants="More",
        why="Launch",
    )
    assert again.pk == position.pk
    assert again.wants == "More"


def test_no_position_for_a_department_not_involved(acme, conflict):
    with pytest.raises(ValidationError) as error:
        services.position_state(
            membership=member(acme.claire),
            conflict=conflict,
            department=acme.marketing,
            wants="x",
            why="y",
        )
    assert "department" in error.value.message_dict


def test_evidence_is_added_once_by_the_side_and_removed(acme, conflict, cac):
    position = services.position_state(
        membership=member(acme.leo), conflict=conflict, department=acme.product, wants="B", why="L"
    )
    evidence = services.evidence_add(membership=member(acme.leo), position=position, kpi=cac)
    with pytest.raises(ValidationError):
        services.evidence_add(membership=member(acme.leo), position=position, kpi=cac)
    with pytest.raises(PermissionDenied):
        services.evidence_remove(membership=member(acme.mia), evidence=evidence)
    services.evidence_remove(membership=member(acme.leo), evidence=evidence)
    assert not position.evidence.exists()


def test_evidence_set_to_a_list_adds_and_drops_each_with_its_audit_row(acme, globex, conflict, cac):
    position = services.position_state(
        membership=member(acme.leo), conflict=conflict, department=acme.product, wants="B", why="L"
    )
    services.evidence_add(membership=member(acme.leo), position=position, kpi=cac)
    kpis = [KPIFactory(workspace=acme.workspace, name=n) for n in ("Pipeline", "Churn", "NPS")]

    services.evidence_set(membership=member(acme.leo), position=position, kpis=kpis)

    assert sorted(position.evidence.values_list("kpi__name", flat=True)) == [
        "Churn",
        "NPS",
        "Pipeline",
    ]
    summaries = AuditEvent.objects.filter(target_type="evidence").values_list("summary", flat=True)
    assert sorted(summaries) == sorted(
        [
            "Product points to Customer acquisition cost on “Launch budget”",
            "Product no longer points to Customer acquisition cost on “Launch budget”",
            *(f"Product points to {n} on “Launch budget”" for n in ("Pipeline", "Churn", "NPS")),
        ]
    )
    with pytest.raises(PermissionDenied):
        services.evidence_set(membership=member(acme.mia), position=position, kpis=[])
    with pytest.raises(ValidationError):
        services.evidence_set(
            membership=member(acme.leo), position=position, kpis=[KPIFactory(workspace=globex)]
        )
    assert position.evidence.count() == 3


def test_evidence_of_another_workspace_is_refused(acme, globex, conflict):
    position = services.position_state(
        membership=member(acme.leo), conflict=conflict, department=acme.product, wants="B", why="L"
    )
    with pytest.raises(ValidationError):
        services.evidence_add(
            membership=member(acme.leo), position=position, kpi=KPIFactory(workspace=globex)
        )


def test_deciding_logs_the_decision_with_the_evidence_snapshot(acme, facilitated, cac):
    for day, value in [(1, "140"), (2, "120")]:
        MeasurementFactory(kpi=cac, date=dt.date(2026, 1, day), value=Decimal(value))
    position = services.position_state(
        membership=member(acme.leo),
        conflict=facilitated,
        department=acme.product,
        wants="B",
        why="L",
    )
    services.evidence_add(membership=member(acme.leo), position=position, kpi=cac)
    decision = _decide(
        acme,
        facilitated,
        consulted=[acme.marketing],
        review_on=acme.workspace.today() + dt.timedelta(days=30),
    )
    facilitated.refresh_from_db()
    assert facilitated.status == Status.DECIDED
    assert facilitated.decision == decision
    assert decision in decision_log(workspace=acme.workspace)
    assert decision.meeting is None
    assert set(decision.departments.all()) == {
        acme.sales,
        acme.product,
    }
    (snapshot,) = facilitated.snapshot.all()
    assert snapshot.data["values"] == [140.0, 120.0]
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 3), value=Decimal("90"))
    assert facilitated.snapshot.get().data["values"] == [140.0, 120.0]
    assert list(facilitated.consulted.all()) == [acme.marketing]
    assert {a.trade_off for a in facilitated.acknowledgements.all()} == {
        "Less for events",
        "Later features",
    }


def test_only_the_facilitator_or_an_executive_decides(acme, facilitated):
    with pytest.raises(PermissionDenied):
        _decide(acme, facilitated, membership=member(acme.leo))
    assert not Decision.objects.exists()


def test_each_side_says_what_it_accepted(acme, facilitated):
    with pytest.raises(ValidationError) as error:
        _decide(acme, facilitated, trade_offs={acme.sales.pk: "Less for events"})
    assert "Product" in str(error.value)


def test_a_withdrawn_or_decided_conflict_is_not_decided(acme, facilitated):
    _decide(acme, facilitated)
    with pytest.raises(ValidationError):
        _decide(acme, facilitated)
    other = _raise(acme)
    services.conflict_move(membership=member(acme.mia), conflict=other, status=Status.WITHDRAWN)
    with pytest.raises(ValidationError):
        _decide(acme, other)
    assert Decision.objects.count() == 1


def test_a_review_date_in_the_past_is_refused(acme, facilitated):
    with pytest.raises(ValidationError) as error:
        _decide(acme, facilitated, review_on=acme.workspace.today() - dt.timedelta(days=1))
    assert "review_on" in error.value.message_dict
    facilitated.refresh_from_db()
    assert facilitated.status == Status.OPEN


def test_each_sides_lead_acknowledges_and_the_last_closes_it(acme, facilitated):
    acme.sales.lead = acme.mia
    acme.sales.save()
    _decide(acme, facilitated)
    with pytest.raises(PermissionDenied):
        decisions.decision_acknowledge(
            membership=member(acme.mia), conflict=facilitated, department=acme.product
        )
    decisions.decision_acknowledge(
        membership=member(acme.leo), conflict=facilitated, department=acme.product
    )
    facilitated.refresh_from_db()
    assert facilitated.status == Status.DECIDED
    decisions.decision_acknowledge(
        membership=member(acme.mia), conflict=facilitated, department=acme.sales
    )
    facilitated.refresh_from_db()
    assert facilitated.status == Status.CLOSED
    assert facilitated.closed_at


def test_an_undecided_conflict_is_not_acknowledged(acme, facilitated):
    with pytest.raises(ValidationError):
        decisions.decision_acknowledge(
            membership=member(acme.leo), conflict=facilitated, department=acme.product
        )


def test_a_decided_conflict_is_closed_by_its_facilitator(acme, facilitated):
    _decide(acme, facilitated)
    closed = services.conflict_move(
        membership=member(acme.ada), conflict=facilitated, status=Status.CLOSED
    )
    assert closed.status == Status.CLOSED
