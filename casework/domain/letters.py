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
            "Sets out the person's allegations, lists the evidence enclosed (with its SHA-256), the possible "
            "consequences and the right to be accompanied by a trade union representative or a colleague "
            "(Employment Relations Act 1999, section 10).",
            needs_meeting=True,
        ),
        LetterSpec(
            "hearing_postponed",
            "Disciplinary hearing postponed",
            "Gives the new date and time of the hearing and why it was postponed (Employment Relations Act 1999, "
            "section 10(4)).",
        ),
        LetterSpec(
            "outcome",
            "Outcome of the disciplinary process",
            "This person's finding, sanction and how long it stays live, and the right of appeal with its deadline: "
            "the appeal window runs from the day the letter is issued.",
        ),
        LetterSpec(
            "appeal_hearing",
            "Invitation to an appeal hearing",
            "Asks the person to the hearing of their appeal, names the appeal officer and gives the right to be "
            "accompanied.",
            needs_meeting=True,
        ),
        LetterSpec(
            "appeal_outcome",
            "Outcome of the appeal",
            "Whether the appeal was upheld, varied or overturned, with the reasons; the decision is final.",
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
DISCIPLINARY_LETTERS = frozenset(
    {
        "investigation_meeting",
        "disciplinary_hearing",
        "hearing_postponed",
        "outcome",
        "appeal_hearing",
        "appeal_outcome",
    }
)


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
        if stage not in (Stage.INVESTIGATION, Stage.HEARING, Stage.OUTCOME):
            return "A disciplinary hearing is arranged once the matter has been investigated"
        if stage == Stage.HEARING and not invited_to_hearing(case, subject):
            return "This person was not invited to the hearing that has been arranged"
    elif kind == "hearing_postponed":
        hearing = getattr(case, "hearing", None)
        if hearing is None or not hearing.postponed or not invited_to_hearing(case, subject):
            return "This letter is sent when the hearing this person was invited to has been postponed"
    elif kind == "outcome":
        if case.outcome_for(subject.id) is None:
            return "The outcome letter is sent once this person's outcome is recorded"
    elif kind == "appeal_hearing":
        if open_appeal_of(case, subject) is None:
            return "An appeal hearing is arranged once this person's appeal has been lodged"
    elif kind == "appeal_outcome":
        if decided_appeal_of(case, subject) is None:
            return "The appeal outcome letter is sent once this person's appeal has been decided"
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


def invited_to_hearing(case, subject) -> bool:
    """Was `subject` invited to the hearing arranged on the case (the latest one)?"""
    hearing = getattr(case, "hearing", None)
    return hearing is not None and subject.id in (hearing.subject_ids or ())


def arranged_hearing(case, subject):
    """The hearing arranged for `subject` and not yet held, whose date and time the invitation gives; or None."""
    hearing = getattr(case, "hearing", None)
    if hearing is None or hearing.held or not invited_to_hearing(case, subject):
        return None
    return hearing


def open_appeal_of(case, subject):
    return next((a for a in case.appeals if a.subject_id == subject.id and a.result is None), None)


def decided_appeal_of(case, subject):
    """The person's latest decided appeal."""
    return next((a for a in reversed(case.appeals) if a.subject_id == subject.id and a.result is not None), None)


def appeal_window_moves(case, outcome) -> bool:
    """Does the appeal window of `outcome` run from its outcome letter? Yes while it may still be appealed:
    not an outcome given on appeal, not appealed, not waived, not a contractor's referral."""
    if outcome is None or outcome.appeal_due_on is None or outcome.appeal_waived_at is not None:
        return False
    return not any(a.outcome_id == outcome.id or a.new_outcome_id == outcome.id for a in case.appeals)


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
