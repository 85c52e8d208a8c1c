"""The API's case list read as plain rows and answered as JSON without records or models.

A page of 25 cases as records (each case, its people, subjects, suspensions, referrals and outcomes) and as
pydantic models cost many times the statements that read them. Here the page's statement reads the columns
a list sends, with the reporter, owner, investigator and department joined; each collection is one
statement for the page, its people joined; and the answer is built as the dictionaries
`schemas.body(serialise.case_list(...))` gives, key for key and value for value (tested against it), with
every code checked against its list as the models check it.
"""

from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from ..domain.permissions import View
from ..domain.policy import FLAGS, reporter_status
from ..models import (
    Case,
    CaseCategory,
    ContractorAction,
    Department,
    Outcome,
    Referral,
    SocialAccount,
    Suspension,
    User,
    case_subjects,
)
from . import schemas
from .serialise import moment

FULL, REPORTER = View.FULL.value, View.REPORTER.value


def _codes(name: str) -> frozenset[str]:
    return frozenset(str(code) for code in schemas.CODES[name])


KINDS, STAGES, SOURCES, CATEGORIES = _codes("Kind"), _codes("Stage"), _codes("Source"), _codes("Category")
PLATFORMS, SEVERITIES, ROUTES, STAFF_TYPES = (
    _codes("Platform"),
    _codes("Severity"),
    _codes("Route"),
    _codes("StaffType"),
)
AGENCIES, REFERRAL_STATUSES = _codes("Agency"), _codes("ReferralStatus")
FINDINGS, SANCTIONS, RIGHTS_DECISIONS = _codes("Finding"), _codes("Sanction"), _codes("RightsDecision")
STATUSES = _codes("ReporterStatus")


def _code(allowed: frozenset[str], value, *, optional: bool = False):
    """A code as the answer's models take it: one of its list (or None where it may be empty)."""
    if value is None and optional:
        return None
    if value not in allowed:
        raise ValueError(f"{value!r} is not a code the API sends here")
    return str(value)


def _person(person_id, email, name) -> dict | None:
    return None if person_id is None else {"email": email, "name": name}


def _people(*names):
    """An alias of the people table for each name: never the people the visibility filter's subqueries
    look at."""
    return [aliased(User, name=name) for name in names]


CASE_COLUMNS = (
    Case.id,
    Case.reference,
    Case.kind,
    Case.stage,
    Case.version,
    Case.source,
    Case.platform,
    Case.incident_date,
    Case.severity,
    *(getattr(Case, flag) for flag in FLAGS),
    Case.next_deadline_at,
    Case.next_deadline_label,
    Case.created_at,
    Case.updated_at,
    Case.closed_at,
    Case.route,
)


def page_columns(query, extra):
    """The list's statement (`casework.services.cases.list_cases(columns=...)`): the columns a list sends
    of each case, its reporter, owner and investigator and its department's name joined in."""
    reporter, owner, investigator = _people("api_reporter", "api_owner", "api_investigator")
    department = aliased(Department, name="api_department")
    people = []
    for role, alias in (("reporter", reporter), ("owner", owner), ("investigator", investigator)):
        people += [alias.id.label(f"{role}_id"), alias.email.label(f"{role}_email"), alias.name.label(f"{role}_name")]
    return (
        query.with_only_columns(*CASE_COLUMNS, *people, department.name.label("department_name"), *extra)
        .outerjoin_from(Case, reporter, reporter.id == Case.reporter_id)
        .outerjoin_from(Case, owner, owner.id == Case.owner_id)
        .outerjoin_from(Case, investigator, investigator.id == Case.investigator_id)
        .outerjoin_from(Case, department, department.id == Case.department_id)
    )


