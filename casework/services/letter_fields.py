"""What the letters of the fair disciplinary process say, filled from the case for one person (ACAS Code of
Practice on disciplinary and grievance procedures): the invitation to a hearing with the person's allegations
and the evidence enclosed, the hearing postponed, the outcome with the right of appeal, the invitation to an
appeal hearing and the appeal's outcome. Plain strings, booleans and lists of strings only: the letter
templates get nothing else (casework.reports.letters)."""

from datetime import date, datetime

from flask import current_app

from ..domain import letters as rules
from ..domain.policy import DISMISSALS, FINDINGS, category_label, sanction_label
from ..domain.working_days import add_working_days
from ..models import Case, Outcome, User
from ..reports.letters import long_date
from .deadlines import LONDON, bank_holidays, london_date

APPEAL_RESULTS = {"upheld": "upheld", "varied": "varied", "overturned": "overturned"}
WARNINGS = ("first_written_warning", "final_written_warning")


def first_lower(label: str) -> str:
    return label[:1].lower() + label[1:]


def _day(moment: datetime | None) -> str:
    return long_date(london_date(moment)) if moment else ""


def local_date_and_time(moment: datetime) -> tuple[date, str]:
    """A stored (UTC) time as the London date and the time of day ("10:00")."""
    local = moment.astimezone(LONDON)
    return local.date(), f"{local:%H:%M}"


def on_day_at(moment: datetime | None) -> str:
    """ "Monday 9 March 2026 at 10:00", in London time."""
    if moment is None:
        return ""
    day, time = local_date_and_time(moment)
    return f"{day:%A} {long_date(day)} at {time}"


def allegations_of(case: Case, subject: User) -> list[str]:
    """The allegations that stand against `subject`, each with the investigation's finding when there is one."""
    found = []
    for allegation in case.allegations:
        if allegation.subject_id != subject.id:
            continue
        text = f"{category_label(allegation.category)}: {' '.join((allegation.text or '').split())}".rstrip(": ")
        if allegation.finding:
            text += f" (the investigation found this {first_lower(FINDINGS.get(allegation.finding, ''))})"
        found.append(text)
    return found


def evidence_list(case: Case) -> list[str]:
    """Every item of evidence, by name with its SHA-256, so the copy enclosed can be matched to the record."""
    items = []
    for number, item in enumerate(case.evidence, start=1):
        name = item.original_name or item.source_url or item.description or f"Item {number}"
        if item.sha256:
            items.append(f"{number}. {name} – SHA-256 {item.sha256}")
        else:
            items.append(f"{number}. {name} – a link, captured {_day(item.captured_at or item.uploaded_at)}")
    return items


def hearing_fields(case: Case, subject: User) -> dict:
    """The invitation to a disciplinary hearing: the person's allegations, the evidence, the hearing officer."""
    hearing = rules.arranged_hearing(case, subject)
    officer = hearing.hearing_officer if hearing is not None else None
    return {
        "allegations": allegations_of(case, subject),
        "evidence": evidence_list(case),
        "hearing_officer_name": officer.name if officer else "",
    }


def postponed_fields(case: Case, subject: User) -> dict:
    hearing = case.hearing
    return {
        "first_hearing_at": on_day_at(hearing.first_hearing_at),
        "hearing_at": on_day_at(hearing.hearing_at),
        "postponed_reason": hearing.postponed_reason or "",
        "hearing_officer_name": hearing.hearing_officer.name if hearing.hearing_officer else "",
    }


def appeal_due(case: Case, outcome: Outcome, letter_date: date) -> date | None:
    """The last day to appeal: APPEAL_WINDOW_WORKING_DAYS working days after the outcome letter, while the
    window may still move; otherwise the day already recorded."""
    if rules.appeal_window_moves(case, outcome):
        return add_working_days(letter_date, current_app.config["APPEAL_WINDOW_WORKING_DAYS"], bank_holidays())
    return outcome.appeal_due_on


def _sanction_fields(sanction: str, live_until: date | None) -> dict:
    return {
        "sanction": first_lower(sanction_label(sanction)),
        "is_warning": sanction in WARNINGS,
        "is_final_warning": sanction == "final_written_warning",
        "is_dismissal": sanction in DISMISSALS,
        "is_summary_dismissal": sanction in ("summary_dismissal", "dismissal"),
        "live_until": long_date(live_until),
    }


def outcome_fields(case: Case, subject: User, letter_date: date) -> dict:
    """This person's outcome, and the right of appeal counted from the letter's date."""
    outcome = case.outcome_for(subject.id)
    due = appeal_due(case, outcome, letter_date)
    return {
        "finding": first_lower(FINDINGS.get(outcome.finding, outcome.finding)),
        "decided_on": _day(outcome.decided_at),
        **_sanction_fields(outcome.sanction, outcome.live_until),
        "appeal_offered": outcome.finding != "not_substantiated" and due is not None,
        "appeal_due_on": long_date(due),
        "appeal_window": f"{current_app.config['APPEAL_WINDOW_WORKING_DAYS']} working days",
        "rights_restored": outcome.rights_decision == "restored",
        "rights_revoked": outcome.rights_decision == "revoked",
        "content_removed": bool(outcome.content_removed),
    }


def appeal_hearing_fields(case: Case, subject: User) -> dict:
    appeal = rules.open_appeal_of(case, subject)
    return {
        "appeal_officer_name": appeal.appeal_officer.name,
        "grounds": appeal.grounds,
        "lodged_on": _day(appeal.lodged_at),
        "appealed_sanction": first_lower(sanction_label(appeal.outcome.sanction)),
    }


def appeal_outcome_fields(case: Case, subject: User) -> dict:
    appeal = rules.decided_appeal_of(case, subject)
    earlier = appeal.outcome
    replacement = next((o for o in case.outcomes if o.id == appeal.new_outcome_id), None)
    standing = replacement or earlier
    return {
        "appeal_officer_name": appeal.appeal_officer.name,
        "result": APPEAL_RESULTS.get(appeal.result, appeal.result),
        "is_upheld": appeal.result == "upheld",
        "is_varied": appeal.result == "varied",
        "is_overturned": appeal.result == "overturned",
        "appeal_reason": appeal.reason or "",
        "grounds": appeal.grounds,
        "lodged_on": _day(appeal.lodged_at),
        "appeal_decided_on": _day(appeal.decided_at),
        "appealed_sanction": first_lower(sanction_label(earlier.sanction)),
        **_sanction_fields(standing.sanction, standing.live_until),
    }
