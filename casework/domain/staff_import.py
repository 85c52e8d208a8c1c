"""Reading a staff directory exported from the HR and payroll system (issue 12, item 1).

Pure rules, no database: `read_directory` turns the bytes of a CSV file into
one `StaffRow` per person, and lists every row it cannot use with its row
number and why. `line_manager_cycles` finds people who would end up managing
themselves. The service (casework.services.staff_import) matches the rows to
the people already known and applies the changes.

Row numbers are the file's line numbers as a spreadsheet shows them: the
heading is row 1, the first person row 2.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from .intake import BIDI_CONTROLS
from .policy import STAFF_TYPE_LABELS, StaffType

# Each field of a person, and the headings HR systems give it (compared without case, spaces or punctuation).
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "employee_number": ("Employee number", "Employee no", "Employee ID", "Staff number", "Payroll number"),
    "email": ("E-mail", "Email", "Email address", "Work email", "Work e-mail"),
    "first_name": ("First name", "Forename", "Given name"),
    "last_name": ("Last name", "Surname", "Family name"),
    "job_title": ("Job title", "Position", "Post title"),
    "department": ("Department", "Service area", "Service"),
    "line_manager": ("Line manager", "Manager", "Line manager employee number", "Line manager e-mail"),
    "staff_type": ("Staff type", "Worker type", "Employment type"),
    "contractor_org": ("Contractor organisation", "Contractor", "Agency or contractor", "Company"),
    "start_date": ("Start date", "Date started"),
    "leaving_date": ("Leaving date", "End date", "Date left"),
}
REQUIRED = ("employee_number", "email", "first_name", "last_name")
FIELD_WORDS = {
    "employee_number": "employee number",
    "email": "e-mail",
    "first_name": "first name",
    "last_name": "last name",
    "job_title": "job title",
    "department": "department",
    "line_manager": "line manager",
    "staff_type": "staff type",
    "contractor_org": "contractor organisation",
    "start_date": "start date",
    "leaving_date": "leaving date",
}
LIMITS = {
    "employee_number": 50,
    "email": 254,
    "first_name": 100,
    "last_name": 100,
    "job_title": 200,
    "department": 120,
    "line_manager": 254,
    "staff_type": 40,
    "contractor_org": 200,
    "start_date": 20,
    "leaving_date": 20,
}
CELL_MAX = 1000  # any cell longer than this is not a directory entry
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

STAFF_TYPE_WORDS = {
    **{t.value: t.value for t in StaffType},
    **{label.lower(): code.value for code, label in STAFF_TYPE_LABELS.items()},
    "permanent": StaffType.EMPLOYEE.value,
    "fixed term": StaffType.EMPLOYEE.value,
    "agency": StaffType.AGENCY.value,
    "casual": StaffType.CASUAL.value,
}
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
UK_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
# Control characters (tabs and line breaks included: a name is one line) and bidirectional formatting
UNWANTED = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(BIDI_CONTROLS) + "]")


class DirectoryRefused(Exception):
    """The file as a whole cannot be read: nothing in it is used."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class StaffRow:
    """One person as the directory gives them."""

    row: int
    employee_number: str
    email: str
    name: str
    job_title: str | None = None
    department: str | None = None
    line_manager: str | None = None  # an employee number or an e-mail
    staff_type: str = StaffType.EMPLOYEE.value
    contractor_org: str | None = None
    start_date: date | None = None
    leaving_date: date | None = None


@dataclass
class Directory:
    rows: list[StaffRow] = field(default_factory=list)
    problems: dict[int, list[str]] = field(default_factory=dict)  # row number → what is wrong
    columns: set[str] = field(default_factory=set)  # the fields the file has a column for

    def refuse_row(self, row: int, message: str) -> None:
        self.problems.setdefault(row, [])
        if message not in self.problems[row]:
            self.problems[row].append(message)

    @property
    def good_rows(self) -> list[StaffRow]:
        return [r for r in self.rows if r.row not in self.problems]


