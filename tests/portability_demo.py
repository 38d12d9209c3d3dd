"""The demo workspace with a row in every exported table, and a document normalised for
comparing a round trip (tests/test_portability.py)."""

import copy
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.urls import resolve
from django.utils import timezone

from alignment.portability import PLANS
from alignment.portability.agendas import PAGES, SOURCES
from alignment.portability.tables import USERS
from alignment.seed.common import TIMEZONE
from alignment.seed.demo import demo_seed
from checkins.models import CheckIn, Reminder, ReminderPreference
from checkins.services.asks import AskDraft, ask_respond, asks_create
from conflicts.models import Conflict, ConflictReminder
from forums import outcomes
from forums.models import Decision, ForumReminder, Meeting
from goals.models import Goal
from goals.services.closing import goal_close
from integrations.services import webhook_create
from teams.models import Membership, User, Workspace
from teams.services import membership_remove
from tests import nplusone
from tests.factories import InvitationFactory, member
from workshops import commit
from workshops import services as workshop_services


def demo_with_everything() -> Workspace:
    """The demo workspace as ``seed_demo`` makes it, plus what the demo lacks: a workshop with
    a merged proposal, committed in this quarter, an ask answered, a closed shared goal of this
    quarter with its retrospective and win, a decision amended then superseded, check-in, forum
    and conflict reminders, preferences, a webhook, and a former member."""
    with nplusone.seeding_the_demo():
        workspace = demo_seed(timezone.localdate(timezone=ZoneInfo(TIMEZONE)))
    users = {user.username: user for user in User.objects.filter(memberships__workspace=workspace)}
    departments = {d.kind: d for d in workspace.departments.all()}
    period = workspace.periods.order_by("start_date")[1]
    workshop = workshop_services.workshop_create(
        workspace=workspace,
        actor=users["cmo"],
        title="Next quarter: marketing × product",
        period=period,
        departments=[departments["marketing"], departments["product"]],
        participants=[users["product.lead"], users["member"]],
    )
    proposals = [
        workshop_services.proposal_create(
            workshop=workshop,
            actor=author,
            title=title,
            owner_departments=[departments["marketing"], departments["product"]],
            metric="Trial sign-ups",
            unit="sign-ups",
            baseline=Decimal(1000),
            target=Decimal(1200 + 100 * n),
            due_date=period.end_date,
        )
        for n, (author, title) in enumerate(
            [
                (users["cmo"], "Grow trial sign-ups by 20% with the partner webinar series"),
                (users["product.lead"], "Grow trial sign-ups with a self-serve demo"),
                (users["member"], "Grow trial sign-ups by 30% with referral prompts"),
            ]
        )
    ]
    workshop_services.workshop_advance(workshop=workshop, actor=users["cmo"])
    workshop_services.comment_create(
        proposal=proposals[0], actor=users["member"], body="Zoë’s team can host the first one."
    )
    # The older proposal merges into a newer one: a reference to a later row.
    workshop_services.proposal_merge(proposal=proposals[0], into=proposals[2], actor=users["cmo"])
    workshop_services.workshop_advance(workshop=workshop, actor=users["cmo"])
    workshop_services.vote_cast(proposal=proposals[2], voter=users["product.lead"])
    workshop_services.vote_cast(proposal=proposals[1], voter=users["member"])
    workshop_services.workshop_advance(workshop=workshop, actor=users["cmo"])
    workshop_services.step_create(
        proposal=proposals[2],
        actor=users["product.lead"],
        department=departments["product"],
        title="Ship the referral prompt to every admin",
        metric="Admins reached",
        unit="%",
        baseline=Decimal(0),
        target=Decimal(100),
        due_date=period.end_date,
    )
    workshop_services.workshop_advance(workshop=workshop, actor=users["cmo"])
    commit.workshop_commit(workshop=workshop, actor=users["cmo"], proposal_ids=[proposals[2].pk])

    checkin = CheckIn.objects.filter(goal__workspace=workspace).order_by("-created_at").first()
    lead = checkin.goal.owner_departments.order_by("name").first()
    other = next(d for d in departments.values() if d != lead)
    (ask,) = asks_create(
        workspace=workspace,
        goal=checkin.goal,
        checkin=checkin,
        from_department=lead,
        actor=checkin.author,
        drafts=[
            AskDraft(to_department=other, text="Two days of design help", due_on=period.end_date)
        ],
        today=timezone.localdate(),
    )
    ask_respond(
        membership=Membership.objects.get(workspace=workspace, user=users["admin"]),
        ask=ask,
        action="commit",
        committed_on=period.end_date,
    )
    shared = Goal.objects.filter(workspace=workspace, period=period, parent=None, priority=1).get()
    goal_close(
        goal=shared,
        membership=member(users["cmo"]),
        status=Goal.Status.ACHIEVED,
        what_worked="Campaigns and demos told one story.",
        what_to_change="Start the referral prompt earlier.",
    )
    Reminder.objects.create(
        workspace=workspace,
        cycle=checkin.cycle,
        goal=checkin.goal,
        recipient=users["product.lead"],
        kind=Reminder.Kind.NUDGE,
        status=Reminder.Status.SENT,
        attempts=1,
        sent_at=timezone.now(),
    )
    meeting = Meeting.objects.filter(workspace=workspace, status=Meeting.Status.PUBLISHED).get()
    ForumReminder.objects.create(
        workspace=workspace,
        meeting=meeting,
        recipient=users["cmo"],
        kind=ForumReminder.Kind.AGENDA,
        status=ForumReminder.Status.SENT,
        attempts=1,
        sent_at=timezone.now(),
    )
    cmo = member(users["cmo"])
    decision = Decision.objects.get(workspace=workspace, meeting=meeting)
    amended = outcomes.decision_amend(
        membership=cmo,
        decision=decision,
        title=decision.title,
        rationale=decision.rationale,
        departments=[departments["marketing"], departments["product"], departments["sales"]],
        review_on=decision.review_on,
        reason="Sales runs the trial follow-up, so it is part of this.",
    )
    outcomes.decision_supersede(
        membership=cmo,
        decision=amended,
        title="Ship the checklist and a guided tour before the campaign",
        rationale="The checklist alone did not lift setup completion enough.",
        departments=[departments["marketing"], departments["product"]],
    )
    ConflictReminder.objects.create(
        workspace=workspace,
        conflict=Conflict.objects.filter(workspace=workspace).order_by("pk").first(),
        recipient=users["coo"],
        kind=ConflictReminder.Kind.ESCALATION,
    )
    ReminderPreference.objects.create(workspace=workspace, user=users["cmo"], by_email=False)
    webhook_create(
        workspace=workspace,
        actor=users["admin"],
        url="https://hooks.example.com/alignment",
        events=["goal.status_changed"],
    )
    InvitationFactory(workspace=workspace, invited_by=users["admin"])
    membership_remove(
        membership=Membership.objects.get(workspace=workspace, user=users["member"]),
        actor=users["admin"],
    )
    return workspace


