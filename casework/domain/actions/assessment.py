"""Assessing a report: taking it on, correcting what it said, and the decisions on reporting to the ICO and
referring to the police (Social Networking Policy 11.5)."""

from datetime import timedelta

from .. import process
from ..case_state import police_decision_needed
from ..policy import CASE_ROLES, CATEGORIES_BY_KIND, CONTENT_REMOVAL, FLAGS, SEVERITIES, Kind, Stage
from .declaration import OPEN_STAGES, OWNER_OR_HR, Action, Capacity, Inputs
from .hearing import subjects_named
from .params import (
    LIST_MAX,
    TEXT_MAX,
    ActionParams,
    Code,
    Email,
    Emails,
    Item,
    Items,
    LocalDate,
    NoParams,
    Reason,
    Strings,
    Text,
    YesNo,
    local_day_or_moment,
    need,
)


class AllegationItem(Item):
    subject: Email("E-mail of a person the case is about") = None
    category: Text("The category code") = None
    text: Text("The text to record") = None


class UpdateCaseParams(ActionParams):
    reason: Reason() = need("Enter the reason")
    categories: Strings("The corrected category codes", unreadable="Choose at least one category from the list") = None
    severity: Code("How serious it is", SEVERITIES, otherwise="Choose low, medium or high") = None
    council_account_involved: YesNo(FLAGS["council_account_involved"]) = None
    personal_data_involved: YesNo(FLAGS["personal_data_involved"]) = None
    safeguarding_concern: YesNo(FLAGS["safeguarding_concern"]) = None
    criminal_offence: YesNo(FLAGS["criminal_offence"]) = None
    add_subjects: Emails(
        "E-mails of people to add to the case", unreadable="Give the e-mail addresses of the people to add"
    ) = None
    remove_subjects: Emails("E-mails of people to take off the case", unreadable="Choose people the case is about") = (
        None
    )
    aware_at: LocalDate(
        "When the council became aware of it (ISO date, or date and time)",
        unreadable="Enter when the council became aware of it, as a date (and time)",
    ) = None
    content_removal: Code(
        "Social Networking Policy 11.1: the decision on the content",
        CONTENT_REMOVAL,
        otherwise="Choose removed, removal requested or not required",
    ) = None
    content_removal_reason: Reason("The reason for the decision on the content") = None
    allegations: Items(
        AllegationItem,
        "Replaces the allegations: each a subject (e-mail), category and text",
        unreadable="Give at least one allegation: whom it is about, its category and what is alleged",
    ) = None


assert set(FLAGS) <= set(UpdateCaseParams.model_fields), "every flag can be corrected"


class IcoDecisionParams(ActionParams):
    report: YesNo(
        "Whether the breach is reported to the ICO", unreadable="Say whether the breach is reported to the ICO"
    ) = need("Say whether the breach is reported to the ICO")
    reason: Reason() = need("Enter the reason")
    ico_reference: Text("The ICO's reference, when reported", 100) = None


class PoliceDecisionParams(ActionParams):
    refer: YesNo(
        "Whether the case is referred to the police", unreadable="Say whether the case is referred to the police"
    ) = need("Say whether the case is referred to the police")
    reason: Reason() = need("Enter the reason")


def _update_rule(x: Inputs) -> None:
    """Something must change; categories of the case's kind; people added who may be on it and people taken
    off who hold nothing on it; a date of awareness in the last ten years; allegations about its people."""
    case, p, errors = x.case, x.params, x.errors
    changed = False
    if p.categories is not None:
        allowed = CATEGORIES_BY_KIND.get(case.kind, {})
        if not p.categories or any(c not in allowed for c in p.categories):
            errors["categories"] = "Choose at least one category from the list"
        else:
            changed = changed or sorted(set(p.categories)) != sorted(case.categories)
    if p.severity and "severity" not in errors:
        changed = changed or p.severity != case.severity
    for flag in FLAGS:
        value = getattr(p, flag)
        if value is not None:
            changed = changed or value != bool(getattr(case, flag))
    added = _subjects_to_add(x)
    removed = subjects_named(x, "remove_subjects", p.remove_subjects) if "remove_subjects" not in errors else []
    if removed:
        left = [s for s in case.subjects if s not in removed] + added
        if not left and case.kind == Kind.BREACH:
            errors["remove_subjects"] = "A breach case is about at least one person"
        for who in removed:
            if any(s.subject_id == who.id and s.lifted_at is None for s in case.suspensions):
                errors["remove_subjects"] = f"Lift the suspension of {who.name}'s publishing rights first"
            if case.outcome_for(who.id) is not None:
                errors["remove_subjects"] = f"An outcome is recorded for {who.name}: they stay on the case"
    changed = changed or bool(added) or bool(removed)
    if p.aware_at and "aware_at" not in errors:
        moment = local_day_or_moment(p.aware_at)
        if moment is None:
            errors["aware_at"] = "Enter when the council became aware of it, as a date (and time)"
        elif moment.date() > x.settings.day:
            errors["aware_at"] = "When the council became aware of it cannot be in the future"
        elif moment.date() < x.settings.day - timedelta(days=3650):
            errors["aware_at"] = "Enter a date in the last ten years"
        else:
            changed = True
    if p.content_removal and "content_removal" not in errors:
        if not (p.content_removal_reason or "").strip():
            errors["content_removal_reason"] = "Enter the reason for the decision on the content"
        else:
            changed = True
    if p.allegations is not None:
        _allegations(x, added)
        changed = True
    if not changed and not errors:
        errors["reason"] = "Nothing was changed: change at least one detail of the case"


