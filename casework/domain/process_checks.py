"""The input rules of the actions of the fair process: each function adds to `errors` (field: message)
what is wrong with the parameters of one action, given the case, the people named and the settings.

Called by `casework.domain.workflow.check` after it has made sure the person may take the action at
this stage; the refusal it raises carries these messages.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from . import process
from .policy import (
    APPEAL_RESULTS,
    CASE_ROLES,
    CATEGORIES_BY_KIND,
    CONTENT_REMOVAL,
    FINDINGS,
    FLAGS,
    FORMAL_SANCTIONS,
    RECOMMENDATIONS,
    RIGHTS_DECISIONS,
    SANCTIONS,
    SEVERITIES,
    Stage,
)
from .working_days import add_working_days, is_working_day, working_days_between

LIST_MAX = 100
LONDON = ZoneInfo("Europe/London")
YES = (True, "yes", "true")
NO = (False, "no", "false")
LADDER = list(SANCTIONS)


def person(people: dict, email):
    """The user named by `email` among those the caller looked up, or None."""
    return people.get(email.strip().lower()) if isinstance(email, str) and email.strip() else None


def known(value, codes) -> bool:
    """Is `value` one of the codes (and not some other JSON value that cannot be looked up)?"""
    return isinstance(value, str) and value in codes


def subject_named(case, people: dict, email):
    """The person the case is about named by `email` (found on the case itself first), or None."""
    if not isinstance(email, str) or not email.strip():
        return None
    wanted = email.strip().lower()
    found = next((s for s in case.subjects if (s.email or "").lower() == wanted), None)
    return found or person(people, email)


def text(params: dict, name: str) -> str:
    value = params.get(name)
    return value.strip() if isinstance(value, str) else ""


def separation_errors(role, field_name, who, case, params, settings, errors, *, hearing_officer=None) -> list[str]:
    """Add the separation-of-duties refusal for `who` taking `role`, unless it is overridable and a reason
    is given; returns the rules set aside by that reason (recorded by the service)."""
    found = process.separation(role, who, case, seniority=settings.seniority, hearing_officer=hearing_officer)
    if found.barred:
        errors[field_name] = found.barred
        return []
    if not found.overridable:
        return []
    if text(params, "override_reason"):
        return list(found.overridable)
    errors[field_name] = (
        "; ".join(found.overridable) + ". Choose someone else, or, where that is not practicable (ACAS Code), "
        "give the reason"
    )
    errors["override_reason"] = "Enter why it is not practicable for someone else to do it"
    return []


def london_date(moment: datetime) -> date:
    """The London date of a stored (UTC) moment."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(LONDON).date()


def parse_local_datetime(value) -> datetime | None:
    """An ISO date and time ("2026-12-10T10:00"), as given (London time), or None."""
    if not isinstance(value, str) or "T" not in value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment


def _hearing_day_error(moment, settings, *, notice: bool) -> str | None:
    day = moment.date()
    if day <= settings.day:
        return "The hearing must be on a future working day"
    if day.weekday() >= 5:
        return f"The hearing cannot be on a {day:%A}: choose a working day"
    if not is_working_day(day, settings.bank_holidays):
        return "The hearing cannot be on a bank holiday: choose a working day"
    notice_days = settings.hearing_notice_working_days
    if notice and working_days_between(settings.day, day, settings.bank_holidays) < notice_days:
        earliest = add_working_days(settings.day, settings.hearing_notice_working_days, settings.bank_holidays)
        return (
            f"Give at least {settings.hearing_notice_working_days} working days' notice of the hearing: "
            f"the earliest date is {earliest:%A} {earliest.day} {earliest:%B %Y}"
        )
    if not 7 <= moment.hour < 20:
        return "Choose a time in the working day"
    return None


def _emails(value) -> list | None:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or len(value) > LIST_MAX:
        return None
    return [v for v in value if v.strip()]


def _subjects_named(field, value, case, people, errors) -> list:
    emails = _emails(value)
    if emails is None:
        errors[field] = "Choose people the case is about"
        return []
    ids = {s.id for s in case.subjects}
    found = []
    for email in emails:
        who = subject_named(case, people, email)
        if who is None or who.id not in ids:
            errors[field] = f"{email} is not a person this case is about"
            return []
        if who not in found:
            found.append(who)
    return found


# --- each action ----------------------------------------------------------------------


