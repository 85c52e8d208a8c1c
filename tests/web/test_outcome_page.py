"""The page where an outcome is decided shows what the person deciding must weigh (Acceptable Use of
Social Media Policy 9: like misconduct gets like outcomes): the subjects' warnings, live and
expired, and the sanctions given in past cases of the same categories."""

import html
import re
from datetime import UTC, date, datetime

from casework.models import Outcome
from casework.services.deadlines import london_today
from casework.services.workflow import perform


def words(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def past_outcome(make_case, db_session, reporter, subjects, categories, sanction, decided, live_until=None, **extra):
    case = make_case(reporter, subjects=subjects, categories=categories)
    db_session.add(
        Outcome(
            case=case,
            finding="substantiated",
            sanction=sanction,
            summary="Earlier case",
            decided_by_id=reporter.id,
            decided_at=decided,
            live_until=live_until,
            **extra,
        )
    )
    db_session.flush()
    return case


def test_the_outcome_page_shows_live_and_expired_warnings_and_similar_sanctions(
    client, login_as, make_user, make_department, make_case, db_session
):
    housing = make_department("Housing")
    hr = make_user("hr", name="Hana HR")
    manager = make_user("manager", department=housing)
    sam = make_user(department=housing, line_manager=manager, password=None, name="Sam Jones")
    other = make_user(department=housing, line_manager=manager, password=None, name="Olly Other")
    reporter = make_user(department=housing)
    today = london_today()
    live = past_outcome(
        make_case,
        db_session,
        reporter,
        [sam],
        ["defamation"],
        "final_written_warning",
        datetime(2025, 12, 1, 10, tzinfo=UTC),
        live_until=date(today.year + 1, 1, 1),
    )
    expired = past_outcome(
        make_case,
        db_session,
        reporter,
        [sam],
        ["harassment"],
        "first_written_warning",
        datetime(2023, 3, 1, 10, tzinfo=UTC),
        live_until=date(2023, 9, 1),
    )
    for sanction in ("training", "training", "management_advice"):
        past_outcome(
            make_case, db_session, reporter, [other], ["defamation"], sanction, datetime(2024, 5, 1, tzinfo=UTC)
        )
    # A superseded outcome is history, not a sanction given: it counts for nothing here
    past_outcome(
        make_case,
        db_session,
        reporter,
        [other],
        ["defamation"],
        "summary_dismissal",
        datetime(2024, 5, 1, tzinfo=UTC),
        superseded_at=datetime(2024, 6, 1, tzinfo=UTC),
        superseded_by_id=hr.id,
        superseded_reason="Reopened",
    )

    case = make_case(reporter, subjects=[sam], categories=["defamation"])
    perform(case, hr, "take_ownership", {}, version=case.version)
    perform(
        case,
        hr,
        "start_investigation",
        {
            "investigator": manager.email,
            "no_suspension_reason": "Personal page",
            "override_reason": "Sam's line manager is the only manager free",
        },
        version=case.version,
    )
    login_as(hr)
    page = words(client.get(f"/cases/{case.reference}/actions/record_outcome"))

    warnings = page.split("Warnings on record", 1)[1].split("Sanctions in similar cases", 1)[0]
    assert f"Sam Jones Final written warning {live.reference} 1 January {today.year + 1} Live" in warnings
    assert f"Sam Jones First written warning {expired.reference} 1 September 2023 Expired" in warnings
    assert warnings.index("Live") < warnings.index("Expired"), "live warnings come first"

    similar = page.split("Sanctions in similar cases", 1)[1].split("Finding", 1)[0]
    assert "Defamation" in similar
    for given in ("Final written warning: 1", "Management advice (informal): 1", "Training: 2"):
        assert given in similar
    assert "dismissal" not in similar
