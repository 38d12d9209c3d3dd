"""The SMART check: one module, shared by the goal form, workshops and the API.

``check(draft)`` scores a draft goal on the five letters and says, in plain words, what is
missing. The rules follow docs/domain.md: "increase product awareness" fails Specific;
"increase product awareness by 30% in the next quarter through targeted campaigns" passes.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

LETTERS = ("specific", "measurable", "achievable", "relevant", "time_bound")
LETTER_NAMES = {
    "specific": "Specific",
    "measurable": "Measurable",
    "achievable": "Achievable",
    "relevant": "Relevant",
    "time_bound": "Time-bound",
}

# Verbs that name a change someone can see happen.
OUTCOME_VERBS = {
    "increase", "raise", "grow", "boost", "double", "triple", "reduce", "cut", "lower",
    "decrease", "halve", "shorten", "launch", "ship", "release", "deliver", "publish", "hire",
    "close", "win", "sign", "reach", "achieve", "convert", "acquire", "retain", "onboard",
    "open", "migrate", "automate", "complete", "run", "introduce", "expand", "eliminate",
}  # fmt: skip
# Verbs that sound like progress but never say what done looks like.
VAGUE_VERBS = {
    "improve", "enhance", "better", "optimise", "optimize", "support", "work", "focus",
    "strengthen", "leverage", "align", "drive", "foster", "explore", "look",
}  # fmt: skip
QUANTITY = re.compile(r"\d")
MECHANISM = re.compile(r"\b(through|via|by (launching|running|shipping|hiring|using|adding))\b")
# Beyond these relative changes in one goal, a target is called unrealistic.
MAX_RISE = Decimal("3")  # +300%
MAX_FALL = Decimal("0.9")  # -90%
# Against history: a target this many times the largest change seen in the KPI is a stretch.
HISTORY_FACTOR = Decimal("3")


@dataclass
class Draft:
    """The fields the check reads; build it from a goal, a form, a proposal or an API body."""

    title: str = ""
    description: str = ""
    metric: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None
    direction: str = "increase"
    start_date: date | None = None
    due_date: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    has_parent: bool = False
    mission: str = ""
    owner_count: int = 0
    history: list[Decimal] = field(default_factory=list)


@dataclass
class SmartResult:
    specific: bool
    measurable: bool
    achievable: bool
    relevant: bool
    time_bound: bool
    hints_by_letter: dict[str, list[str]]

    @property
    def score(self) -> int:
        return sum(getattr(self, letter) for letter in LETTERS)

    @property
    def hints(self) -> list[str]:
        return [hint for letter in LETTERS for hint in self.hints_by_letter[letter]]

    @property
    def letters(self) -> list[tuple[str, str, bool, list[str]]]:
        """(key, name, passed, hints) for each letter, in SMART order, for templates."""
        return [
            (key, LETTER_NAMES[key], getattr(self, key), self.hints_by_letter[key])
            for key in LETTERS
        ]

    def as_dict(self) -> dict:
        return {
            **{letter: getattr(self, letter) for letter in LETTERS},
            "score": self.score,
            "hints": self.hints,
        }


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def _specific(draft: Draft) -> list[str]:
    text = f"{draft.title} {draft.description}".strip()
    words = _words(draft.title)
    if len(words) < 3:
        return ["Say what will change in a full phrase, e.g. “Increase trial sign-ups by 20%”."]
    hints = []
    has_outcome = any(word in OUTCOME_VERBS for word in words)
    if not has_outcome:
        vague = next((word for word in words if word in VAGUE_VERBS), None)
        if vague:
            hints.append(
                f"“{vague.capitalize()}” does not say what done looks like: name the outcome "
                "with a verb such as increase, reduce, launch or ship."
            )
        else:
            hints.append("Start with the outcome: increase, reduce, launch, ship, reach…")
    if not QUANTITY.search(text) and not MECHANISM.search(text.lower()):
        hints.append(
            "Say by how much or how: “by 30%”, “from 12 to 8 weeks”, or “through targeted "
            "campaigns”."
        )
    return hints


def _measurable(draft: Draft) -> list[str]:
    hints = []
    if not draft.metric.strip():
        hints.append("Name the metric you will track, e.g. “Aided brand awareness”.")
    if draft.baseline is None:
        hints.append("Give the baseline: where the metric stands today.")
    if draft.target is None:
        hints.append("Give the target: the value that means the goal is met.")
    if draft.baseline is not None and draft.target is not None:
        if draft.target == draft.baseline:
            hints.append("The target equals the baseline, so nothing would change.")
        elif (draft.direction == "increase") != (draft.target > draft.baseline):
            way = "above" if draft.direction == "increase" else "below"
            hints.append(
                f"The goal should {draft.direction} the metric, so the target must be {way} "
                "the baseline (or switch the direction)."
            )
    return hints


def _achievable(draft: Draft) -> list[str]:
    if draft.baseline is None or draft.target is None:
        return ["Achievability is judged from the baseline and target: set both."]
    if draft.target == draft.baseline:
        return []
    change = draft.target - draft.baseline
    if draft.baseline != 0:
        relative = change / abs(draft.baseline)
        if relative > MAX_RISE:
            return [
                f"A rise of {relative:.0%} in one goal is rarely achievable; split it into "
                "steps or aim for a nearer target."
            ]
        if relative < -MAX_FALL:
            return [
                f"A fall of {-relative:.0%} in one goal is rarely achievable; aim for a "
                "nearer target."
            ]
    if len(draft.history) >= 2:
        largest = max(abs(b - a) for a, b in zip(draft.history, draft.history[1:], strict=False))
        if largest and abs(change) > largest * HISTORY_FACTOR * max(len(draft.history) - 1, 1):
            return [
                "The KPI's history has never moved nearly this fast; check the target "
                "against its trend."
            ]
    return []


def _relevant(draft: Draft) -> list[str]:
    hints = []
    if not draft.has_parent and not draft.mission.strip():
        hints.append(
            "Link it to a parent goal, or write the workspace's cross-departmental mission "
            "it serves."
        )
    if draft.owner_count < 1:
        hints.append("Choose at least one owner department.")
    return hints


def _time_bound(draft: Draft) -> list[str]:
    if draft.due_date is None:
        return ["Set a due date."]
    hints = []
    if draft.start_date and draft.due_date < draft.start_date:
        hints.append("The due date is before the start date.")
    if draft.period_end and draft.due_date > draft.period_end:
        hints.append(f"The due date falls after the period ends ({draft.period_end:%d %b %Y}).")
    if draft.period_start and draft.due_date < draft.period_start:
        hints.append(
            f"The due date falls before the period starts ({draft.period_start:%d %b %Y})."
        )
    return hints


def check(draft: Draft) -> SmartResult:
    hints = {
        "specific": _specific(draft),
        "measurable": _measurable(draft),
        "achievable": _achievable(draft),
        "relevant": _relevant(draft),
        "time_bound": _time_bound(draft),
    }
    return SmartResult(**{letter: not hints[letter] for letter in LETTERS}, hints_by_letter=hints)