def update_case(actor, case, params, people, settings, errors, warnings):
    changed = False
    categories = params.get("categories")
    if categories is not None:
        allowed = CATEGORIES_BY_KIND.get(case.kind, {})
        if not isinstance(categories, list) or not categories or any(not known(c, allowed) for c in categories):
            errors["categories"] = "Choose at least one category from the list"
        else:
            changed = changed or sorted(set(categories)) != sorted(case.categories)
    severity = params.get("severity")
    if severity not in (None, ""):
        if not known(severity, SEVERITIES):
            errors["severity"] = "Choose low, medium or high"
        else:
            changed = changed or severity != case.severity
    for flag in FLAGS:
        value = params.get(flag)
        if value is None or value == "":
            continue
        if value not in YES + NO:
            errors[flag] = "Say yes or no"
        else:
            changed = changed or (value in YES) != bool(getattr(case, flag))
    added = _subjects_to_add(case, params, people, errors)
    removed = _subjects_named("remove_subjects", params.get("remove_subjects"), case, people, errors)
    if removed:
        left = [s for s in case.subjects if s not in removed] + added
        if not left and case.kind == "breach":
            errors["remove_subjects"] = "A breach case is about at least one person"
        for who in removed:
            if any(s.subject_id == who.id and s.lifted_at is None for s in case.suspensions):
                errors["remove_subjects"] = f"Lift the suspension of {who.name}'s publishing rights first"
            if case.outcome_for(who.id) is not None:
                errors["remove_subjects"] = f"An outcome is recorded for {who.name}: they stay on the case"
    changed = changed or bool(added) or bool(removed)
    aware = params.get("aware_at")
    if aware not in (None, ""):
        moment = parse_local_datetime(aware) if isinstance(aware, str) else None
        if moment is None and isinstance(aware, str):
            try:
                moment = datetime.fromisoformat(aware.strip() + "T00:00")
            except ValueError:
                moment = None
        if moment is None:
            errors["aware_at"] = "Enter when the council became aware of it, as a date (and time)"
        elif moment.date() > settings.day:
            errors["aware_at"] = "When the council became aware of it cannot be in the future"
        elif moment.date() < settings.day - timedelta(days=3650):
            errors["aware_at"] = "Enter a date in the last ten years"
        else:
            changed = True
    removal = params.get("content_removal")
    if removal not in (None, ""):
        if not known(removal, CONTENT_REMOVAL):
            errors["content_removal"] = "Choose removed, removal requested or not required"
        elif not text(params, "content_removal_reason"):
            errors["content_removal_reason"] = "Enter the reason for the decision on the content"
        else:
            changed = True
    if params.get("allegations") is not None:
        _allegations(case, params, people, errors, added)
        changed = True
    if not changed and not errors:
        errors["reason"] = "Nothing was changed: change at least one detail of the case"


def _subjects_to_add(case, params, people, errors) -> list:
    emails = _emails(params.get("add_subjects"))
    if emails is None:
        errors["add_subjects"] = "Give the e-mail addresses of the people to add"
        return []
    found = []
    for email in emails:
        who = person(people, email)
        if who is None:
            errors["add_subjects"] = f"{email} is not in the staff directory"
            return []
        if any(s.id == who.id for s in case.subjects):
            errors["add_subjects"] = f"{who.name} is already a person this case is about"
            return []
        held = [CASE_ROLES[r].lower() for r in CASE_ROLES if who.id in process.role_holders(case, r)]
        if held:
            errors["add_subjects"] = f"{who.name} is the {held[0]} of this case: reassign the role first"
            return []
        if who.id == case.reporter_id and case.kind == "abuse":
            errors["add_subjects"] = "The person who reported the abuse cannot be a person it is about"
            return []
        found.append(who)
    return found


def _allegations(case, params, people, errors, added):
    items = params.get("allegations")
    if not isinstance(items, list) or not items or len(items) > LIST_MAX:
        errors["allegations"] = "Give at least one allegation: whom it is about, its category and what is alleged"
        return
    allowed = CATEGORIES_BY_KIND.get(case.kind, {})
    ids = {s.id for s in case.subjects} | {s.id for s in added}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            errors["allegations"] = "Each allegation has a subject, a category and a text"
            return
        who = person(people, item.get("subject"))
        if who is None or who.id not in ids:
            errors[f"allegations.{i}.subject"] = "Choose a person the case is about"
        if not known(item.get("category"), allowed):
            errors[f"allegations.{i}.category"] = "Choose a category from the list"
        said = item.get("text")
        if not isinstance(said, str) or not said.strip():
            errors[f"allegations.{i}.text"] = "Enter what is alleged"
        elif len(said) > 20_000:
            errors[f"allegations.{i}.text"] = "Must be 20,000 characters or fewer"


