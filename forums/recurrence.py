"""When a forum meets: its cadence as an RFC 5545 rule, and the rule's occurrences.

Rules are parsed and expanded by ``python-dateutil``. Occurrences are computed on the forum's
local clock (10:00 stays 10:00 across a daylight-saving change) and then converted to UTC, which
is what the database stores.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterator

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The rule parts a custom rule may use: enough for any meeting cadence, nothing that repeats
# more often than daily.
ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def cadence_rule(cadence: str, first: dt.date) -> str:
    """The RRULE of a preset cadence, anchored on the first meeting's date."""
    weekday = WEEKDAYS[first.weekday()]
    nth = (first.day - 1) // 7 + 1
    # The fifth weekday of a month does not always exist: the last one does.
    ordinal = -1 if nth == 5 else nth
    rules = {
        "weekly": f"FREQ=WEEKLY;BYDAY={weekday}",
        "biweekly": f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}",
        "monthly_weekday": f"FREQ=MONTHLY;BYDAY={ordinal}{weekday}",
        # After the 28th, the last day of each month (not every month has a 30th).
        "monthly_day": f"FREQ=MONTHLY;BYMONTHDAY={first.day if first.day <= 28 else -1}",
        "quarterly": f"FREQ=MONTHLY;INTERVAL=3;BYDAY={ordinal}{weekday}",
    }
    return rules[cadence]


ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


def describe(cadence: str, first: dt.date, rule: str) -> str:
    """The cadence in words, e.g. "The first Tuesday of each month"."""
    weekday = first.strftime("%A")
    nth = (first.day - 1) // 7 + 1
    ordinal = ORDINALS[-1 if nth == 5 else nth]
    return {
        "weekly": f"Every {weekday}",
        "biweekly": f"Every other {weekday}",
        "monthly_weekday": f"The {ordinal} {weekday} of each month",
        "monthly_day": f"On the {_day_of_month(first.day)} of each month",
        "quarterly": f"The {ordinal} {weekday} of every third month",
    }.get(cadence, f"Custom: {rule}")


def _day_of_month(day: int) -> str:
    """5 as "5th", 22 as "22nd"; after the 28th, "last day" (see cadence_rule)."""
    if day > 28:
        return "last day"
    suffix = "th" if 10 < day < 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


# The parts a custom rule may have: enough for any meeting cadence. Nothing that repeats within
# a day (BYHOUR, BYMINUTE, BYSECOND) and no UNTIL, whose form would have to follow the start's
# timezone in the feed: a series ends with COUNT.
ALLOWED_PARTS = {"FREQ", "INTERVAL", "COUNT", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"}
MAX_INTERVAL = 52
MAX_COUNT = 500


def _bad(message: str) -> ValidationError:
    return ValidationError({"rrule": message})


def rule_clean(text: str) -> str:
    """A custom rule, normalised (no "RRULE:" prefix, upper case); else why it cannot be used.

    The rule is read part by part before dateutil sees it: dateutil would also take several
    rules or dates separated by spaces, which the calendar feed could not say.
    """
    rule = text.strip().upper().removeprefix("RRULE:")
    if not rule:
        raise _bad("Write the rule, e.g. FREQ=MONTHLY;BYDAY=1TU.")
    if any(char.isspace() for char in rule) or ":" in rule:
        raise _bad("Write one rule on one line, without spaces, e.g. FREQ=WEEKLY;BYDAY=TU.")
    parts = {}
    for part in filter(None, rule.split(";")):
        name, _, value = part.partition("=")
        if name not in ALLOWED_PARTS or not value or name in parts:
            allowed = ", ".join(sorted(ALLOWED_PARTS))
            raise _bad(f"“{part}” cannot be used here. A rule may have {allowed}, once each.")
        parts[name] = value
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise _bad("Start the rule with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.")
    for name, limit in (("INTERVAL", MAX_INTERVAL), ("COUNT", MAX_COUNT)):
        if name in parts and not (parts[name].isdecimal() and 1 <= int(parts[name]) <= limit):
            raise _bad(f"{name} is a whole number from 1 to {limit}.")
    try:
        series = rrulestr(rule, dtstart=dt.datetime(2026, 1, 1))
    except (ValueError, TypeError) as error:
        raise _bad(f"This is not a valid RFC 5545 rule ({error}).") from None
    if next(iter(series), None) is None:
        raise _bad("This rule gives no date at all (e.g. the 31st of February).")
    return rule


def occurrences(
    *,
    rule: str,
    first: dt.date,
    start: dt.time,
    zone: str,
    after: dt.datetime,
    before: dt.datetime,
) -> Iterator[dt.datetime]:
    """The rule's starts (aware, UTC) from ``after`` (inclusive) to ``before`` (exclusive)."""
    tz = zoneinfo.ZoneInfo(zone)
    series = rrulestr(rule, dtstart=dt.datetime.combine(first, start))
    local_after = after.astimezone(tz).replace(tzinfo=None) - dt.timedelta(days=1)
    for local in series.xafter(local_after, inc=True):
        moment = local.replace(tzinfo=tz).astimezone(dt.UTC)
        if moment >= before:
            return
        if moment >= after:
            yield moment
