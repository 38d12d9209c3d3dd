"""Progress, computed in one place.

A goal's own progress comes from its baseline, target, direction and latest value (the KPI's
latest measurement, else the latest check-in, else the value entered by hand). A goal with
child steps rolls its progress up from them, weighted by each child's ``weight``. Pace compares
progress with the share of the time between start and due date that has passed.
"""

from datetime import date
from decimal import Decimal

# Pace: this many points behind the time elapsed is "at risk", twice as many "off track".
AT_RISK_GAP = 10
OFF_TRACK_GAP = 25


def value_progress(
    *,
    baseline: Decimal | None,
    target: Decimal | None,
    current: Decimal | None,
    direction: str = "increase",
) -> int | None:
    """0-100, or None when the goal has no numbers to measure by."""
    if baseline is None or target is None or current is None or target == baseline:
        return None
    share = (current - baseline) / (target - baseline)
    if direction == "decrease" and target > baseline:
        share = -share
    return max(0, min(100, round(share * 100)))


def rollup(children: list[tuple[int, int]]) -> int:
    """Weighted mean of ``(progress, weight)`` pairs."""
    total = sum(weight for _, weight in children)
    if not total:
        return 0
    return round(sum(progress * weight for progress, weight in children) / total)


def pace_status(
    *, progress: int, start_date: date | None, due_date: date | None, today: date
) -> str | None:
    """ "on_track", "at_risk" or "off_track" by pace, or None without dates."""
    if start_date is None or due_date is None:
        return None
    if today >= due_date:
        return "on_track" if progress >= 100 else "off_track"
    span = (due_date - start_date).days or 1
    expected = max(0, min(100, (today - start_date).days * 100 / span))
    gap = expected - progress
    if gap >= OFF_TRACK_GAP:
        return "off_track"
    if gap >= AT_RISK_GAP:
        return "at_risk"
    return "on_track"