def record_investigation_report(actor, case, params, people, settings, errors, warnings):
    recommendation = params.get("recommendation")
    if recommendation not in (None, "") and not known(recommendation, RECOMMENDATIONS):
        errors["recommendation"] = "Choose no case to answer, informal action or a disciplinary hearing"
    findings = params.get("findings")
    if findings is None:
        return
    if not isinstance(findings, list) or len(findings) > LIST_MAX:
        errors["findings"] = "Give a finding for each allegation"
        return
    wanted = {(a.subject_id, a.category) for a in case.allegations}
    if not wanted:
        errors["findings"] = "The case has no allegations: correct the case details first"
        return
    given = {}
    for i, item in enumerate(findings):
        who = person(people, item.get("subject")) if isinstance(item, dict) else None
        category = item.get("category") if isinstance(item, dict) else None
        key = (who.id if who else None, category if isinstance(category, str) else None)
        if key not in wanted:
            errors[f"findings.{i}"] = "This is not an allegation of the case"
            continue
        if not known(item.get("finding"), FINDINGS):
            errors[f"findings.{i}.finding"] = "Choose substantiated, partly substantiated or not substantiated"
        given[key] = item.get("finding")
    if not errors and set(given) != wanted:
        errors["findings"] = "Give a finding for every allegation"


def record_hr_advice(actor, case, params, people, settings, errors, warnings):
    pass


def arrange_hearing(actor, case, params, people, settings, errors, warnings):
    if "hearing_officer" not in errors:
        officer = person(people, params["hearing_officer"])
        if officer is None:
            errors["hearing_officer"] = "Choose the hearing officer from the staff directory"
        else:
            params["_overridden"] = separation_errors(
                "hearing_officer", "hearing_officer", officer, case, params, settings, errors
            )
    if "hearing_at" not in errors:
        moment = parse_local_datetime(params["hearing_at"])
        if moment is None:
            errors["hearing_at"] = "Enter the date and time of the hearing, like 2026-12-10T10:00"
        else:
            problem = _hearing_day_error(moment, settings, notice=True)
            if problem:
                errors["hearing_at"] = problem
    if "subjects" not in errors:
        invited = _subjects_named("subjects", params["subjects"], case, people, errors)
        if "subjects" not in errors:
            if not invited:
                errors["subjects"] = "Choose who is invited to the hearing"
            elif any(process.is_contractor(s) for s in invited):
                errors["subjects"] = (
                    "A contractor is dealt with under the contractor's own procedures, not at a council hearing "
                    "(Social Networking Policy 11.4)"
                )


def postpone_hearing(actor, case, params, people, settings, errors, warnings):
    if "hearing_at" in errors or case.hearing is None:
        return
    moment = parse_local_datetime(params["hearing_at"])
    if moment is None:
        errors["hearing_at"] = "Enter the new date and time, like 2026-12-10T10:00"
        return
    problem = _hearing_day_error(moment, settings, notice=False)
    if problem:
        errors["hearing_at"] = problem
        return
    first = london_date(case.hearing.hearing_at)
    latest = add_working_days(first, settings.postpone_max_working_days, settings.bank_holidays)
    if moment.date() > latest:
        errors["hearing_at"] = (
            f"A hearing is postponed by at most {settings.postpone_max_working_days} working days: "
            f"the latest date is {latest:%A} {latest.day} {latest:%B %Y}"
        )


def _outcome_entries(case, params, errors) -> list[dict]:
    entries = params.get("outcomes")
    if entries is None:
        if len(case.subjects) != 1:
            if any(params.get(k) for k in ("finding", "sanction")):
                errors["outcomes"] = "This case is about more than one person: give an outcome for each"
            else:
                errors["outcomes"] = "Give an outcome for each person the case is about"
            return []
        return [
            {
                "subject": case.subjects[0].email,
                "finding": params.get("finding"),
                "sanction": params.get("sanction"),
                "rights_decision": params.get("rights_decision"),
                "_top": True,
            }
        ]
    if not isinstance(entries, list) or not entries or len(entries) > LIST_MAX:
        errors["outcomes"] = "Give an outcome for each person the case is about"
        return []
    if not all(isinstance(e, dict) for e in entries):
        errors["outcomes"] = "Each outcome has a subject, a finding, a sanction and a decision on publishing rights"
        return []
    return entries