def normalised(document: dict) -> dict:
    """The document with what must differ in a copy set aside: when it was exported, the
    workspace's name and slug, and ids (each replaced by the row's position in its list, also
    where an agenda keeps them in plain values)."""
    doc = copy.deepcopy(document)
    del doc["exported_at"]
    del doc["workspace"]["name"], doc["workspace"]["slug"]
    position = {
        plan.table.key: {row["id"]: n for n, row in enumerate(doc[plan.table.key])}
        for plan in PLANS
    }
    tables = {plan.table.model._meta.model_name: plan.table.key for plan in PLANS}
    for plan in PLANS:
        key = plan.table.key
        for row in doc[key]:
            row["id"] = position[key][row["id"]]
            refs = [*plan.refs, *((f, key) for f in plan.own_refs)]
            for f, target in refs:
                row[f.name] = position[target].get(row[f.name])
            for f, target in plan.lists:
                if target != USERS:
                    row[f.name] = sorted(position[target][ref] for ref in row[f.name])
    for event in doc["audit_events"]:
        table = tables.get(event["target_type"], "")
        if event["target_type"] == "workspace":
            event["target_id"] = "the workspace"
        else:
            event["target_id"] = position.get(table, {}).get(event["target_id"], "gone")
    _agendas_normalised(doc, position)
    return doc


def _agendas_normalised(doc: dict, position: dict[str, dict[int, int]]) -> None:
    def key(value: str) -> str:
        kind, _, old = value.partition(":")
        return f"{kind}:{position[SOURCES[kind]].get(int(old), 'gone')}"

    for meeting in doc["meetings"]:
        meeting["agenda_order"] = [key(k) for k in meeting["agenda_order"]]
        meeting["agenda_minutes"] = {key(k): v for k, v in meeting["agenda_minutes"].items()}
    for item in doc["agenda_items"]:
        if item["source_id"] is not None:
            item["source_id"] = position[SOURCES[item["kind"]]].get(item["source_id"], "gone")
        if item["link"]:
            match = resolve(item["link"])
            pk = match.kwargs.get("pk")
            item["link"] = (match.url_name, pk and position[PAGES[match.url_name]][pk])
