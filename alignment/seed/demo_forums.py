"""The demo's forums: the CMO's monthly forum of marketing, sales and product, the bi-weekly
marketing–product sync, and the quarterly partner review with the agency's guest (the agency is
in the partner registry, with a thank-you note).

The monthly forum met last month: its record has attendance, minutes, a decision with a review
date and two action items (one overdue), and what was not discussed carried forward to the
next meeting, whose agenda the data already fills (goals at risk, open asks).
"""

import datetime as dt

from django.utils import timezone

from alignment.seed.demo_goals import Demo
from forums import outcomes, partners, services
from forums.models import ActionItem, Forum, Partner, PartnerNote

MINUTES = """**Present:** Claire, Sam, Priya, Maya.

- Trial sign-ups are behind plan; product will ship the onboarding checklist before the
  campaign, not after.
- Sales asked for a case study per segment of our ICP; marketing takes it on.
- The brand budget question needs the COO: carried forward to the next forum.
"""


def _weekday_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _monthly_forum(demo: Demo, today: dt.date) -> Forum:
    cmo = demo.memberships["cmo"]
    # The last first Tuesday of a month before today: the one meeting in the past.
    month = today.replace(day=1)
    first = _weekday_after(month, 1)
    if first >= today:
        first = _weekday_after((month - dt.timedelta(days=1)).replace(day=1), 1)
    forum = services.forum_create(
        membership=cmo,
        name="CMO forum",
        purpose="Marketing, sales and product leaders review the shared goals and decide what "
        "needs deciding, once a month.",
        departments=[demo.departments[k] for k in ("marketing", "sales", "product")],
        facilitator=demo.users["cmo"],
        first_date=first,
        start_time=dt.time(10, 0),
        duration_minutes=60,
        cadence=Forum.Cadence.MONTHLY_WEEKDAY,
    )
    services.meetings_plan(
        forum=forum, after=timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    )
    return forum


def _past_meeting(demo: Demo, forum: Forum, today: dt.date) -> None:
    """Run last month's meeting: topics, outcomes, minutes, published."""
    cmo = demo.memberships["cmo"]
    meeting = forum.meetings.filter(starts_at__lt=timezone.now()).order_by("-starts_at").first()
    if meeting is None:
        return
    launch = services.topic_add(
        membership=cmo, meeting=meeting, title="Onboarding checklist before the campaign?"
    )
    services.topic_add(
        membership=demo.memberships["sales.lead"],
        meeting=meeting,
        title="Case studies per segment",
    )
    services.topic_add(
        membership=demo.memberships["marketing.lead"],
        meeting=meeting,
        title="Brand budget for next quarter",
    )
    services.meeting_start(membership=cmo, meeting=meeting)
    services.attendance_record(
        membership=cmo,
        meeting=meeting,
        present=[
            demo.users[person].pk
            for person in ("cmo", "sales.lead", "product.lead", "marketing.lead")
        ],
    )
    items = {item.title: item for item in meeting.items.all()}
    services.item_record(
        membership=cmo,
        item=launch,
        discussed=True,
        notes="Product ships the checklist first.",
    )
    services.item_record(
        membership=cmo,
        item=items["Case studies per segment"],
        discussed=True,
        notes="Marketing writes them.",
    )
    outcomes.decision_record(
        membership=cmo,
        item=launch,
        title="Ship the onboarding checklist before the trial campaign starts",
        rationale="Half of the trial sign-ups from the last campaign never finished setup; "
        "sending more people into the same gap wastes the budget.",
        decided_by=demo.users["cmo"],
        departments=[demo.departments["marketing"], demo.departments["product"]],
        review_on=today + dt.timedelta(days=45),
    )
    outcomes.action_create(
        membership=cmo,
        item=launch,
        title="Ship the onboarding checklist",
        owner=demo.users["product.lead"],
        department=demo.departments["product"],
        due_on=today + dt.timedelta(days=10),
    )
    action = outcomes.action_create(
        membership=cmo,
        item=items["Case studies per segment"],
        title="Write a case study for each retail segment",
        owner=demo.users["marketing.lead"],
        department=demo.departments["marketing"],
        due_on=today,
    )
    # Due a week ago (the service refuses a date in the past): the next agenda lists it.
    ActionItem.objects.filter(pk=action.pk).update(due_on=today - dt.timedelta(days=7))
    services.minutes_save(
        membership=cmo, meeting=meeting, minutes=MINUTES, shared_with_guests=False
    )
    services.meeting_end(membership=cmo, meeting=meeting)
    services.minutes_publish(membership=cmo, meeting=meeting)


def demo_forums(demo: Demo, today: dt.date) -> None:
    forum = _monthly_forum(demo, today)
    _past_meeting(demo, forum, today)
    services.forum_create(
        membership=demo.memberships["cmo"],
        name="Marketing and product sync",
        purpose="Launch dates, campaign timing and what product needs from marketing.",
        departments=[demo.departments["marketing"], demo.departments["product"]],
        facilitator=demo.users["marketing.lead"],
        first_date=_weekday_after(today + dt.timedelta(days=1), 3),
        start_time=dt.time(14, 0),
        duration_minutes=30,
        cadence=Forum.Cadence.BIWEEKLY,
    )
    agency = partners.partner_create(
        membership=demo.memberships["cmo"],
        name="Northwind Creative",
        kind=Partner.Kind.AGENCY,
        department=demo.departments["marketing"],
        contacts="Pat Kelly, partner@acme.example, account director",
        health=Partner.Health.WATCH,
        notes="Runs our paid social and the launch videos. Turnaround slipped in Q3.",
    )
    partners.partner_note_add(
        membership=demo.memberships["cmo"],
        partner=agency,
        kind=PartnerNote.Kind.THANKS,
        body="Thank you for turning the launch video around in a week.",
    )
    services.forum_create(
        membership=demo.memberships["cmo"],
        partner=agency,
        name="Quarterly partner review",
        purpose="With our agency: what the joint campaigns brought, and what comes next.",
        departments=[demo.departments["marketing"]],
        facilitator=demo.users["cmo"],
        guests=[demo.users["partner"]],
        first_date=_weekday_after(today + dt.timedelta(days=20), 2),
        start_time=dt.time(15, 0),
        duration_minutes=90,
        cadence=Forum.Cadence.QUARTERLY,
    )
