"""The deadlines themselves (design §5, issue 9): each one's value, worked out across the Easter
bank-holiday weekend of 2026 (Good Friday 3 April, Easter Monday 6 April) and the early May bank
holiday (4 May), with the case reported on Thursday 2 April 2026 at 10:00 London time (BST).

Working-day deadlines fall due at the end of their day, 23:59:59 London time."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from casework.models import clock_at
from casework.services.deadlines import case_deadlines
from casework.services.workflow import perform

LONDON = ZoneInfo("Europe/London")
REPORTED = datetime(2026, 4, 2, 10, 0, tzinfo=LONDON)  # Thursday before Good Friday


def end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON).astimezone(UTC)


def due(case, key: str) -> datetime:
    found = [d for d in case_deadlines(case) if d.key == key or d.key.startswith(key + ":")]
    assert len(found) == 1, [d.key for d in case_deadlines(case)]
    return found[0].due_at


@pytest.fixture
def council(make_department, make_user):
    head = make_user("head_of_service")
    housing = make_department("Housing", head_of_service=head)
    manager = make_user("manager", department=housing)
    return {
        "housing": housing,
        "hr": make_user("hr"),
        "manager": manager,
        "investigator": make_user("manager", department=housing),
        "reporter": make_user(department=housing),
        "subject": make_user(department=housing, line_manager=manager, password=None),
        "contractor": make_user(department=housing, staff_type="contractor", password=None),
    }


def reported(make_case, council, **fields):
    with clock_at(REPORTED.astimezone(UTC)):
        return make_case(council["reporter"], **fields)


def act(case, actor, action, when: datetime, **params):
    with clock_at(when.astimezone(UTC)):
        perform(case, actor, action, params, version=case.version)


def test_the_ico_decision_is_due_72_calendar_hours_after_awareness(make_case, council):
    """Bank holidays and the weekend do not stop the ICO's clock."""
    case = reported(make_case, council, subjects=[council["subject"]], flags=["personal_data_involved"])
    assert due(case, "ico_decision") == datetime(2026, 4, 5, 10, 0, tzinfo=LONDON)  # Easter Sunday, 10:00


def test_the_lado_referral_is_due_one_working_day_later(make_case, council):
    case = reported(make_case, council, subjects=[council["subject"]], flags=["safeguarding_concern"])
    assert due(case, "lado_referral") == end_of(date(2026, 4, 7))  # Tuesday after Easter Monday


def test_a_contractors_head_of_service_acknowledges_within_one_working_day(make_case, council):
    case = reported(make_case, council, subjects=[council["contractor"]])
    assert due(case, "hos_informed") == end_of(date(2026, 4, 7))


def test_a_threat_needs_a_decision_on_the_police_within_one_working_day(make_case, council):
    case = reported(make_case, council, kind="abuse", categories=["threats"])
    assert due(case, "police_decision") == end_of(date(2026, 4, 7))
    # Doxxing alone is not a threat or a possible crime: no such deadline
    other = reported(make_case, council, kind="abuse", categories=["doxxing"])
    assert not [d for d in case_deadlines(other) if d.key == "police_decision"]


def test_a_suspension_is_reviewed_within_ten_working_days(make_case, council):
    hr, subject = council["hr"], council["subject"]
    case = reported(make_case, council, subjects=[subject])
    act(case, hr, "take_ownership", REPORTED)
    act(case, hr, "suspend_rights", REPORTED, subject=subject.email, reason="While we look")
    # 7, 8, 9, 10, 13, 14, 15, 16, 17, 20 April
    assert due(case, "suspension_review") == end_of(date(2026, 4, 20))
    assert case.suspensions[0].next_review_on == date(2026, 4, 20)


def test_the_investigation_takes_at_most_twenty_working_days(make_case, council):
    hr, subject = council["hr"], council["subject"]
    case = reported(make_case, council, subjects=[subject])
    act(case, hr, "take_ownership", REPORTED)
    act(case, hr, "start_investigation", REPORTED, investigator=council["investigator"].email, no_suspension_reason="x")
    # Easter's four days off, then 7 April … 1 May (19), skipping the early May bank holiday (4 May): 5 May
    assert due(case, "investigation") == end_of(date(2026, 5, 5))


def test_the_appeal_window_closes_five_working_days_after_the_outcome(make_case, council):
    hr, subject = council["hr"], council["subject"]
    case = reported(make_case, council, subjects=[subject])
    act(case, hr, "take_ownership", REPORTED)
    act(case, hr, "start_investigation", REPORTED, investigator=council["investigator"].email, no_suspension_reason="x")
    act(case, hr, "record_outcome", REPORTED, finding="substantiated", sanction="training", summary="Training given")
    # 7, 8, 9, 10, 13 April
    assert case.outcome.appeal_due_on == date(2026, 4, 13)
    assert due(case, "appeal_window") == end_of(date(2026, 4, 13))


def test_a_referral_is_followed_up_and_the_lado_within_its_working_day(make_case, council):
    hr, subject = council["hr"], council["subject"]
    case = reported(make_case, council, subjects=[subject])
    act(case, hr, "take_ownership", REPORTED)
    act(case, hr, "refer", REPORTED, agency="lado", reason="A child's photo")
    act(case, hr, "refer", REPORTED, agency="police", reason="Threats")
    by_agency = {r.agency: r.due_at for r in case.referrals}
    assert by_agency["lado"] == end_of(date(2026, 4, 7))
    # Ten working days: 7 … 17 April, then 20 April
    assert by_agency["police"] == end_of(date(2026, 4, 20))
