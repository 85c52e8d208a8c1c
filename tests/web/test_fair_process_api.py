"""The fair process through the API: the demo-like breach taken through investigation report, HR
advice, hearing, outcome, appeal and close; each bad input a clear 409 or 422 that changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest

from casework.models import clock_at
from tests.web.test_api_fixtures import (  # noqa: F401 (fixtures)
    Api,
    api_fixture,
    council_fixture,
)

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def on(days):
    return clock_at(MONDAY + timedelta(days=days))


def unchanged(api, user, reference, action, expect, **params):
    """The action is refused with `expect`; the case's version and trail are as they were. The error body."""
    before = api.case(user, reference)
    body = api.act(user, reference, action, expect=expect, **params)
    after = api.case(user, reference)
    assert after["version"] == before["version"] and after["stage"] == before["stage"]
    return body["error"]


@pytest.fixture
def investigated(api: Api, council):
    p = council
    with on(0):
        reference = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
        api.act(p["manager2"], reference, "take_ownership")
        api.act(
            p["manager2"],
            reference,
            "start_investigation",
            investigator=p["investigator"].email,
            no_suspension_reason="-",
        )
        case = api.case(p["hr"], reference)
        assert [a["category"] for a in case["allegations"]] == ["confidential_information"]
        api.act(
            p["investigator"],
            reference,
            "record_investigation_report",
            findings=[
                {"subject": p["subject"].email, "category": "confidential_information", "finding": "substantiated"}
            ],
            summary="The post came from Sam's account.",
            recommendation="disciplinary_hearing",
        )
    return reference


def test_hearing_final_warning_appeal_varied_then_close(api: Api, council, investigated):
    p, reference = council, investigated
    with on(0):
        error = unchanged(
            api,
            p["hr"],
            reference,
            "record_outcome",
            422,
            finding="substantiated",
            sanction="final_written_warning",
            summary="s",
        )
        assert "hearing" in error["fields"]["sanction"]
        api.act(p["hr"], reference, "record_hr_advice", text="A final written warning is consistent.")
        error = unchanged(
            api,
            p["manager2"],
            reference,
            "arrange_hearing",
            422,
            hearing_officer=p["hr"].email,
            hearing_at="2026-03-07T10:00",
            subjects=[p["subject"].email],
        )
        assert "Saturday" in error["fields"]["hearing_at"]
        error = unchanged(
            api,
            p["manager2"],
            reference,
            "arrange_hearing",
            422,
            hearing_officer=p["hr"].email,
            hearing_at="2026-03-03T10:00",
            subjects=[p["subject"].email],
        )
        assert "5 working days" in error["fields"]["hearing_at"]
        case = api.act(
            p["manager2"],
            reference,
            "arrange_hearing",
            hearing_officer=p["hr"].email,
            hearing_at="2026-03-09T10:00",
            subjects=[p["subject"].email],
        )
    assert case["stage"] == "hearing" and case["hearing_officer"]["email"] == p["hr"].email
    with on(7.2):
        # a manager (the owner) may not decide after a hearing: only its hearing officer
        unchanged(
            api,
            p["manager2"],
            reference,
            "record_outcome",
            403,
            finding="substantiated",
            sanction="training",
            summary="s",
        )
        case = api.act(
            p["hr"],
            reference,
            "record_outcome",
            finding="substantiated",
            sanction="final_written_warning",
            summary="Posted a resident's address.",
            companion="A colleague",
        )
    assert case["stage"] == "outcome"
    assert case["outcome"]["sanction"] == "final_written_warning"
    [mine] = case["outcomes"]
    assert mine["subject"]["email"] == p["subject"].email and mine["live_until"] and mine["appeal"] is None
    with on(8):
        unchanged(api, p["manager2"], reference, "close", 409)
        error = unchanged(
            api,
            p["manager2"],
            reference,
            "lodge_appeal",
            422,
            subject=p["subject"].email,
            grounds="Too severe",
            appeal_officer=p["investigator"].email,
        )
        assert "investigator" in error["fields"]["appeal_officer"]
        case = api.act(
            p["manager2"],
            reference,
            "lodge_appeal",
            subject=p["subject"].email,
            grounds="Too severe",
            appeal_officer=p["head"].email,
        )
    assert case["stage"] == "appeal" and case["appeals"][0]["appeal_officer"]["email"] == p["head"].email
    with on(10):
        unchanged(
            api, p["hr"], reference, "decide_appeal", 403, subject=p["subject"].email, result="upheld", reason="r"
        )
        case = api.act(
            p["head"],
            reference,
            "decide_appeal",
            subject=p["subject"].email,
            result="varied",
            sanction="first_written_warning",
            reason="A first breach.",
        )
    assert case["stage"] == "outcome" and case["outcome"]["sanction"] == "first_written_warning"
    first, second = case["outcomes"]
    assert first["superseded"] and first["appeal"]["result"] == "varied" and not second["superseded"]
    with on(11):
        case = api.act(p["manager2"], reference, "close")
    assert case["stage"] == "closed"


def test_informal_outcome_and_the_appeal_window(api: Api, council, investigated):
    p, reference = council, investigated
    with on(1):
        for sanction in ("first_written_warning", "summary_dismissal"):
            unchanged(
                api,
                p["manager2"],
                reference,
                "record_outcome",
                422,
                finding="substantiated",
                sanction=sanction,
                summary="s",
            )
        api.act(p["manager2"], reference, "record_outcome", finding="substantiated", sanction="training", summary="s")
        error = unchanged(api, p["manager2"], reference, "close", 409)
        assert "appeal window" in error["message"]
    with on(30):
        error = unchanged(
            api,
            p["manager2"],
            reference,
            "lodge_appeal",
            422,
            subject=p["subject"].email,
            grounds="g",
            appeal_officer=p["head"].email,
        )
        assert "late_reason" in error["fields"]
        case = api.act(p["manager2"], reference, "close")  # the window has passed
    assert case["stage"] == "closed"


def test_dismissal_by_a_manager_is_refused(api: Api, council, investigated):
    p, reference = council, investigated
    with on(0):
        api.act(p["hr"], reference, "record_hr_advice", text="Gross misconduct is alleged.")
        api.act(
            p["manager2"],
            reference,
            "arrange_hearing",
            hearing_officer=p["outsider"].email,
            hearing_at="2026-03-09T10:00",
            subjects=[p["subject"].email],
        )
    with on(7.2):
        error = unchanged(
            api,
            p["outsider"],
            reference,
            "record_outcome",
            422,
            finding="substantiated",
            sanction="dismissal_with_notice",
            summary="s",
        )
        assert "HR or a head of service" in error["fields"]["sanction"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"findings": "yes"}, None),  # not a list: a 400
        (
            {"findings": [{"subject": "x@y.z", "category": "confidential_information", "finding": "substantiated"}]},
            "findings.0",
        ),
        ({"findings": [{"subject": "SAM", "category": "confidential_information", "finding": "guilty"}]}, "findings.0"),
    ],
)
def test_bad_investigation_reports(api: Api, council, params, field):
    p = council
    reference = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    api.act(p["manager2"], reference, "take_ownership")
    api.act(
        p["manager2"], reference, "start_investigation", investigator=p["investigator"].email, no_suspension_reason="-"
    )
    body = {"summary": "s", "recommendation": "disciplinary_hearing", **params}
    expect = 400 if field is None else 422
    error = unchanged(api, p["investigator"], reference, "record_investigation_report", expect, **body)
    if field:
        assert any(name.startswith(field) for name in error["fields"]), error
