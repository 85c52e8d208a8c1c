"""The case report shows the fair process: allegations with findings, the investigation report, HR's advice,
hearings, the outcome of each person, appeals, every separation-of-duties override and declared conflict."""

from casework.services.exports import case_report_pdf
from tests.integration.test_process_letters import act, at, decided, heard, people, whole  # noqa: F401


def test_the_case_report_shows_the_whole_fair_process(people, make_case, db_session):  # noqa: F811
    p = people
    case = heard(p, make_case, db_session)
    with at(0.5):
        act(case, p["hr"], "declare_conflict", conflict="no", text="I have never worked with Sam.")
    decided(p, case)
    with at(10):
        act(
            case,
            p["manager"],
            "lodge_appeal",
            subject=p["subject"].email,
            grounds="Too severe for a first mistake.",
            appeal_officer=p["investigator"].email,
            override_reason="No other senior manager is free this month.",
        )
        act(
            case,
            p["investigator"],
            "decide_appeal",
            subject=p["subject"].email,
            result="varied",
            sanction="first_written_warning",
            reason="A first breach, admitted at once.",
        )
    text = whole(case_report_pdf(case, p["hr"]))

    assert "Allegations and findings" in text
    assert "What is alleged Posted a resident's address." in text and "Finding Substantiated" in text
    assert "Investigation report Recommendation A disciplinary hearing" in text
    assert "The post was made from the subject's account." in text
    assert "HR advice" in text and "A final written warning is consistent." in text
    assert "Hearing officer Rita HR" in text and "The companion is on leave" in text
    # One outcome a person, the one that stands after the appeal; the earlier one kept as superseded
    assert "Sam Subject Substantiated; First written warning" in text
    assert "Pat Second Not substantiated; No action" in text
    assert "Cora Contractor Substantiated; Referred to contractor; decided by Rita HR, 11 Mar 2026 21:00 " in text
    assert "Earlier outcome (superseded) Sam Subject: Substantiated, Final written warning" in text
    assert "Appeals" in text and "Too severe for a first mistake." in text
    assert "Varied: a different sanction – now First written warning" in text
    assert "Separation of duties set aside" in text
    assert "Ivan Investigator as appeal officer" in text
    assert "No other senior manager is free this month." in text
    assert "Conflicts of interest declared" in text and "I have never worked with Sam." in text
    # The chronology tells the process in sentences
    assert "Hearing postponed from 9 March 2026 at 10:00 to 11 March 2026 at 14:00" in text
    assert "Appeal of Sam Subject varied: the sanction is now first written warning" in text