def _subjects_to_add(x: Inputs) -> list:
    if "add_subjects" in x.errors:
        return []
    found = []
    for email in [e for e in x.params.add_subjects or [] if e.strip()]:
        who = x.person(email)
        if who is None:
            x.errors["add_subjects"] = f"{email} is not in the staff directory"
            return []
        if x.is_subject(who):
            x.errors["add_subjects"] = f"{who.name} is already a person this case is about"
            return []
        held = [CASE_ROLES[r].lower() for r in CASE_ROLES if who.id in process.role_holders(x.case, r)]
        if held:
            x.errors["add_subjects"] = f"{who.name} is the {held[0]} of this case: reassign the role first"
            return []
        if who.id == x.case.reporter_id and x.case.kind == Kind.ABUSE:
            x.errors["add_subjects"] = "The person who reported the abuse cannot be a person it is about"
            return []
        found.append(who)
    return found


def _allegations(x: Inputs, added) -> None:
    items = x.params.allegations
    if not items or len(items) > LIST_MAX:
        x.errors["allegations"] = "Give at least one allegation: whom it is about, its category and what is alleged"
        return
    allowed = CATEGORIES_BY_KIND.get(x.case.kind, {})
    ids = {s.id for s in x.case.subjects} | {s.id for s in added}
    for i, item in enumerate(items):
        who = x.person(item.subject)
        if who is None or who.id not in ids:
            x.errors[f"allegations.{i}.subject"] = "Choose a person the case is about"
        if item.category not in allowed:
            x.errors[f"allegations.{i}.category"] = "Choose a category from the list"
        if not (item.text or "").strip():
            x.errors[f"allegations.{i}.text"] = "Enter what is alleged"
        elif len(item.text) > TEXT_MAX:
            x.errors[f"allegations.{i}.text"] = f"Must be {TEXT_MAX:,} characters or fewer"


def _police_decision_due(case, settings) -> str | None:
    if not police_decision_needed(case):
        return "A police referral is decided on for a threat or a possible crime"
    if case.police_decision is not None:
        return "The decision on a police referral is already recorded"
    return None


TAKE_OWNERSHIP = Action(
    name="take_ownership",
    label="Take ownership",
    from_stages={Stage.REPORTED},
    to_stage=Stage.ASSESSMENT,
    capacities={Capacity.CASE_MANAGER},
    params=NoParams,
    description="A manager or HR takes the case on and assesses it.",
    done="You now own this case.",
)

UPDATE_CASE = Action(
    name="update_case",
    label="Correct the case details",
    from_stages=OPEN_STAGES,
    to_stage=None,
    capacities=OWNER_OR_HR,
    params=UpdateCaseParams,
    description="Correct what the report said: categories, severity, flags, the people it is about, the "
    "allegations and when the council became aware of it. The deadlines are worked out again.",
    rule=_update_rule,
    done="The case details are corrected and the deadlines worked out again.",
)

RECORD_ICO_DECISION = Action(
    name="record_ico_decision",
    label="Record the decision on reporting to the ICO",
    from_stages=OPEN_STAGES - {Stage.REPORTED},
    to_stage=None,
    capacities=OWNER_OR_HR,
    params=IcoDecisionParams,
    description="A personal data breach is reported to the ICO within 72 hours of awareness, or the decision "
    "not to report is recorded.",
    on_routed_cases=True,
    done="The ICO decision is recorded.",
)

RECORD_POLICE_DECISION = Action(
    name="record_police_decision",
    label="Decide on a police referral",
    from_stages=OPEN_STAGES,
    to_stage=None,
    capacities=OWNER_OR_HR | {Capacity.CASE_MANAGER},
    params=PoliceDecisionParams,
    description="A threat or a possible crime: decide within a working day whether to refer it to the police, "
    "and record the decision either way (Social Networking Policy 11.5).",
    ready=_police_decision_due,
    done="The decision on a police referral is recorded.",
)
