"""The SMART rules, letter by letter, with the seeds' own example."""

from datetime import date
from decimal import Decimal

import pytest

from goals.smart import Draft, check

GOOD = Draft(
    title="Increase product awareness by 30% in the next quarter through targeted campaigns",
    metric="Aided brand awareness",
    baseline=Decimal("20"),
    target=Decimal("26"),
    direction="increase",
    start_date=date(2026, 10, 1),
    due_date=date(2026, 12, 31),
    period_start=date(2026, 10, 1),
    period_end=date(2026, 12, 31),
    has_parent=True,
    owner_count=2,
)


def _with(**changes) -> Draft:
    return Draft(**{**GOOD.__dict__, **changes})


def test_the_seeds_good_goal_passes_every_letter():
    result = check(GOOD)
    assert result.score == 5
    assert result.hints == []
    assert result.as_dict()["score"] == 5


def test_increase_product_awareness_is_not_specific():
    result = check(_with(title="Increase product awareness"))
    assert not result.specific
    assert any("by how much" in hint for hint in result.hints_by_letter["specific"])


def test_improve_is_called_out_as_vague():
    result = check(_with(title="Improve awareness of the brand by 30%"))
    assert not result.specific
    assert "“Improve” does not say what done looks like" in result.hints[0]


def test_a_two_word_title_is_not_specific():
    assert not check(_with(title="Awareness")).specific


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"metric": ""}, "Name the metric"),
        ({"baseline": None}, "baseline"),
        ({"target": None}, "target"),
        ({"target": Decimal("20")}, "equals the baseline"),
        ({"target": Decimal("10")}, "must be above the baseline"),
    ],
)
def test_measurable_names_what_is_missing(changes, words):
    result = check(_with(**changes))
    assert not result.measurable
    assert any(words in hint for hint in result.hints_by_letter["measurable"])


def test_decrease_goal_needs_a_target_below_the_baseline():
    ok = check(_with(direction="decrease", baseline=Decimal("240"), target=Decimal("204")))
    assert ok.measurable
    wrong = check(_with(direction="decrease", baseline=Decimal("240"), target=Decimal("300")))
    assert "must be below the baseline" in wrong.hints_by_letter["measurable"][0]


def test_an_absurd_rise_is_not_achievable():
    result = check(_with(baseline=Decimal("20"), target=Decimal("2000")))
    assert not result.achievable
    assert "rarely achievable" in result.hints_by_letter["achievable"][0]


def test_a_target_far_beyond_the_kpi_history_is_not_achievable():
    history = [Decimal("100"), Decimal("101"), Decimal("102"), Decimal("101")]
    result = check(_with(baseline=Decimal("100"), target=Decimal("200"), history=history))
    assert not result.achievable
    assert check(_with(baseline=Decimal("100"), target=Decimal("105"), history=history)).achievable


def test_relevant_needs_a_parent_or_a_mission_and_an_owner():
    assert not check(_with(has_parent=False)).relevant
    assert check(_with(has_parent=False, mission="Serve the same customers.")).relevant
    no_owner = check(_with(owner_count=0))
    assert "owner department" in no_owner.hints_by_letter["relevant"][0]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"due_date": None}, "Set a due date"),
        ({"due_date": date(2027, 1, 15)}, "after the period ends"),
        ({"due_date": date(2026, 9, 1), "start_date": None}, "before the period starts"),
        ({"start_date": date(2026, 12, 1), "due_date": date(2026, 11, 1)}, "before the start"),
    ],
)
def test_time_bound_names_what_is_wrong(changes, words):
    result = check(_with(**changes))
    assert not result.time_bound
    assert any(words in hint for hint in result.hints_by_letter["time_bound"])


def test_letters_come_in_smart_order_for_templates():
    keys = [key for key, *_ in check(Draft()).letters]
    assert keys == ["specific", "measurable", "achievable", "relevant", "time_bound"]
    assert check(Draft()).score == 0
