"""The fair disciplinary process (ACAS Code of Practice on disciplinary and grievance procedures):
separation of duties, who may decide which sanction, and where each person's appeal stands.

Pure functions over the attributes of cases and people, like the rest of the domain. Social
Networking Policy 11.3: breaches are dealt with under the disciplinary procedure; Acceptable Use
of Social Media Policy 9 and 10: allegations are investigated consistently and fairly, and HR
advises managers.
"""

from dataclasses import dataclass
from datetime import date

from .policy import CASE_ROLES, DISMISSALS, FORMAL_SANCTIONS, INFORMAL_SANCTIONS, Role, StaffType

# Who may hold each role on a case
ELIGIBLE_ROLES = {
    "owner": frozenset({Role.MANAGER, Role.HR}),
    "investigator": frozenset({Role.MANAGER, Role.HR}),
    "hearing_officer": frozenset({Role.MANAGER, Role.HR, Role.HEAD_OF_SERVICE}),
    "appeal_officer": frozenset({Role.MANAGER, Role.HR, Role.HEAD_OF_SERVICE}),
}
ELIGIBLE_WORDS = {
    "owner": "a manager or HR",
    "investigator": "a manager or HR",
    "hearing_officer": "a manager, HR or a head of service",
    "appeal_officer": "a manager, HR or a head of service",
}
# The three roles of the process that must be held by three different people
SEPARATED_ROLES = ("investigator", "hearing_officer", "appeal_officer")


@dataclass(frozen=True)
class Separation:
    """What stands in the way of a person taking a role: `barred` can never be set aside;
    `overridable` can, with a reason, where another person is not practicable."""

    barred: str | None
    overridable: tuple[str, ...]


def is_contractor(person) -> bool:
    return person.staff_type == StaffType.CONTRACTOR


def role_holders(case, role: str) -> set[int]:
    """The ids of the people holding `role` on the case now."""
    if role == "owner":
        return {case.owner_id} - {None}
    if role == "investigator":
        return {case.investigator_id} - {None}
    if role == "hearing_officer":
        return {case.hearing_officer_id} - {None}
    if role == "appeal_officer":
        return {a.appeal_officer_id for a in case.appeals if a.result is None}
    raise ValueError(role)


def _named_complainant(person, case) -> bool:
    name = (case.complainant_name or "").strip().casefold()
    return bool(name) and name == (person.name or "").strip().casefold()


def separation(role: str, person, case, *, seniority: dict, hearing_officer=None) -> Separation:
    """May `person` take `role` on `case`? The investigator, the hearing officer and the appeal officer
    are three different people; none is a subject, the reporter, the complainant or a subject's line
    manager; the appeal officer is more senior than the hearing officer where `seniority` ranks both."""
    label = CASE_ROLES[role]
    if not person.active:
        return Separation(f"{person.name} cannot sign in to Casework: choose someone who can", ())
    if person.role not in ELIGIBLE_ROLES[role]:
        return Separation(f"The {label.lower()} must be {ELIGIBLE_WORDS[role]}", ())
    if any(s.id == person.id for s in case.subjects):
        return Separation(f"The {label.lower()} cannot be a person the case is about", ())
    if person.id == case.reporter_id:
        return Separation(f"The {label.lower()} cannot be the person who reported the case", ())
    if _named_complainant(person, case):
        return Separation(f"The {label.lower()} cannot be the complainant", ())
    problems = []
    managed = [s.name for s in case.subjects if s.line_manager_id == person.id]
    if managed:
        problems.append(f"{person.name} is the line manager of {', '.join(managed)}")
    if role in SEPARATED_ROLES:
        for other in SEPARATED_ROLES:
            if other != role and person.id in role_holders(case, other):
                problems.append(f"{person.name} is the {CASE_ROLES[other].lower()} of this case")
    if role == "appeal_officer":
        officer = hearing_officer or getattr(case, "hearing_officer", None)
        if officer is not None and officer.role in seniority and person.role in seniority:
            if seniority[person.role] <= seniority[officer.role]:
                problems.append("The appeal officer should be more senior than the hearing officer")
    return Separation(None, tuple(problems))


