"""What a workspace document holds: its format, and the tables in order with how each is
read and written (see the package docstring)."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from alignment.portability.agendas import items_rewrite, meetings_rewrite
from checkins.models import Ask, CheckIn, Cycle, Reminder, ReminderPreference
from conflicts.models import (
    Acknowledgement,
    Conflict,
    ConflictReminder,
    DecisionEvidence,
    Evidence,
    Position,
)
from core.models import AuditEvent
from core.outbox import OutboxRow
from forums.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    DecisionRevision,
    Forum,
    ForumReminder,
    Meeting,
    Partner,
    PartnerNote,
)
from glossary.models import Term
from goals.models import KPI, Goal, Measurement, Period, Retrospective, Win
from health.models import PulseAnswer
from integrations.models import Webhook
from teams.models import Department, Membership, User, Workspace
from workshops.models import Proposal, ProposalComment, Step, Vote, Workshop, WorkshopParticipant

FORMAT = "alignment-workspace"
VERSION = 1
USER_FIELDS = ("username", "email", "first_name", "last_name")
# The "table" a list of people refers to: its entries are usernames, like a person field's.
USERS = "users"


def _pause_webhook(webhook: Webhook) -> None:
    webhook.secret = secrets.token_hex(32)
    webhook.active = False


def _cancel_unsent(reminder: OutboxRow) -> None:
    """The original workspace sends what was due; its copy must not send it again."""
    if reminder.status in (OutboxRow.Status.PENDING, OutboxRow.Status.SENDING):
        reminder.status = OutboxRow.Status.CANCELLED


@dataclass(frozen=True)
class Table:
    """One kind of object in the document."""

    key: str
    model: type[models.Model]
    # The lookup from a row to its workspace.
    scope: str
    # Fields the document leaves out; ``prepare`` (or ``rewrite``) sets them on import.
    left_out: tuple[str, ...] = ()
    prepare: Callable[[Any], None] | None = None
    # What a row holds until its references to rows of its own table are set (after the
    # insert), where a check constraint ties another field to them.
    placeholders: dict[str, Any] = field(default_factory=dict)
    # References kept in plain values (not foreign keys): rewritten once every row of the
    # import has its new id; returns the fields it changed (see alignment.portability.agendas).
    rewrite: Callable[[list, dict[str, dict[int, int]], Workspace], tuple[str, ...]] | None = None


def _period_starts(
    goals: list[Goal], ids: dict[str, dict[int, int]], workspace: Workspace
) -> tuple[str, ...]:
    """``Goal.period_start`` copies the start date of the goal's period (the goal list's sort
    key): derived, so the document leaves it out and the import sets it from the periods."""
    starts = dict(Period.objects.filter(workspace=workspace).values_list("pk", "start_date"))
    for goal in goals:
        goal.period_start = starts.get(goal.period_id)
    return ("period_start",)


# In the order of the import: each table refers only to tables above it (checked below).
TABLES = (
    Table("departments", Department, "workspace"),
    Table("memberships", Membership, "workspace"),
    Table("periods", Period, "workspace"),
    Table("kpis", KPI, "workspace"),
    Table("measurements", Measurement, "kpi__workspace"),
    Table("goals", Goal, "workspace", left_out=("period_start",), rewrite=_period_starts),
    Table("retrospectives", Retrospective, "workspace"),
    Table("wins", Win, "workspace"),
    Table("cycles", Cycle, "workspace"),
    Table("checkins", CheckIn, "cycle__workspace"),
    Table("asks", Ask, "workspace"),
    Table("reminders", Reminder, "workspace", prepare=_cancel_unsent),
    Table("reminder_preferences", ReminderPreference, "workspace"),
    Table("workshops", Workshop, "workspace"),
    Table("workshop_participants", WorkshopParticipant, "workshop__workspace"),
    Table(
        "proposals",
        Proposal,
        "workshop__workspace",
        placeholders={"status": Proposal.Status.ACTIVE},
    ),
    Table("proposal_comments", ProposalComment, "proposal__workshop__workspace"),
    Table("votes", Vote, "workshop__workspace"),
    Table("steps", Step, "proposal__workshop__workspace"),
    Table("partners", Partner, "workspace"),
    Table("partner_notes", PartnerNote, "partner__workspace"),
    # A copy's forums are new calendars: a new iCalendar UID and a new feed key (the key is a
    # credential, and calendar clients would merge two forums with the same UID).
    Table("forums", Forum, "workspace", left_out=("ical_uid", "feed_key")),
    Table("meetings", Meeting, "workspace", rewrite=meetings_rewrite),
    Table("agenda_items", AgendaItem, "meeting__workspace", rewrite=items_rewrite),
    Table("attendance", Attendance, "meeting__workspace"),
    Table("decisions", Decision, "workspace"),
    Table("decision_revisions", DecisionRevision, "decision__workspace"),
    Table("actions", ActionItem, "workspace"),
    Table("forum_reminders", ForumReminder, "workspace", prepare=_cancel_unsent),
    Table("conflicts", Conflict, "workspace"),
    Table("positions", Position, "conflict__workspace"),
    Table("evidence", Evidence, "position__conflict__workspace"),
    Table("evidence_snapshots", DecisionEvidence, "conflict__workspace"),
    Table("acknowledgements", Acknowledgement, "conflict__workspace"),
    Table("conflict_reminders", ConflictReminder, "workspace", prepare=_cancel_unsent),
    Table("glossary_terms", Term, "workspace"),
    Table("pulse_answers", PulseAnswer, "workspace"),
    Table("webhooks", Webhook, "workspace", left_out=("secret",), prepare=_pause_webhook),
    Table("audit_events", AuditEvent, "workspace"),
)


@dataclass(frozen=True)
class Plan:
    """How a table's fields travel: plain values, people, references and reference lists."""

    table: Table
    values: tuple[models.Field, ...]
    workspace: tuple[models.ForeignKey, ...]
    people: tuple[models.ForeignKey, ...]
    refs: tuple[tuple[models.ForeignKey, str], ...]  # (field, key of the table it points to)
    own_refs: tuple[models.ForeignKey, ...]  # references to rows of the same table
    # (field, key of the table it points to, or USERS for a list of people by username)
    lists: tuple[tuple[models.ManyToManyField, str], ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return (
            "id",
            *(f.name for f in self.values),
            *(f.name for f in self.people),
            *(f.name for f, _ in self.refs),
            *(f.name for f in self.own_refs),
            *(f.name for f, _ in self.lists),
        )


def _plan(table: Table, earlier: dict[type[models.Model], str]) -> Plan:
    values, workspace, people, refs, own_refs, lists = [], [], [], [], [], []
    for f in table.model._meta.concrete_fields:
        if f.primary_key or f.name in table.left_out:
            continue
        target = f.related_model
        if target is None:
            values.append(f)
        elif target is Workspace:
            workspace.append(f)
        elif target is User:
            people.append(f)
        elif target is table.model:
            own_refs.append(f)
        elif target in earlier:
            refs.append((f, earlier[target]))
        else:
            raise ImproperlyConfigured(
                f"{table.key}.{f.name} refers to {target.__name__}, which is not in a table "
                "listed before it in alignment.portability.TABLES."
            )
    for f in table.model._meta.many_to_many:
        if f.related_model is User:
            lists.append((f, USERS))
            continue
        if f.related_model not in earlier:
            raise ImproperlyConfigured(f"{table.key}.{f.name}: its rows are not exported before.")
        lists.append((f, earlier[f.related_model]))
    return Plan(
        table,
        tuple(values),
        tuple(workspace),
        tuple(people),
        tuple(refs),
        tuple(own_refs),
        tuple(lists),
    )


def _plans() -> tuple[Plan, ...]:
    earlier: dict[type[models.Model], str] = {}
    plans = []
    for table in TABLES:
        plans.append(_plan(table, earlier))
        earlier[table.model] = table.key
    return tuple(plans)


PLANS = _plans()
# An activity-log entry's target_type (a model name) -> the table of its targets.
TARGET_TABLES = {plan.table.model._meta.model_name: plan.table.key for plan in PLANS}
WORKSPACE_FIELDS = tuple(f for f in Workspace._meta.concrete_fields if not f.primary_key)
