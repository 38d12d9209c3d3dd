"""A workspace document imported as a new workspace: parsed and checked whole, then written
in one transaction with new ids."""

import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from alignment.portability.tables import (
    FORMAT,
    PLANS,
    TARGET_TABLES,
    USER_FIELDS,
    USERS,
    VERSION,
    WORKSPACE_FIELDS,
    Plan,
)
from core.audit import audit_record
from core.models import AuditEvent
from teams.models import Membership, Role, User, Workspace
from teams.services import _unique_slug

# A document's problems are listed up to this many; the rest are counted.
MAX_ERRORS = 20
# Rows per INSERT at most (SQLite allows fewer, by its limit on query parameters).
BATCH_SIZE = 1000


class Problems:
    """The problems found in a document, as sentences for the person who uploaded it."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        self.messages.append(message)

    def raise_any(self) -> None:
        if not self.messages:
            return
        shown = self.messages[:MAX_ERRORS]
        if len(self.messages) > MAX_ERRORS:
            shown.append(f"…and {len(self.messages) - MAX_ERRORS} more problems.")
        raise ValidationError({"document": shown})


@dataclass
class Row:
    source_id: int | None  # None for the importer's membership when the document has none
    obj: models.Model
    people: dict[str, str | None] = field(default_factory=dict)  # attname: username
    refs: dict[str, int | None] = field(default_factory=dict)  # attname: source id
    own_refs: dict[str, int | None] = field(default_factory=dict)
    lists: list[list[int]] = field(default_factory=list)
    # The values the table's placeholders stand in for until the own references are set.
    held: dict[str, Any] = field(default_factory=dict)


@dataclass
class Parsed:
    workspace: dict[str, Any]
    users: list[dict[str, str]]
    tables: list[tuple[Plan, list[Row]]]


def _where(key: str, index: int, row: Any) -> str:
    ident = row.get("id") if isinstance(row, dict) else None
    return f"{key}, row {index + 1}" + (f" (id {ident})" if isinstance(ident, int) else "")


def _messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


def _value(f: models.Field, raw: Any, obj: models.Model | None = None) -> Any:
    """A field's value from the document, converted and validated as the model's own."""
    _refuse_nul(raw)
    try:
        value = f.clean(raw, obj)
    except (TypeError, ValueError):  # e.g. a number where a date belongs
        raise ValidationError(f"“{raw}” is not a valid {f.name}.") from None
    if value is None and not f.null:  # a timestamp, which validation skips (not editable)
        raise ValidationError("This field cannot be empty.")
    return value


def _refuse_nul(value: Any) -> None:
    """NUL characters, which PostgreSQL cannot store in text (nor in JSON)."""
    if isinstance(value, str):
        found = "\x00" in value
    else:
        found = isinstance(value, dict | list) and "\\u0000" in json.dumps(value)
    if found:
        raise ValidationError("NUL characters (\\u0000) cannot be stored.")


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _known(value: Any, known: set, kind: type, *, nullable: bool) -> bool:
    """Whether a reference is one of ``known`` (or a permitted None)."""
    if value is None:
        return nullable
    return isinstance(value, kind) and not isinstance(value, bool) and value in known


def _parse_header(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationError(
            {"document": f"This is not an Alignment workspace export (its format is not {FORMAT})."}
        )
    if document.get("version") != VERSION:
        raise ValidationError(
            {
                "document": f"This export has version {document.get('version')!r}; this version "
                f"of Alignment reads version {VERSION}."
            }
        )
    expected = {"format", "version", "workspace", "users"} | {plan.table.key for plan in PLANS}
    missing = sorted(expected - set(document))
    # "exported_at" only informs whoever reads the file.
    unknown = sorted(set(document) - expected - {"exported_at"})
    problems = []
    if missing:
        problems.append(f"Missing sections: {', '.join(missing)}.")
    if unknown:
        problems.append(f"Unknown sections: {', '.join(unknown)}.")
    for key in sorted(expected & set(document) - {"format", "version"}):
        wanted = dict if key == "workspace" else list
        if not isinstance(document[key], wanted):
            problems.append(f"“{key}” must be a {'JSON object' if wanted is dict else 'list'}.")
    if problems:
        raise ValidationError({"document": problems})


def _parse_workspace(raw: dict, problems: Problems) -> dict[str, Any]:
    fields = {}
    for f in WORKSPACE_FIELDS:
        if f.name in ("name", "slug"):
            fields[f.name] = raw.get(f.name)
            continue
        if f.name not in raw:
            problems.add(f"workspace: “{f.name}” is missing.")
            continue
        try:
            fields[f.name] = _value(f, raw[f.name])
        except ValidationError as error:
            problems.add(f"workspace: {f.name}: {' '.join(error.messages)}")
    unknown = sorted(set(raw) - {f.name for f in WORKSPACE_FIELDS})
    if unknown:
        problems.add(f"workspace: unknown fields {', '.join(unknown)}.")
    return fields


def _parse_users(raw: list, problems: Problems) -> list[dict[str, str]]:
    users, seen, seen_emails = [], set(), set()
    for index, person in enumerate(raw):
        where = f"users, row {index + 1}"
        if not isinstance(person, dict) or set(person) != set(USER_FIELDS):
            problems.add(f"{where}: give exactly {', '.join(USER_FIELDS)}.")
            continue
        if not all(isinstance(person[key], str) for key in USER_FIELDS):
            problems.add(f"{where}: every field must be text.")
            continue
        if any("\x00" in person[key] for key in USER_FIELDS):
            problems.add(f"{where}: NUL characters (\\u0000) cannot be stored.")
            continue
        candidate = User(**person)
        try:
            candidate.clean_fields(exclude=["password"])
        except ValidationError as error:
            for name, messages in _messages(error).items():
                problems.add(f"{where}: {name}: {' '.join(messages)}")
            continue
        email = person["email"].lower()
        if person["username"] in seen or (email and email in seen_emails):
            problems.add(f"{where}: another person has the same username or email.")
        seen.add(person["username"])
        if email:
            seen_emails.add(email)
        users.append(person)
    return users


def _parse_table(
    plan: Plan, raw: list, ids: dict[str, set[int]], usernames: set[str], problems: Problems
) -> list[Row]:
    key, model = plan.table.key, plan.table.model
    keys = set(plan.keys)
    own_ids = {row["id"] for row in raw if isinstance(row, dict) and _is_id(row.get("id"))}
    rows, seen = [], set()
    for index, data in enumerate(raw):
        where = _where(key, index, data)
        if not isinstance(data, dict):
            problems.add(f"{where}: must be a JSON object.")
            continue
        missing = [name for name in plan.keys if name not in data]
        if missing:
            problems.add(f"{where}: missing fields {', '.join(missing)}.")
            continue
        before = len(problems.messages)
        unknown = sorted(set(data) - keys)
        if unknown:
            problems.add(f"{where}: unknown fields {', '.join(unknown)}.")
        source_id = data.get("id")
        if not _is_id(source_id):
            problems.add(f"{where}: “id” must be a whole number.")
        elif source_id in seen:
            problems.add(f"{where}: the id {source_id} appears twice.")
        else:
            seen.add(source_id)
        obj = model()
        for f in plan.values:
            try:
                setattr(obj, f.attname, _value(f, data[f.name], obj))
            except ValidationError as error:
                problems.add(f"{where}: {f.name}: {' '.join(error.messages)}")
        people = {}
        for f in plan.people:
            name = data[f.name]
            if not _known(name, usernames, str, nullable=f.null):
                problems.add(f"{where}: {f.name}: “{name}” is not one of the document's users.")
            people[f.attname] = name
        refs, own_refs = {}, {}
        for f, target in [*plan.refs, *((f, key) for f in plan.own_refs)]:
            ref = data[f.name]
            known = own_ids if target == key else ids[target]
            if not _known(ref, known, int, nullable=f.null):
                problems.add(f"{where}: {f.name}: {ref!r} is not the id of a row of {target}.")
            (own_refs if target == key else refs)[f.attname] = ref
        lists = []
        for f, target in plan.lists:
            chosen = data[f.name]
            known, kind, what = (
                (usernames, str, "usernames of the document's users")
                if target == USERS
                else (ids[target], int, f"ids of rows of {target}")
            )
            if not isinstance(chosen, list) or not all(
                _known(ref, known, kind, nullable=False) for ref in chosen
            ):
                problems.add(f"{where}: {f.name}: give a list of {what}.")
                chosen = []
            lists.append(list(dict.fromkeys(chosen)))
        if len(problems.messages) == before:
            try:
                obj.clean()
            except ValidationError as error:
                for name, messages in _messages(error).items():
                    problems.add(f"{where}: {name + ': ' if name else ''}{' '.join(messages)}")
        rows.append(Row(source_id, obj, people, refs, own_refs, lists))
    _refuse_loops(plan, rows, problems)
    ids[key] = seen
    return rows


def _refuse_loops(plan: Plan, rows: list[Row], problems: Problems) -> None:
    """A goal cannot be its own ancestor, nor a proposal merged into itself through others."""
    for f in plan.own_refs:
        # Rows with ids that are not whole numbers are reported elsewhere; skip them here.
        parent = {
            row.source_id: row.own_refs[f.attname]
            for row in rows
            if _is_id(row.source_id)
            and (row.own_refs[f.attname] is None or _is_id(row.own_refs[f.attname]))
        }
        walked: dict[int, bool] = {}  # id: still on the path being walked
        for start in parent:
            path, current = [], start
            while current is not None and current not in walked:
                walked[current] = True
                path.append(current)
                current = parent.get(current)
            if current is not None and walked[current]:
                problems.add(
                    f"{plan.table.key}: the {f.name} of row id {current} leads back to it."
                )
            walked.update(dict.fromkeys(path, False))


def _parse(document: Any) -> Parsed:
    _parse_header(document)
    problems = Problems()
    workspace = _parse_workspace(document["workspace"], problems)
    users = _parse_users(document["users"], problems)
    usernames = {person["username"] for person in users}
    ids: dict[str, set[int]] = {}
    tables = [
        (plan, _parse_table(plan, document[plan.table.key], ids, usernames, problems))
        for plan in PLANS
    ]
    problems.raise_any()
    return Parsed(workspace, users, tables)


def _free_usernames(wanted: list[str]) -> dict[str, str]:
    """For each wanted username, itself if no account has it, else the first free ``name-N``."""
    taken = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    limit = User._meta.get_field("username").max_length
    suffixed = {
        name: [f"{name[: limit - 3]}-{n}" for n in range(2, 100)] for name in taken & set(wanted)
    }
    if suffixed:
        taken |= set(
            User.objects.filter(
                username__in=[candidate for names in suffixed.values() for candidate in names]
            ).values_list("username", flat=True)
        )
    chosen: dict[str, str] = {}
    for name in wanted:
        free = next((c for c in [name, *suffixed.get(name, [])] if c not in taken), None)
        if free is None:
            raise ValidationError({"document": f"Too many accounts are called {name}-N already."})
        taken.add(free)
        chosen[name] = free
    return chosen


def _link_people(users: list[dict[str, str]]) -> tuple[dict[str, User], list[User]]:
    """The account of each person in the document, by their username there; and the accounts
    created for people who had none (same email; or, without an email, same username)."""
    emails = {person["email"].lower() for person in users if person["email"]}
    by_email = {
        user.email.lower(): user
        for user in User.objects.annotate(address=Lower("email")).filter(address__in=emails)
    }
    bare = [person["username"] for person in users if not person["email"]]
    by_username = {user.username: user for user in User.objects.filter(username__in=bare)}
    linked, missing = {}, []
    for person in users:
        found = (
            by_email.get(person["email"].lower())
            if person["email"]
            else by_username.get(person["username"])
        )
        if found is None:
            missing.append(person)
        else:
            linked[person["username"]] = found
    names = _free_usernames([person["username"] for person in missing])
    created = User.objects.bulk_create(
        User(**{**person, "username": names[person["username"]]}, password=make_password(None))
        for person in missing
    )
    linked.update({person["username"]: user for person, user in zip(missing, created, strict=True)})
    return linked, created


def _insert(model: type[models.Model], objs: list[models.Model]) -> None:
    """Insert ``objs`` with their values as they are and give them their new ids.

    ``bulk_create`` would stamp ``auto_now``/``auto_now_add`` fields with the current time;
    this is the raw insert ``loaddata`` uses, a batch at a time.
    """
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    size = min(connection.ops.bulk_batch_size(fields, objs), BATCH_SIZE)
    manager = model._base_manager
    for start in range(0, len(objs), size):
        batch = objs[start : start + size]
        returned = manager._insert(
            batch,
            fields=fields,
            returning_fields=model._meta.db_returning_fields,
            raw=True,
            using=manager.db,
        )
        for obj, values in zip(batch, returned, strict=True):
            obj.pk = values[0]
            obj._state.adding = False
            obj._state.db = manager.db


def _audit_target(event: AuditEvent, workspace: Workspace, ids: dict[str, dict[int, int]]) -> None:
    """Point an activity-log entry at the new id of its target; a target that is not in the
    document keeps the negative of its old id, which no object can have."""
    new_ids = ids.get(TARGET_TABLES.get(event.target_type, ""), {})
    if event.target_type == "workspace":
        event.target_id = workspace.pk
    elif event.target_id in new_ids:
        event.target_id = new_ids[event.target_id]
    else:
        event.target_id = -abs(event.target_id)


def _write_table(
    plan: Plan,
    rows: list[Row],
    workspace: Workspace,
    people: dict[str, User],
    ids: dict[str, dict[int, int]],
    actor: User,
) -> None:
    table = plan.table
    objs = []
    for row in rows:
        obj = row.obj
        for f in plan.workspace:
            setattr(obj, f.attname, workspace.pk)
        for attname, name in row.people.items():
            setattr(obj, attname, people[name].pk if name is not None else None)
        for f, target in plan.refs:
            ref = row.refs[f.attname]
            setattr(obj, f.attname, ids[target][ref] if ref is not None else None)
        if any(ref is not None for ref in row.own_refs.values()):
            for name, value in table.placeholders.items():
                row.held[name] = getattr(obj, name)
                setattr(obj, name, value)
        if table.prepare is not None:
            table.prepare(obj)
        if table.model is AuditEvent:
            _audit_target(obj, workspace, ids)
        objs.append(obj)
    if table.model is Membership:
        mine = next((obj for obj in objs if obj.user_id == actor.pk), None)
        if mine is None:
            objs.append(Membership(workspace=workspace, user=actor, created_at=timezone.now()))
            rows = [*rows, Row(None, objs[-1], lists=[[] for _ in plan.lists])]
            mine = objs[-1]
        mine.role = Role.ADMIN
    _insert(table.model, objs)
    ids[table.key] = {row.source_id: row.obj.pk for row in rows if row.source_id is not None}
    _write_own_refs(plan, rows, ids[table.key])
    _write_lists(plan, rows, ids, people)


def _write_own_refs(plan: Plan, rows: list[Row], new_ids: dict[int, int]) -> None:
    pointing = [row for row in rows if any(v is not None for v in row.own_refs.values())]
    if not pointing:
        return
    for row in pointing:
        for attname, ref in row.own_refs.items():
            setattr(row.obj, attname, new_ids[ref] if ref is not None else None)
        for name, value in row.held.items():
            setattr(row.obj, name, value)
    plan.table.model._base_manager.bulk_update(
        [row.obj for row in pointing],
        [f.name for f in plan.own_refs] + list(plan.table.placeholders),
        batch_size=BATCH_SIZE,
    )


def _write_lists(
    plan: Plan, rows: list[Row], ids: dict[str, dict[int, int]], people: dict[str, User]
) -> None:
    for position, (f, target) in enumerate(plan.lists):
        through = f.remote_field.through
        source, other = f"{f.m2m_field_name()}_id", f"{f.m2m_reverse_field_name()}_id"
        links = [
            through(
                **{
                    source: row.obj.pk,
                    other: people[ref].pk if target == USERS else ids[target][ref],
                }
            )
            for row in rows
            for ref in row.lists[position]
        ]
        through._base_manager.bulk_create(links, batch_size=BATCH_SIZE)


def _refused(error: DataError | IntegrityError) -> ValidationError:
    """The database's refusal as a sentence: the rule's own message when the error names it."""
    text = str(error)
    for plan in PLANS:
        for constraint in plan.table.model._meta.constraints:
            if constraint.name in text:
                return ValidationError(
                    {"document": f"{plan.table.key}: {constraint.get_violation_error_message()}"}
                )
    return ValidationError({"document": f"The database refused the document: {text}"})


def workspace_import(*, document: Any, actor: User, slug: str = "", name: str = "") -> Workspace:
    """A new workspace holding everything in ``document`` (a :func:`workspace_export`), with
    ``actor`` as one of its admins; all or nothing.

    ``name`` blank keeps the document's name; ``slug`` blank is made from the name. Raises
    ValidationError naming what is wrong: ``document`` for its content, ``name`` or ``slug``
    for the new workspace's.
    """
    parsed = _parse(document)
    name = name.strip() or str(parsed.workspace.get("name") or "").strip()
    workspace = Workspace(**{**parsed.workspace, "name": name, "slug": slug or _unique_slug(name)})
    try:
        workspace.full_clean()
    except ValidationError as error:
        raise ValidationError(
            {
                key if key in ("name", "slug") else "document": messages
                for key, messages in error.message_dict.items()
            }
        ) from None
    try:
        with transaction.atomic():
            _write(parsed, workspace, actor)
    except (DataError, IntegrityError) as error:
        raise _refused(error) from None
    return workspace


def _write(parsed: Parsed, workspace: Workspace, actor: User) -> None:
    people, created = _link_people(parsed.users)
    _insert(Workspace, [workspace])
    ids: dict[str, dict[int, int]] = {}
    for plan, rows in parsed.tables:
        _write_table(plan, rows, workspace, people, ids, actor)
    for plan, rows in parsed.tables:
        if plan.table.rewrite is not None and rows:
            objs = [row.obj for row in rows]
            changed = plan.table.rewrite(objs, ids, workspace)
            plan.table.model._base_manager.bulk_update(objs, changed, batch_size=BATCH_SIZE)
    rows = sum(len(rows) for _, rows in parsed.tables)
    audit_record(
        workspace=workspace,
        actor=actor,
        verb="imported",
        target=workspace,
        summary=f"{actor} imported the workspace from an export ({rows:,} rows)",
        changes={
            "rows": rows,
            "people": len(people),
            "accounts_created": sorted(user.username for user in created),
        },
    )
