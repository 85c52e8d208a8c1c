"""Letters to a person a case is about (design §7), and when each one makes sense.

A subject never sees their case in the system (design §4): they are told by
letter. Each letter is offered only at the point of the case where it belongs;
its wording lives in `templates/letters/<kind>.txt`, under version control.
"""

import re
from collections.abc import Container
from dataclasses import dataclass
from datetime import date

from .policy import Kind, StaffType, Stage
from .working_days import add_working_days, working_days_between

PLACE_MAX = 200
TIME_PATTERN = re.compile(r"^(?:[01]?\d|2[0-3])[:.][0-5]\d$|^(?:0?[1-9]|1[0-2])(?:[:.][0-5]\d)?\s?(?:am|pm)$", re.I)


@dataclass(frozen=True)
class LetterSpec:
    kind: str
    title: str
    description: str
    needs_meeting: bool = False


LETTERS: dict[str, LetterSpec] = {
    spec.kind: spec
    for spec in (
        LetterSpec(
            "investigation_meeting",
            "Invitation to an investigation meeting",
            "Asks the person to an investigation meeting, says what it is about and that they may be accompanied.",
            needs_meeting=True,
        ),
        LetterSpec(
            "disciplinary_hearing",
            "Invitation to a disciplinary hearing",
            "Sets out the allegation, the possible consequences and the right to be accompanied by a trade union "
            "representative or a work colleague (ACAS Code of Practice).",
            needs_meeting=True,
        ),
        LetterSpec(
            "outcome",
            "Outcome of the disciplinary process",
            "The finding, the sanction and how long it stays live, and the right of appeal with its deadline.",
        ),
        LetterSpec(
            "suspension",
            "Suspension of publishing rights",
            "Tells the person their rights to publish on council social media accounts are suspended while the "
            "matter is investigated (Social Networking Policy 11.2).",
        ),
        LetterSpec(
            "suspension_lifted",
            "Suspension of publishing rights lifted",
            "Tells the person a suspension of their publishing rights has been lifted, and why.",
        ),
    )
}

# Letters about the council's disciplinary procedure; a contractor is dealt
# with under the contractor's own procedures instead (Social Networking Policy 11.4)
DISCIPLINARY_LETTERS = frozenset({"investigation_meeting", "disciplinary_hearing", "outcome"})


def working_stage(case) -> str:
    """The stage the case's own work is at: for a referred case, the stage it will resume."""
    if case.stage == Stage.REFERRED and case.stage_before_referral:
        return case.stage_before_referral
    return case.stage


def refusal(kind: str, case, subject) -> str | None:
    """Why the letter `kind` cannot go to `subject` on `case` now, or None when it can."""
    if kind not in LETTERS:
        return "There is no such letter"
    if subject is None or all(person.id != subject.id for person in case.subjects):
        return "Letters go only to a person the case is about"
    if kind in DISCIPLINARY_LETTERS:
        if case.kind != Kind.BREACH:
            return "Disciplinary letters are for breaches of the policy"
        if subject.staff_type == StaffType.CONTRACTOR:
            return "A contractor is dealt with under the contractor's own procedures (Social Networking Policy 11.4)"
    stage = working_stage(case)
    if kind == "investigation_meeting":
        if stage != Stage.INVESTIGATION or case.investigator_id is None:
            return "An investigation meeting is arranged while the case is being investigated"
    elif kind == "disciplinary_hearing":
        if stage not in (Stage.INVESTIGATION, Stage.OUTCOME):
            return "A disciplinary hearing is arranged once the matter has been investigated"
    elif kind == "outcome":
        if case.outcome is None:
            return "The outcome letter is sent once the outcome is recorded"
    elif kind == "suspension":
        if not suspensions_of(case, subject):
            return "This person's publishing rights have not been suspended on this case"
    elif kind == "suspension_lifted":
        if not [s for s in suspensions_of(case, subject) if s.lifted_at is not None]:
            return "No suspension of this person's publishing rights has been lifted on this case"
    return None


def available_letters(case, subject) -> list[LetterSpec]:
    """The letters that make sense for `subject` on `case` now, in the order of the procedure."""
    return [spec for kind, spec in LETTERS.items() if refusal(kind, case, subject) is None]


def suspensions_of(case, subject) -> list:
    return [s for s in case.suspensions if s.subject_id == subject.id]


def meeting_errors(
    meeting_date: date | None,
    meeting_time: str,
    place: str,
    *,
    today: date,
    bank_holidays: Container[date] = (),
    notice_working_days: int = 0,
) -> dict[str, str]:
    """What is wrong with the details of a meeting or hearing, by field (ACAS: the letter gives time and venue).

    A disciplinary hearing (`notice_working_days` > 0) falls on a working day and gives the person at least
    that many working days' notice, to prepare and to arrange to be accompanied (ACAS Code of Practice).
    """
    errors = {}
    if meeting_date is None:
        errors["meeting_date"] = "Enter the date of the meeting"
    elif meeting_date < today:
        errors["meeting_date"] = "The date of the meeting must be today or in the future"
    elif notice_working_days and meeting_date.weekday() >= 5:
        errors["meeting_date"] = f"The hearing cannot be on a {meeting_date:%A}: choose a working day"
    elif notice_working_days and meeting_date in bank_holidays:
        errors["meeting_date"] = "The hearing cannot be on a bank holiday: choose a working day"
    elif notice_working_days and working_days_between(today, meeting_date, bank_holidays) < notice_working_days:
        earliest = add_working_days(today, notice_working_days, bank_holidays)
        errors["meeting_date"] = (
            f"Give at least {notice_working_days} working days' notice of the hearing: "
            f"the earliest date is {earliest:%A} {earliest.day} {earliest:%B %Y}"
        )
    time = (meeting_time or "").strip()
    if not time:
        errors["meeting_time"] = "Enter the time of the meeting"
    elif not TIME_PATTERN.match(time):
        errors["meeting_time"] = "Enter the time like 10:30am or 14:00"
    place = (place or "").strip()
    if not place:
        errors["meeting_place"] = "Enter where the meeting will be held"
    elif len(place) > PLACE_MAX:
        errors["meeting_place"] = f"Where the meeting is held must be {PLACE_MAX} characters or fewer"
    elif any(ord(c) < 32 or ord(c) == 127 for c in place):
        errors["meeting_place"] = "Where the meeting is held must not contain control characters"
    return errors
