"""Importing the staff directory from the HR and payroll system (issue 12, item 1).

`plan_import` reads the file (casework.domain.staff_import), matches each row
to a person already in Casework, by employee number and then by e-mail, and
works out what would change: people to add, details to update, leavers to
mark and departments to create. Line managers are found in the file or in
Casework, in any order. Rows that cannot be used are listed with their row
numbers. `apply_import` makes the changes in the caller's transaction, one
AdminEvent for each, and one `staff_imported` event for the whole file;
nothing is applied while there are bad rows, unless `skip_bad_rows`.

Import never deletes anyone, never changes a role and never sets a password:
people added by the import sign in through single sign-on or an invitation.
Importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import func, insert, select, update

from ..domain.policy import Role
from ..domain.staff_import import DirectoryRefused, StaffRow, line_manager_cycles, read_directory
from ..domain.text import sentences
from ..extensions import db
from ..models import AdminEvent, Department, User, utcnow
from .deadlines import london_today
from .errors import InvalidInput
from .leavers import mark_leaver

FIELDS = (
    "email",
    "name",
    "employee_number",
    "job_title",
    "department",
    "line_manager",
    "staff_type",
    "contractor_org",
    "start_date",
    "leaving_date",
)


COLUMN_OF = {"name": "first_name"}  # the name is compared when the file has names (first and last are required)


@dataclass
class PersonChange:
    row: int
    person_id: int | None  # None: a new person
    email: str
    name: str
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    leaves: bool = False


@dataclass
class ImportPlan:
    file_sha256: str
    rows: int
    problems: dict[int, list[str]]
    new_departments: list[str]
    additions: list[PersonChange]
    updates: list[PersonChange]
    leavers: list[PersonChange]
    unchanged: int
    _rows: list[StaffRow] = field(default_factory=list, repr=False)
    _values: dict = field(default_factory=dict, repr=False)

    @property
    def bad_rows(self) -> list[tuple[int, str]]:
        return [(row, sentences(messages)) for row, messages in sorted(self.problems.items())]

    @property
    def has_changes(self) -> bool:
        return bool(self.new_departments or self.additions or self.updates or self.leavers)

    def digest(self) -> str:
        """What this plan would do, as a digest: a preview confirmed later must still be what is applied."""
        changes = {
            "file": self.file_sha256,
            "departments": self.new_departments,
            "changes": [
                [c.row, c.person_id, c.before, c.after, c.leaves] for c in self.additions + self.updates + self.leavers
            ],
            "problems": self.bad_rows,
        }
        return hashlib.sha256(json.dumps(changes, sort_keys=True, default=str).encode()).hexdigest()

    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "added": len(self.additions),
            "updated": len(self.updates),
            "leavers": len(self.leavers),
            "departments_created": len(self.new_departments),
            "unchanged": self.unchanged,
            "bad_rows": len(self.problems),
        }


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def plan_import(data: bytes) -> ImportPlan:
    """What importing this file would change; raises InvalidInput when the file as a whole is refused."""
    config = current_app.config
    try:
        directory = read_directory(
            data, columns=config.get("STAFF_IMPORT_COLUMNS") or {}, max_rows=config["STAFF_IMPORT_MAX_ROWS"]
        )
    except DirectoryRefused as refused:
        raise InvalidInput(refused.message, {"file": refused.message}) from None
    except ValueError as error:  # a bad column map in the settings
        raise InvalidInput(str(error), {"file": str(error)}) from None

    people = db.session.execute(
        select(
            User.id,
            User.email,
            User.name,
            User.employee_number,
            User.job_title,
            User.department_id,
            User.line_manager_id,
            User.staff_type,
            User.contractor_org,
            User.start_date,
            User.leaving_date,
            User.active,
        )
    ).all()
    by_email = {p.email: p for p in people}
    by_number = {p.employee_number.lower(): p for p in people if p.employee_number}
    by_id = {p.id: p for p in people}
    departments = {name.lower(): name for name in db.session.scalars(select(Department.name)).all()}
    department_names = dict(db.session.execute(select(Department.id, Department.name)).all())

    # Match each row to a person
    matched: dict[int, User | None] = {}
    for row in directory.rows:
        number_match = by_number.get(row.employee_number.lower()) if row.employee_number else None
        email_match = by_email.get(row.email) if row.email else None
        if number_match is not None and email_match is not None and number_match.id != email_match.id:
            directory.refuse_row(
                row.row,
                f"the e-mail {row.email} belongs to {email_match.name}, but employee number "
                f"{row.employee_number} to {number_match.name}",
            )
        elif (
            number_match is None
            and email_match is not None
            and email_match.employee_number
            and email_match.employee_number.lower() != row.employee_number.lower()
        ):
            directory.refuse_row(
                row.row,
                f"the e-mail {row.email} belongs to employee number {email_match.employee_number} in Casework",
            )
        matched[row.row] = number_match or email_match

    rows_by_email = {r.email: r for r in directory.rows if r.email}
    rows_by_number = {r.employee_number.lower(): r for r in directory.rows if r.employee_number}
    row_of_person = {p.id: r.row for r in directory.rows if (p := matched.get(r.row)) is not None}

    # Line managers: each row's manager is another row of the file, or someone in Casework
    manager_of: dict[int, tuple[str, int]] = {}  # row → ("row", n) or ("user", id)
    for row in directory.rows:
        if not row.line_manager:
            continue
        text = row.line_manager
        in_file = rows_by_email.get(text) if "@" in text else rows_by_number.get(text)
        if in_file is not None:
            manager_of[row.row] = ("row", in_file.row)
            continue
        known = by_email.get(text) if "@" in text else by_number.get(text)
        if known is None:
            directory.refuse_row(row.row, f"the line manager {text} is neither in the file nor in Casework")
        elif known.id in row_of_person:  # known by another e-mail or number, and in the file too
            manager_of[row.row] = ("row", row_of_person[known.id])
        else:
            manager_of[row.row] = ("user", known.id)

    # Nobody may end up above themselves: the file's lines, and Casework's for people not in the file
    graph: dict[str, str | None] = {}
    for row in directory.rows:
        target = manager_of.get(row.row)
        graph[f"row:{row.row}"] = None if target is None else f"{target[0]}:{target[1]}"
    for person in people:
        if person.id in row_of_person or person.line_manager_id is None:
            continue
        manager_row = row_of_person.get(person.line_manager_id)
        graph[f"user:{person.id}"] = (
            f"row:{manager_row}" if manager_row is not None else f"user:{person.line_manager_id}"
        )
    for cycle in line_manager_cycles(graph):
        looped = sorted(int(key[4:]) for key in cycle if key.startswith("row:"))
        for number in looped:
            others = ", ".join(str(n) for n in looped if n != number)
            directory.refuse_row(
                number,
                "the line managers go round in a loop"
                + (
                    f" (with row {others})"
                    if others
                    else " (through people already in Casework)"
                    if len(cycle) > 1
                    else " (their own manager)"
                ),
            )

    # A row whose line manager is on a row that cannot be imported cannot be either
    changed = True
    while changed:
        changed = False
        for row in directory.rows:
            target = manager_of.get(row.row)
            if row.row in directory.problems or target is None or target[0] != "row":
                continue
            if target[1] in directory.problems:
                directory.refuse_row(row.row, f"their line manager is on row {target[1]}, which cannot be imported")
                changed = True

    # What would change
    today = london_today()
    plan = ImportPlan(
        file_sha256=hashlib.sha256(data).hexdigest(),
        rows=len(directory.rows) + len([n for n in directory.problems if n not in {r.row for r in directory.rows}]),
        problems=directory.problems,
        new_departments=[],
        additions=[],
        updates=[],
        leavers=[],
        unchanged=0,
    )
    good = directory.good_rows
    row_email = {r.row: r.email for r in directory.rows}
    new_department_names: dict[str, str] = {}
    for row in good:
        if row.department and row.department.lower() not in departments:
            new_department_names.setdefault(row.department.lower(), row.department)
    plan.new_departments = sorted(new_department_names.values(), key=str.lower)

    # A column the file does not have leaves that detail as it is in Casework
    compared = [name for name in FIELDS if COLUMN_OF.get(name, name) in directory.columns]
    for row in good:
        person = matched.get(row.row)
        target = manager_of.get(row.row)
        manager_email = None
        if target is not None:
            manager_email = row_email[target[1]] if target[0] == "row" else by_id[target[1]].email
        department = departments.get((row.department or "").lower())
        values = {
            "email": row.email,
            "name": row.name,
            "employee_number": row.employee_number,
            "job_title": row.job_title,
            "department": department or new_department_names.get((row.department or "").lower()),
            "line_manager": manager_email,
            "staff_type": row.staff_type,
            "contractor_org": row.contractor_org,
            "start_date": _plain(row.start_date),
            "leaving_date": _plain(row.leaving_date),
        }
        plan._values[row.row] = values
        gone = row.leaving_date is not None and row.leaving_date <= today
        if person is None:
            change = PersonChange(row.row, None, row.email, row.name, after=values, leaves=gone)
            plan.additions.append(change)
            continue
        current = {
            "email": person.email,
            "name": person.name,
            "employee_number": person.employee_number,
            "job_title": person.job_title,
            "department": department_names.get(person.department_id),
            "line_manager": by_id[person.line_manager_id].email if person.line_manager_id else None,
            "staff_type": person.staff_type,
            "contractor_org": person.contractor_org,
            "start_date": _plain(person.start_date),
            "leaving_date": _plain(person.leaving_date),
        }
        names = [name for name in compared if current[name] != values[name]]
        leaves = gone and person.active
        if names or leaves:
            change = PersonChange(
                row.row,
                person.id,
                row.email,
                row.name,
                before={n: current[n] for n in names},
                after={n: values[n] for n in names},
                leaves=leaves,
            )
            if names:
                plan.updates.append(change)
            if leaves:
                plan.leavers.append(change)
        else:
            plan.unchanged += 1
    plan._rows = good
    return plan


def apply_import(plan: ImportPlan, *, actor: User | None, skip_bad_rows: bool = False) -> dict:
    """Make the plan's changes in the current transaction (the caller commits). Returns the summary.

    Refused (InvalidInput) while the plan has bad rows, unless `skip_bad_rows`.
    """
    if plan.problems and not skip_bad_rows:
        count = len(plan.problems)
        message = f"{count} row{'' if count == 1 else 's'} cannot be imported: nothing was changed"
        raise InvalidInput(message, {"file": message})
    if not plan.has_changes:
        return plan.summary()
    now = utcnow()
    actor_id = actor.id if actor is not None else None
    events: list[dict] = []

    def event(action, target_type, target_id, target, before=None, after=None, **details):
        events.append(
            {
                "at": now,
                "actor_id": actor_id,
                "action": action,
                "target_type": target_type,
                "target_id": target_id,
                "data": {"target": target, "before": before or {}, "after": after or {}, "source": "import", **details},
            }
        )

    departments = {d.name.lower(): d for d in db.session.scalars(select(Department)).all()}
    for name in plan.new_departments:
        department = Department(name=name)
        db.session.add(department)
        departments[name.lower()] = department
    db.session.flush()
    for name in plan.new_departments:
        department = departments[name.lower()]
        event("department_created", "department", department.id, department.name, after={"name": department.name})

    def department_id(name):
        return departments[name.lower()].id if name else None

    # Details of people already here first (an e-mail may move), then the new people, managers before
    # the people they manage, so that each row is written once with its line manager
    updates = []
    for change in plan.updates:
        values = {"id": change.person_id}
        for name, value in change.after.items():
            if name == "department":
                values["department_id"] = department_id(value)
            elif name in ("start_date", "leaving_date"):
                values[name] = _date(value)
            elif name != "line_manager":
                values[name] = value
        if len(values) > 1:
            updates.append(values)
    _bulk_update(updates)
    ids = dict(db.session.execute(select(User.email, User.id)).all())
    for level in _levels(plan.additions):
        rows = [
            {
                "email": c.after["email"],
                "name": c.after["name"],
                "role": Role.EMPLOYEE.value,
                "staff_type": c.after["staff_type"],
                "department_id": department_id(c.after["department"]),
                "line_manager_id": ids[c.after["line_manager"]] if c.after["line_manager"] else None,
                "contractor_org": c.after["contractor_org"],
                "employee_number": c.after["employee_number"],
                "job_title": c.after["job_title"],
                "start_date": _date(c.after["start_date"]),
                "leaving_date": _date(c.after["leaving_date"]),
                "active": not c.leaves,
                "left_at": now if c.leaves else None,
                "password_hash": None,
                "created_at": now,
            }
            for c in level
        ]
        table = User.__table__
        ids.update(db.session.execute(insert(table).returning(table.c.email, table.c.id), rows).all())
    _bulk_update(
        [
            {"id": c.person_id, "line_manager_id": ids[c.after["line_manager"]] if c.after["line_manager"] else None}
            for c in plan.updates
            if "line_manager" in c.after
        ]
    )

    for change in plan.additions:
        values = change.after
        event(
            "person_added",
            "user",
            ids[values["email"]],
            f"{values['name']} ({values['email']})",
            after={**values, "role": Role.EMPLOYEE.value, "can_sign_in": False, "active": not change.leaves},
            row=change.row,
        )
    for change in plan.updates:
        event(
            "person_updated",
            "user",
            change.person_id,
            f"{change.name} ({change.email})",
            before=change.before,
            after=change.after,
            row=change.row,
        )
    if events:
        db.session.execute(insert(AdminEvent), events)
    db.session.expire_all()
    for change in plan.leavers:
        person = db.session.get(User, change.person_id)
        mark_leaver(
            actor, person, leaving_date=person.leaving_date, action="person_left", source="import", row=change.row
        )
    summary = plan.summary()
    db.session.execute(
        insert(AdminEvent),
        [
            {
                "at": now,
                "actor_id": actor_id,
                "action": "staff_imported",
                "target_type": "import",
                "target_id": None,
                "data": {
                    "target": f"Staff directory {plan.file_sha256[:12]}",
                    "before": {},
                    "after": {},
                    "file_sha256": plan.file_sha256,
                    "bad_rows_skipped": sorted(plan.problems),
                    **summary,
                },
            }
        ],
    )
    db.session.flush()
    return summary


def _levels(additions: list[PersonChange]) -> list[list[PersonChange]]:
    """New people in rounds: those whose line manager is not new, then those managed by the first round, ..."""
    new = {c.after["email"]: c for c in additions}
    depth: dict[str, int] = {}

    def depth_of(email: str) -> int:
        path = []
        while email not in depth:
            manager = new[email].after["line_manager"]
            if manager not in new or manager in path or manager == email:  # loops were refused by the plan
                depth[email] = 0
                break
            path.append(email)
            email = manager
        level = depth[email]
        for person in reversed(path):
            level += 1
            depth[person] = level
        return depth[path[0]] if path else depth[email]

    rounds: dict[int, list[PersonChange]] = {}
    for change in additions:
        rounds.setdefault(depth_of(change.after["email"]), []).append(change)
    return [rounds[level] for level in sorted(rounds)]


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _bulk_update(rows: list[dict]) -> None:
    """UPDATE users by id, grouped by the columns each row sets."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for rows_alike in groups.values():
        db.session.execute(update(User), rows_alike)


def people_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0