def _key(heading: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (heading or "").lower())


def column_map(configured: Mapping[str, str | Iterable[str]] | None = None) -> dict[str, tuple[str, ...]]:
    """The headings to look for: the defaults, with STAFF_IMPORT_COLUMNS (field → heading or headings) first."""
    columns = dict(DEFAULT_COLUMNS)
    for name, headings in (configured or {}).items():
        if name not in DEFAULT_COLUMNS:
            known = ", ".join(DEFAULT_COLUMNS)
            raise ValueError(f"STAFF_IMPORT_COLUMNS names an unknown field {name!r}; known: {known}")
        extra = (headings,) if isinstance(headings, str) else tuple(headings)
        columns[name] = extra + columns[name]
    return columns


def decode(data: bytes) -> str:
    """The file as text: UTF-8, with or without Excel's byte order mark; anything else is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DirectoryRefused(
            f"The file is not UTF-8 text (row {line} has a character in another encoding, such as Excel's "
            "Windows-1252). Save it again as “CSV UTF-8 (comma delimited)” and upload that."
        ) from None
    if "\x00" in text:
        raise DirectoryRefused("The file is not a CSV text file: it contains binary data.")
    return text


def _find_columns(header: list[str], columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    keys = [_key(h) for h in header]
    found: dict[str, int] = {}
    for name, headings in columns.items():
        for heading in headings:
            wanted = _key(heading)
            if wanted in keys:
                index = keys.index(wanted)
                if index not in found.values():
                    found[name] = index
                    break
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        words = " and ".join(f"“{columns[name][0]}”" for name in missing)
        raise DirectoryRefused(
            f"The file's first row must be the column headings; it has no column for {words}. "
            "Name the columns as the README describes, or map them in STAFF_IMPORT_COLUMNS."
        )
    return found


def parse_date(text: str) -> date:
    """A date as 2026-03-31 or, as UK spreadsheets write it, 31/03/2026; ValueError otherwise."""
    if match := ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := UK_DATE.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise ValueError(text)
    return date(int(year), int(month), int(day))


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _email_ok(email: str) -> bool:
    return len(email) <= 254 and EMAIL.fullmatch(email) is not None


def read_directory(
    data: bytes,
    *,
    columns: Mapping[str, str | Iterable[str]] | None = None,
    max_rows: int = 50_000,
) -> Directory:
    """Every person row of a staff directory CSV, and every problem by row number.

    Refuses the whole file (DirectoryRefused) when it is not UTF-8 text, has
    no heading row with the required columns, or has more than `max_rows`
    rows. Per row: a cell that looks like a spreadsheet formula, a cell too
    long, an invalid e-mail, date or staff type, a contractor with no
    organisation, a leaving date before the start date, and a duplicate
    e-mail or employee number (every row that shares it).
    """
    mapping = column_map(columns)
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    directory = Directory()
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise DirectoryRefused("The file is empty: it needs a heading row and a row for each person.")
        found = _find_columns(header, mapping)
        directory.columns = set(found)
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(directory.rows) + len(directory.problems) >= max_rows:
                raise DirectoryRefused(
                    f"The file has more than {max_rows:,} people. Split it, or raise STAFF_IMPORT_MAX_ROWS."
                )
            _read_row(directory, reader.line_num, record, found)
    except csv.Error as error:
        raise DirectoryRefused(
            f"Row {reader.line_num} cannot be read as CSV ({error}). "
            "Check for a stray quotation mark or a very long cell."
        ) from None
    _mark_duplicates(directory)
    return directory


def _read_row(directory: Directory, number: int, record: list[str], found: dict[str, int]) -> None:
    values: dict[str, str] = {}
    bad = False
    for name, index in found.items():
        cell = record[index] if index < len(record) else ""
        if len(cell) > CELL_MAX:
            directory.refuse_row(number, f"the {FIELD_WORDS[name]} is {len(cell):,} characters long")
            bad = True
            continue
        if cell.startswith(FORMULA_STARTS):
            directory.refuse_row(
                number, f"the {FIELD_WORDS[name]} looks like a spreadsheet formula (it starts with {cell[0]!r})"
            )
            bad = True
            continue
        cell = cell.strip()
        if len(cell) > LIMITS[name]:
            directory.refuse_row(number, f"the {FIELD_WORDS[name]} must be {LIMITS[name]} characters or fewer")
            bad = True
        elif UNWANTED.search(cell):
            directory.refuse_row(number, f"the {FIELD_WORDS[name]} contains control or formatting characters")
            bad = True
        values[name] = cell
    for name in REQUIRED:
        if name in values and not values[name]:
            directory.refuse_row(number, f"the {FIELD_WORDS[name]} is missing")
            bad = True
    email = values.get("email", "").lower()
    if email and not _email_ok(email):
        directory.refuse_row(number, f"“{email}” is not an e-mail address")
        bad = True
    staff_type_text = values.get("staff_type", "")
    staff_type = StaffType.EMPLOYEE.value
    if staff_type_text:
        staff_type = STAFF_TYPE_WORDS.get(staff_type_text.lower())
        if staff_type is None:
            known = ", ".join(t.value for t in StaffType)
            directory.refuse_row(number, f"“{staff_type_text}” is not a staff type (use one of: {known})")
            bad = True
    dates: dict[str, date | None] = {}
    for name in ("start_date", "leaving_date"):
        dates[name] = None
        if values.get(name):
            try:
                dates[name] = parse_date(values[name])
            except ValueError:
                directory.refuse_row(
                    number, f"the {FIELD_WORDS[name]} “{values[name]}” is not a date (use 2026-03-31 or 31/03/2026)"
                )
                bad = True
    if dates["start_date"] and dates["leaving_date"] and dates["leaving_date"] < dates["start_date"]:
        directory.refuse_row(number, "the leaving date is before the start date")
        bad = True
    if staff_type == StaffType.CONTRACTOR and not values.get("contractor_org"):
        directory.refuse_row(number, "a contractor needs their contractor organisation")
        bad = True
    if bad and number in directory.problems and not values.get("email") and not values.get("employee_number"):
        return
    directory.rows.append(
        StaffRow(
            row=number,
            employee_number=values.get("employee_number", ""),
            email=email,
            name=" ".join(part for part in (values.get("first_name"), values.get("last_name")) if part),
            job_title=values.get("job_title") or None,
            department=values.get("department") or None,
            line_manager=(values.get("line_manager") or "").lower() or None,
            staff_type=staff_type or StaffType.EMPLOYEE.value,
            contractor_org=(values.get("contractor_org") or None) if staff_type == StaffType.CONTRACTOR else None,
            start_date=dates["start_date"],
            leaving_date=dates["leaving_date"],
        )
    )


def _mark_duplicates(directory: Directory) -> None:
    for attribute, words in (("email", "e-mail"), ("employee_number", "employee number")):
        seen: dict[str, list[int]] = {}
        for row in directory.rows:
            value = getattr(row, attribute).lower()
            if value:
                seen.setdefault(value, []).append(row.row)
        for value, numbers in seen.items():
            if len(numbers) > 1:
                for number in numbers:
                    others = ", ".join(str(n) for n in numbers if n != number)
                    directory.refuse_row(number, f"the {words} {value} is also on row {others}")


def line_manager_cycles(managers: Mapping[str, str | None]) -> list[list[str]]:
    """Each loop of line managers (people who would be above themselves): each key maps to their manager's key."""
    cycles: list[list[str]] = []
    done: set[str] = set()
    for start in managers:
        path: list[str] = []
        on_path: set[str] = set()
        current: str | None = start
        while current is not None and current not in done and current not in on_path:
            path.append(current)
            on_path.add(current)
            current = managers.get(current)
        if current is not None and current in on_path:
            cycles.append(path[path.index(current) :])
        done.update(path)
    return cycles