def record_outcome(actor, case, params, people, settings, errors, warnings):
    at_hearing = case.stage == Stage.HEARING
    if at_hearing and case.hearing is not None and london_date(case.hearing.hearing_at) > settings.day:
        day = london_date(case.hearing.hearing_at)
        errors["outcomes"] = f"The hearing is on {day:%A} {day.day} {day:%B %Y}: record the outcome after it"
        return
    entries = _outcome_entries(case, params, errors)
    seen = set()
    hr_advised = bool(case.hr_advice)
    for i, entry in enumerate(entries):
        top = entry.get("_top")

        def key(name, i=i, top=top):
            return name if top else f"outcomes.{i}.{name}"

        who = subject_named(case, people, entry.get("subject"))
        if who is None or all(s.id != who.id for s in case.subjects):
            errors[key("subject")] = "Choose a person the case is about"
            continue
        if who.id in seen:
            errors[key("subject")] = f"{who.name} has two outcomes: give one each"
            continue
        seen.add(who.id)
        finding, sanction, decision = entry.get("finding"), entry.get("sanction"), entry.get("rights_decision")
        if finding in (None, ""):
            errors[key("finding")] = "Choose the finding"
        elif not known(finding, FINDINGS):
            errors[key("finding")] = "Choose a finding from the list"
        if sanction in (None, ""):
            errors[key("sanction")] = "Choose the sanction"
        elif not known(sanction, SANCTIONS):
            errors[key("sanction")] = "Choose a sanction from the list"
        else:
            why = process.sanction_refusal(
                sanction,
                who,
                case,
                actor,
                at_hearing=at_hearing,
                dismissal_roles=settings.dismissal_roles,
                hr_advised=hr_advised,
            )
            if why:
                errors[key("sanction")] = why
            elif finding == "not_substantiated" and sanction in FORMAL_SANCTIONS:
                errors[key("sanction")] = (
                    "A warning or dismissal needs the allegation to be at least partly substantiated"
                )
        suspended = any(s.subject_id == who.id and s.lifted_at is None for s in case.suspensions)
        if decision not in (None, "") and not known(decision, RIGHTS_DECISIONS):
            errors[key("rights_decision")] = "Choose restored or revoked"
        elif decision in (None, "") and suspended:
            errors[key("rights_decision")] = (
                f"Decide whether {who.name}'s suspended publishing rights are restored or revoked"
            )
    missing = [s.name for s in case.subjects if s.id not in seen]
    if entries and missing and "outcomes" not in errors and not any(k.endswith("subject") for k in errors):
        errors["outcomes"] = "Give an outcome for " + ", ".join(missing) + " too"
    if not at_hearing and case.investigator_id == actor.id:
        if not params.get("override_separation"):
            errors["override_separation"] = (
                "You investigated this case. Where practicable another person decides the outcome "
                "(ACAS Code). Confirm that you are deciding it anyway."
            )
        else:
            warnings.append("separation_of_duties_overridden")


def _current(case, who):
    return case.outcome_for(who.id) if who is not None else None


def lodge_appeal(actor, case, params, people, settings, errors, warnings):
    who = subject_named(case, people, params.get("subject"))
    if "subject" not in errors:
        if who is None or all(s.id != who.id for s in case.subjects):
            errors["subject"] = "Choose a person the case is about"
        else:
            outcome = _current(case, who)
            if outcome is None:
                errors["subject"] = f"No outcome is recorded for {who.name}"
            elif outcome.sanction == "referred_to_contractor":
                errors["subject"] = "A contractor appeals under the contractor's own procedures"
            elif outcome.appeal_waived_at is not None:
                errors["subject"] = f"{who.name} said in writing that they will not appeal"
            elif process.open_appeal(case, who.id) is not None:
                errors["subject"] = f"{who.name}'s appeal is already lodged"
            elif any(a.outcome_id == outcome.id or a.new_outcome_id == outcome.id for a in case.appeals):
                errors["subject"] = f"{who.name}'s appeal has already been decided"
            elif outcome.appeal_due_on is not None and settings.day > outcome.appeal_due_on:
                if not text(params, "late_reason"):
                    errors["late_reason"] = (
                        f"The appeal window closed on {outcome.appeal_due_on:%-d %B %Y}: enter why the appeal "
                        "is accepted late"
                    )
    if "appeal_officer" not in errors:
        officer = person(people, params["appeal_officer"])
        if officer is None:
            errors["appeal_officer"] = "Choose the appeal officer from the staff directory"
        else:
            params["_overridden"] = separation_errors(
                "appeal_officer", "appeal_officer", officer, case, params, settings, errors
            )