@cache
def _collection_statements():
    """The statements that read the page's subjects, categories, suspensions, referrals and outcomes (with
    their people, and each outcome's case's latest contractor action), built once."""
    ids = bindparam("ids", expanding=True)
    subject_department = aliased(Department)
    subjects = (
        select(
            case_subjects.c.case_id,
            User.email,
            User.name,
            User.staff_type,
            subject_department.name,
            User.contractor_org,
        )
        .join(User, User.id == case_subjects.c.user_id)
        .outerjoin(subject_department, subject_department.id == User.department_id)
        .where(case_subjects.c.case_id.in_(ids))
        .order_by(User.name)
    )
    categories = (
        select(CaseCategory.case_id, CaseCategory.category)
        .where(CaseCategory.case_id.in_(ids))
        .order_by(CaseCategory.category)
    )
    subject, authorised, lifted = _people("suspended", "authorised", "lifted")
    suspensions = (
        select(
            Suspension.case_id,
            Suspension.id,
            subject.id,
            subject.email,
            subject.name,
            Suspension.account_id,
            SocialAccount.platform,
            SocialAccount.handle,
            Suspension.reason,
            Suspension.started_at,
            authorised.id,
            authorised.email,
            authorised.name,
            Suspension.next_review_on,
            Suspension.lifted_at,
            lifted.id,
            lifted.email,
            lifted.name,
            Suspension.lift_reason,
        )
        .outerjoin(subject, subject.id == Suspension.subject_id)
        .outerjoin(SocialAccount, SocialAccount.id == Suspension.account_id)
        .outerjoin(authorised, authorised.id == Suspension.authorised_by_id)
        .outerjoin(lifted, lifted.id == Suspension.lifted_by_id)
        .where(Suspension.case_id.in_(ids))
        .order_by(Suspension.id)
    )
    (referrer,) = _people("referrer")
    referrals = (
        select(
            Referral.case_id,
            Referral.id,
            Referral.agency,
            Referral.status,
            Referral.reason,
            Referral.agency_reference,
            referrer.id,
            referrer.email,
            referrer.name,
            Referral.referred_at,
            Referral.due_at,
            Referral.result,
            Referral.updated_at,
        )
        .outerjoin(referrer, referrer.id == Referral.referred_by_id)
        .where(Referral.case_id.in_(ids))
        .order_by(Referral.id)
    )
    decider, superseder, outcome_subject = _people("decider", "superseder", "outcome_subject")

    def latest_action(column):
        return (
            select(column)
            .where(ContractorAction.case_id == Outcome.case_id)
            .order_by(ContractorAction.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    outcomes = (
        select(
            Outcome.case_id,
            Outcome.finding,
            Outcome.sanction,
            Outcome.rights_decision,
            Outcome.content_removed,
            Outcome.summary,
            decider.id,
            decider.email,
            decider.name,
            Outcome.decided_at,
            Outcome.live_until,
            Outcome.appeal_due_on,
            Outcome.separation_override_by_id,
            latest_action(ContractorAction.text),
            latest_action(ContractorAction.recorded_at),
            Outcome.superseded_at,
            superseder.id,
            superseder.email,
            superseder.name,
            Outcome.superseded_reason,
            Outcome.subject_id,
            outcome_subject.email,
            outcome_subject.name,
            Outcome.appeal_waived_at,
            Outcome.appeal_waived_reason,
        )
        .outerjoin(decider, decider.id == Outcome.decided_by_id)
        .outerjoin(superseder, superseder.id == Outcome.superseded_by_id)
        .outerjoin(outcome_subject, outcome_subject.id == Outcome.subject_id)
        .where(Outcome.case_id.in_(ids))
        .order_by(Outcome.id)
    )
    return subjects, categories, suspensions, referrals, outcomes


def _outcome(row) -> dict:
    (
        _,
        finding,
        sanction,
        rights_decision,
        content_removed,
        summary,
        decider_id,
        decider_email,
        decider_name,
        decided_at,
        live_until,
        appeal_due_on,
        override_by,
        action_text,
        action_at,
        superseded_at,
        superseder_id,
        superseder_email,
        superseder_name,
        superseded_reason,
        subject_id,
        subject_email,
        subject_name,
        waived_at,
        waived_reason,
    ) = row
    return {
        "finding": _code(FINDINGS, finding),
        "sanction": _code(SANCTIONS, sanction),
        "rights_decision": _code(RIGHTS_DECISIONS, rights_decision, optional=True),
        "content_removed": bool(content_removed),
        "summary": summary,
        "decided_by": _person(decider_id, decider_email, decider_name),
        "decided_at": moment(decided_at),
        "live_until": moment(live_until),
        "appeal_due_on": moment(appeal_due_on),
        "separation_overridden": override_by is not None,
        "contractor_action": action_text,
        "contractor_action_at": moment(action_at),
        "superseded_at": moment(superseded_at),
        "superseded_by": _person(superseder_id, superseder_email, superseder_name),
        "superseded_reason": superseded_reason,
        "subject": _person(subject_id, subject_email, subject_name) if subject_id else None,
        "appeal_waived_at": moment(waived_at),
        "appeal_waived_reason": waived_reason,
    }


def _full(row, held: dict) -> dict:
    outcomes = held["outcomes"]
    standing = next((outcome for outcome, superseded in reversed(outcomes) if not superseded), None)
    return {
        "view": FULL,
        "reference": row.reference,
        "kind": _code(KINDS, row.kind),
        "stage": _code(STAGES, row.stage),
        "version": row.version,
        "source": _code(SOURCES, row.source),
        "subjects": held["subjects"],
        "categories": held["categories"],
        "platform": _code(PLATFORMS, row.platform),
        "incident_date": moment(row.incident_date),
        "severity": _code(SEVERITIES, row.severity, optional=True),
        "flags": [flag for flag in FLAGS if getattr(row, flag)],
        "department": row.department_name,
        "reporter": _person(row.reporter_id, row.reporter_email, row.reporter_name),
        "owner": _person(row.owner_id, row.owner_email, row.owner_name),
        "investigator": _person(row.investigator_id, row.investigator_email, row.investigator_name),
        "suspensions": held["suspensions"],
        "referrals": held["referrals"],
        "outcome": standing,
        "outcome_history": [outcome for outcome, _ in outcomes],
        "next_deadline": (
            None
            if row.next_deadline_at is None
            else {"at": row.next_deadline_at.isoformat(), "label": row.next_deadline_label}
        ),
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
        "closed_at": moment(row.closed_at),
        "route": _code(ROUTES, row.route, optional=True),
    }


def _reporter(row) -> dict:
    return {
        "view": REPORTER,
        "reference": row.reference,
        "kind": _code(KINDS, row.kind),
        "status": _code(STATUSES, reporter_status(row.stage)),
        "created_at": row.created_at.isoformat(),
        "platform": _code(PLATFORMS, row.platform),
        "incident_date": moment(row.incident_date),
    }


def answer(session, rows: list, full_view: set[int], next_cursor: str | None) -> dict:
    """The JSON of a page of cases (rows of `page_columns`), each as its reader may see it in a list: the
    collections of the cases seen in full read one statement each."""
    held = {
        row.id: {"subjects": [], "categories": [], "suspensions": [], "referrals": [], "outcomes": []}
        for row in rows
        if row.id in full_view
    }
    if held:
        subjects, categories, suspensions, referrals, outcomes = _collection_statements()
        ids = {"ids": list(held)}
        for case_id, email, name, staff_type, department, contractor_org in session.execute(subjects, ids):
            held[case_id]["subjects"].append(
                {
                    "email": email,
                    "name": name,
                    "staff_type": _code(STAFF_TYPES, staff_type),
                    "department": department,
                    "contractor_org": contractor_org,
                }
            )
        for case_id, category in session.execute(categories, ids):
            held[case_id]["categories"].append(_code(CATEGORIES, category))
        for item in session.execute(suspensions, ids):
            held[item[0]]["suspensions"].append(
                {
                    "id": item[1],
                    "subject": _person(*item[2:5]),
                    "account": None
                    if item[5] is None
                    else {"id": item[5], "platform": _code(PLATFORMS, item[6]), "handle": item[7]},
                    "all_accounts": item[5] is None,
                    "reason": item[8],
                    "started_at": moment(item[9]),
                    "authorised_by": _person(*item[10:13]),
                    "next_review_on": moment(item[13]),
                    "active": item[14] is None,
                    "lifted_at": moment(item[14]),
                    "lifted_by": _person(*item[15:18]),
                    "lift_reason": item[18],
                }
            )
        for item in session.execute(referrals, ids):
            held[item[0]]["referrals"].append(
                {
                    "id": item[1],
                    "agency": _code(AGENCIES, item[2]),
                    "status": _code(REFERRAL_STATUSES, item[3]),
                    "reason": item[4],
                    "agency_reference": item[5],
                    "referred_by": _person(*item[6:9]),
                    "referred_at": moment(item[9]),
                    "due_at": moment(item[10]),
                    "result": item[11],
                    "updated_at": moment(item[12]),
                }
            )
        for item in session.execute(outcomes, ids):
            held[item[0]]["outcomes"].append((_outcome(item), item.superseded_at is not None))
    items = [_full(row, held[row.id]) if row.id in held else _reporter(row) for row in rows]
    return {"items": items, "next_cursor": next_cursor}