def unresolved_conflict(case, user_id) -> bool:
    """Has this person declared a conflict of interest on the case that HR has not yet dealt with?"""
    return any(c.user_id == user_id and c.conflict and c.resolved_at is None for c in case.conflicts)


def assigned_roles(case, user_id) -> list[str]:
    """The roles this person holds on the case."""
    return [role for role in CASE_ROLES if user_id in role_holders(case, role)]


# --- outcomes ---------------------------------------------------------------------


def heard_subject_ids(case) -> set[int]:
    """The people whose hearing has been arranged (the latest hearing)."""
    hearing = case.hearing
    return set(hearing.subject_ids or ()) if hearing is not None else set()


def allowed_sanctions(case, subject, *, at_hearing: bool) -> tuple[str, ...]:
    """The sanctions that may be decided for `subject` now: a contractor is referred to the contractor
    (Social Networking Policy 11.4); formal sanctions only for a person whose hearing was held."""
    if is_contractor(subject):
        return ("referred_to_contractor",)
    if at_hearing and subject.id in heard_subject_ids(case):
        return (*INFORMAL_SANCTIONS, "first_written_warning", "final_written_warning", *sorted(DISMISSALS))
    return INFORMAL_SANCTIONS


def sanction_refusal(sanction, subject, case, actor, *, at_hearing: bool, dismissal_roles, hr_advised: bool):
    """Why `actor` may not give `subject` this sanction now, or None."""
    if sanction in allowed_sanctions(case, subject, at_hearing=at_hearing):
        if sanction in DISMISSALS and actor.role not in dismissal_roles:
            return "Only HR or a head of service may decide a dismissal"
        if sanction in FORMAL_SANCTIONS and not hr_advised:
            return "Record HR's advice before a formal sanction is decided (Acceptable Use of Social Media Policy 10)"
        return None
    if is_contractor(subject):
        return (
            "The council does not sanction a contractor: choose referred to contractor (Social Networking Policy 11.4)"
        )
    if sanction == "referred_to_contractor":
        return "Only a contractor is referred to the contractor"
    if sanction in FORMAL_SANCTIONS:
        if at_hearing:
            return f"{subject.name} was not invited to the hearing: a formal sanction needs a hearing (ACAS Code)"
        return "A warning or dismissal is decided only after a disciplinary hearing (ACAS Code): arrange a hearing"
    return "Choose a sanction from the list"


# --- appeals ----------------------------------------------------------------------


def open_appeal(case, subject_id):
    return next((a for a in case.appeals if a.subject_id == subject_id and a.result is None), None)


def appeal_settled(case, outcome, today: date) -> str | None:
    """None when nothing more can come of an appeal against `outcome` (the window has passed, the
    appeal was waived or decided); otherwise why the case cannot close yet."""
    if outcome.appeal_waived_at is not None:
        return None
    if outcome.sanction == "referred_to_contractor":
        return None  # appealed under the contractor's own procedures
    appealed = [a for a in case.appeals if a.outcome_id == outcome.id or a.new_outcome_id == outcome.id]
    if any(a.result is None for a in appealed):
        return "an appeal is still to be decided"
    if any(a.new_outcome_id == outcome.id or a.result is not None for a in appealed):
        return None
    if outcome.appeal_due_on is not None and today <= outcome.appeal_due_on:
        return f"the appeal window is open until {outcome.appeal_due_on:%-d %B %Y}"
    return None


def appeals_settled(case, today: date) -> str | None:
    """Why the case cannot close while someone may still appeal, or None."""
    for outcome in case.current_outcomes:
        why = appeal_settled(case, outcome, today)
        if why:
            who = outcome.subject.name if outcome.subject is not None else "the people the case is about"
            return f"For {who}, {why}: wait, record that the appeal was waived, or decide it before closing"
    return None
