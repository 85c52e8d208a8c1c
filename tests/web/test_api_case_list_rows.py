"""The API's case list, read as plain rows and answered without records or models (casework.api.case_list),
is byte for byte the JSON the records and the answer's models gave."""

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import joinedload, selectinload

from casework.api import case_list, schemas, serialise
from casework.models import Case, ContractorAction, Outcome, Referral, Suspension, User, utcnow
from casework.services import cases as case_service

from .test_api_fixtures import Api, api_fixture, council_fixture  # noqa: F401  (fixtures)

# How the list loaded its records before it read plain rows
RECORD_LOADING = (
    joinedload(Case.reporter),
    joinedload(Case.owner),
    joinedload(Case.investigator),
    joinedload(Case.department),
    selectinload(Case.subjects).joinedload(User.department),
    selectinload(Case.category_rows),
    selectinload(Case.suspensions).options(
        joinedload(Suspension.subject),
        joinedload(Suspension.account),
        joinedload(Suspension.authorised_by),
        joinedload(Suspension.lifted_by),
    ),
    selectinload(Case.referrals),
    selectinload(Case.outcomes),
    selectinload(Case.contractor_actions),
)


@pytest.fixture
def records_path(monkeypatch):
    """Switch the list to the records and the models, as it answered before."""
    from casework.extensions import db

    listing = case_service.list_cases

    def with_records(*args, columns=None, **kwargs):
        db.session.expire_all()
        return listing(*args, options=RECORD_LOADING, **kwargs)

    def with_models(session, items, full_view, next_cursor):
        return schemas.body(serialise.case_list(items, full_view, next_cursor))

    def switch(on: bool):
        if on:
            monkeypatch.setattr(case_service, "list_cases", with_records)
            monkeypatch.setattr(case_list, "answer", with_models)
        else:
            monkeypatch.undo()

    return switch


@pytest.fixture
def busy_cases(council, make_case, make_user, db_session):
    """Cases with everything a list sends: subjects in and out of a department, a contractor, flags,
    severity, a route, deadlines, suspensions (of an account and of all, lifted or not), referrals,
    outcomes standing and superseded, with and without a subject, and contractor actions."""
    p = council
    contractor = make_user(staff_type="contractor", password=None, name="Cy Contractor")
    contractor.contractor_org = "Acme <Grounds> & Co"
    nobody = make_user(name="Ned No-Department")
    nobody.department_id = None
    now = utcnow()
    made = []
    for number in range(9):
        case = make_case(
            p["reporter"] if number % 3 else p["victim"],
            kind="abuse" if number % 4 == 3 else "breach",
            subjects=[] if number % 4 == 3 else [p["subject"], contractor, nobody][: 1 + number % 3],
            categories=["threats", "harassment"] if number % 4 == 3 else ["political", "confidential_information"],
            owner=p["manager"] if number % 2 else None,
            investigator=p["investigator"] if number % 3 == 1 else None,
        )
        case.severity = ["low", "medium", "high", None][number % 4]
        case.safeguarding_concern = number % 2 == 0
        case.criminal_offence = number % 3 == 0
        case.next_deadline_at = now + timedelta(days=number - 4, minutes=number) if number % 5 else None
        case.next_deadline_label = f"Step {number}" if number % 5 else None
        case.stage = ["reported", "assessment", "investigation", "outcome", "closed"][number % 5]
        if case.stage == "closed":
            case.closed_at = now - timedelta(hours=number)
        made.append(case)
    db_session.flush()
    first, second = made[0], made[1]
    db_session.add_all(
        [
            Suspension(
                case_id=first.id,
                subject_id=p["subject"].id,
                account_id=p["account"].id,
                reason="While investigated",
                authorised_by_id=p["hr"].id,
                next_review_on=date(2026, 3, 1),
            ),
            Suspension(
                case_id=first.id,
                subject_id=p["subject"].id,
                reason="Every account",
                authorised_by_id=p["manager"].id,
                lifted_at=now,
                lifted_by_id=p["hr"].id,
                lift_reason="Cleared",
            ),
            Referral(case_id=first.id, agency="police", reason="Threats", referred_by_id=p["hr"].id),
            Referral(
                case_id=second.id,
                agency="ico",
                reason="Personal data",
                referred_by_id=p["manager"].id,
                due_at=now + timedelta(days=3),
                status="acknowledged",
                agency_reference="ICO/1",
                result="Taken on",
            ),
            Outcome(
                case_id=first.id,
                finding="substantiated",
                sanction="first_written_warning",
                summary="Found",
                decided_by_id=p["hr"].id,
                live_until=date(2027, 1, 1),
                superseded_at=now,
                superseded_by_id=p["manager"].id,
                superseded_reason="Reopened",
            ),
            Outcome(
                case_id=first.id,
                finding="partly_substantiated",
                sanction="no_action",
                rights_decision="restored",
                content_removed=True,
                summary="Decided again",
                decided_by_id=p["manager"].id,
                subject_id=p["subject"].id,
                separation_override_by_id=p["hr"].id,
                appeal_due_on=date(2026, 2, 1),
                appeal_waived_at=now,
                appeal_waived_reason="Accepted",
            ),
            Outcome(
                case_id=second.id,
                finding="not_substantiated",
                sanction="no_action",
                summary="Nothing in it",
                decided_by_id=p["hr"].id,
                superseded_at=now,
            ),
            ContractorAction(case_id=first.id, text="Warned", recorded_by_id=p["head"].id),
            ContractorAction(case_id=first.id, text="Removed from the contract", recorded_by_id=p["head"].id),
        ]
    )
    db_session.flush()
    return made


PATHS = [
    "/cases",
    "/cases?limit=3",
    "/cases?sort=oldest&limit=4",
    "/cases?sort=deadline",
    "/cases?kind=abuse",
    "/cases?q=Sam",
    "/cases?stage=closed",
]


@pytest.mark.parametrize("who", ["hr", "manager", "reporter", "investigator", "head"])
def test_the_list_from_rows_is_the_json_of_the_records_and_models(api: Api, council, busy_cases, records_path, who):
    for base in PATHS:
        path, pages = base, 0
        while path and pages < 5:
            answers = []
            for records in (True, False):
                records_path(records)
                response = api.get(council[who], path)
                assert response.status_code == 200, response.get_json()
                answers.append(response.get_data())
            records_path(False)
            assert answers[0] == answers[1], path
            cursor, pages = response.get_json()["next_cursor"], pages + 1
            path = f"{base}{'&' if '?' in base else '?'}cursor={cursor}" if cursor else None
    everything = api.get(council["hr"], "/cases?limit=100").get_json()["items"]
    first = next(item for item in everything if item["reference"] == busy_cases[0].reference)
    assert len(first["suspensions"]) == 2 and len(first["outcome_history"]) == 2 and first["referrals"]
    assert first["outcome"]["contractor_action"] == "Removed from the contract"
    assert {item["view"] for item in api.get(council["reporter"], "/cases").get_json()["items"]} == {"reporter"}


def test_a_code_outside_its_list_is_refused_as_the_models_refuse_it(api: Api, council, busy_cases, db_session):
    busy_cases[0].severity = "extreme"
    db_session.flush()
    assert api.get(council["hr"], "/cases?limit=100").status_code == 500
    assert api.get(council["hr"], "/cases?kind=abuse").status_code == 200