def decide_appeal(actor, case, params, people, settings, errors, warnings):
    who = subject_named(case, people, params.get("subject"))
    appeal = process.open_appeal(case, who.id) if who is not None else None
    if "subject" not in errors and (appeal is None or appeal.appeal_officer_id != actor.id):
        errors["subject"] = "Choose a person whose appeal you are the appeal officer for"
        return
    result = params.get("result")
    if result not in (None, "") and not known(result, APPEAL_RESULTS):
        errors["result"] = "Choose upheld, varied or overturned"
    if result == "varied" and appeal is not None:
        sanction = params.get("sanction")
        current = appeal.outcome.sanction
        if sanction in (None, ""):
            errors["sanction"] = "Choose the new sanction"
        elif not known(sanction, SANCTIONS) or sanction == "referred_to_contractor":
            errors["sanction"] = "Choose a sanction from the list"
        elif sanction == current:
            errors["sanction"] = "Choose a sanction other than the one appealed against, or uphold the outcome"
        elif current in LADDER and LADDER.index(sanction) > LADDER.index(current):
            errors["sanction"] = "An appeal cannot make the sanction more severe"
    elif params.get("sanction") not in (None, "") and result in ("upheld", "overturned"):
        errors["sanction"] = "A new sanction is given only when the outcome is varied"


def waive_appeal(actor, case, params, people, settings, errors, warnings):
    if "subject" in errors:
        return
    who = subject_named(case, people, params.get("subject"))
    outcome = _current(case, who)
    if who is None or all(s.id != who.id for s in case.subjects):
        errors["subject"] = "Choose a person the case is about"
    elif outcome is None:
        errors["subject"] = f"No outcome is recorded for {who.name}"
    elif outcome.appeal_waived_at is not None:
        errors["subject"] = f"{who.name}'s waiver is already recorded"
    elif any(a.outcome_id == outcome.id or a.new_outcome_id == outcome.id for a in case.appeals):
        errors["subject"] = f"{who.name} has appealed: the appeal is decided instead"


def declare_conflict(actor, case, params, people, settings, errors, warnings):
    if params.get("conflict") not in YES + NO:
        errors["conflict"] = "Say whether you have a conflict of interest"


def reassign(actor, case, params, people, settings, errors, warnings):
    role = params.get("role")
    if "role" in errors:
        return
    if not known(role, CASE_ROLES):
        errors["role"] = "Choose the owner, the investigator, the hearing officer or the appeal officer"
        return
    if role == "investigator" and case.investigator_id is None:
        errors["role"] = "The case has no investigator yet: start the investigation instead"
    elif role == "hearing_officer" and case.hearing_officer_id is None:
        errors["role"] = "No hearing is arranged: arrange one instead"
    elif role == "appeal_officer" and not any(a.result is None for a in case.appeals):
        errors["role"] = "No appeal is waiting for a decision"
    if "person" in errors or "role" in errors:
        return
    who = person(people, params["person"])
    if who is None:
        errors["person"] = "Choose a person from the staff directory"
        return
    if who.id in process.role_holders(case, role):
        errors["person"] = f"{who.name} is already the {CASE_ROLES[role].lower()}"
        return
    if process.unresolved_conflict(case, who.id):
        errors["person"] = f"{who.name} has declared a conflict of interest on this case"
        return
    params["_overridden"] = separation_errors(role, "person", who, case, params, settings, errors)


CHECKS = {
    "update_case": update_case,
    "record_investigation_report": record_investigation_report,
    "record_hr_advice": record_hr_advice,
    "arrange_hearing": arrange_hearing,
    "postpone_hearing": postpone_hearing,
    "record_outcome": record_outcome,
    "lodge_appeal": lodge_appeal,
    "decide_appeal": decide_appeal,
    "waive_appeal": waive_appeal,
    "declare_conflict": declare_conflict,
    "reassign": reassign,
}
