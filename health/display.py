"""The health figures in words, for the pages: the matrix's cells and what each says, a
figure's value as a person reads it ("no data" rather than zero), the trend's chart data."""

from collections import Counter
from dataclasses import dataclass

from health.figures import BANDS, Figures, Health, band_of
from teams.models import Department

NO_DATA = "no data"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def percent(value: float | None) -> str:
    return NO_DATA if value is None else f"{round(value * 100)}%"


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return NO_DATA
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}{unit}"


def rows(figures: Figures) -> list[tuple[str, str]]:
    """(figure, value) for the pair's or department's page."""
    checkins = (
        f"{percent(figures.checkin_rate)} ({figures.checkins_done} of {figures.checkins_owed})"
        if figures.checkins_owed
        else NO_DATA
    )
    return [
        ("Shared goals", str(figures.shared_goals)),
        ("Shared goals on track", percent(figures.on_track_share)),
        ("Check-ins logged, last cycles", checkins),
        ("Open asks", str(figures.open_asks)),
        ("Median age of open asks", number(figures.ask_age_days, " days")),
        ("Asks delivered on time", percent(figures.asks_on_time)),
        ("Open conflicts", str(figures.open_conflicts)),
        ("Median age of open conflicts", number(figures.conflict_age_days, " days")),
        ("Median days from conflict to decision", number(figures.decision_days, " days")),
        ("Confidence gap on shared goals (0 to 9)", number(figures.divergence)),
        ("Relationship pulse (1 to 5)", number(figures.pulse)),
    ]


def summary(figures: Figures) -> str:
    """What a matrix cell says, in one sentence."""
    if figures.score is None:
        return (
            "No data: they share no active goal, have asked nothing of each other lately, "
            "have had no conflict and have not answered the pulse about each other."
        )
    parts = [f"Score {figures.score} of 100, {figures.band[1].lower()}"]
    if figures.shared_goals:
        parts.append(
            f"{_plural(figures.shared_goals, 'shared goal')}, {percent(figures.on_track_share)} "
            "on track"
        )
    else:
        parts.append("no shared goal")
    if figures.checkins_owed:
        parts.append(f"{figures.checkins_done} of {figures.checkins_owed} check-ins logged")
    if figures.open_asks:
        parts.append(
            f"{_plural(figures.open_asks, 'open ask')}, median {number(figures.ask_age_days)} "
            "days old"
        )
    if figures.asks_on_time is not None:
        parts.append(f"{percent(figures.asks_on_time)} of asks delivered on time")
    parts.append(_plural(figures.open_conflicts, "open conflict"))
    if figures.divergence is not None:
        parts.append(f"confidence gap {number(figures.divergence)} of 9")
    parts.append(f"pulse {number(figures.pulse)}" + ("" if figures.pulse is None else " of 5"))
    return "; ".join(parts) + "."


@dataclass
class Cell:
    row: Department
    column: Department
    figures: Figures | None  # None on the diagonal

    @property
    def id(self) -> str:
        return f"cell-{self.row.pk}-{self.column.pk}"

    @property
    def band(self) -> tuple[str, str]:
        return self.figures.band

    @property
    def text(self) -> str:
        return summary(self.figures) if self.figures else ""


def matrix(health: Health) -> list[tuple[Department, list[Cell]]]:
    return [
        (
            row,
            [
                Cell(row, column, None if row.pk == column.pk else health.pair(row.pk, column.pk))
                for column in health.departments
            ],
        )
        for row in health.departments
    ]


def band_counts(health: Health) -> list[tuple[str, str, int]]:
    """(band key, label, how many pairs) from the strongest band down, and "no data": the
    matrix in one line, for a workspace too large to show it on the dashboard."""
    counts = Counter(figures.band for figures in health.pairs.values())
    bands = [(key, label) for _, key, label in BANDS] + [("none", "No data")]
    return [(key, label, counts[(key, label)]) for key, label in bands]


def legend() -> list[tuple[str, str, str]]:
    """(band key, label, range) from the strongest band down, and "no data"."""
    found, high = [], 100
    for low, key, label in BANDS:
        found.append((key, label, f"{low}–{high}"))
        high = low - 1
    return [*found, ("none", "No data", "–")]


def trend_chart(health: Health) -> dict:
    """The trend in the shape the KPI chart reads (static/js/kpi_chart.js): the strong and
    fair bands' lower bounds as its green and red thresholds."""
    return {
        "name": "Overall alignment score",
        "unit": "",
        "direction": "increase",
        "dates": [f"{point.cycle.starts_on:%d %b}" for point in health.trend],
        "values": [point.score for point in health.trend],
        "green": BANDS[0][0],
        "red": BANDS[1][0],
    }


def score_label(score: int | None) -> str:
    return NO_DATA if score is None else f"{score} ({band_of(score)[1].lower()})"
