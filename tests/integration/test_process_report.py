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


def test_a_subject_access_export_gives_the_persons_allegations_hearings_outcomes_and_appeals(
    people,  # noqa: F811
    make_case,
    db_session,
):
    import io
    import zipfile

    from pypdf import PdfReader

    from casework.services.subject_access import export_subject_access

    p = people
    case = heard(p, make_case, db_session)
    decided(p, case)
    with at(10):
        act(
            case,
            p["manager"],
            "lodge_appeal",
            subject=p["subject"].email,
            grounds="Too severe.",
            appeal_officer=p["hos"].email,
        )
        act(
            case,
            p["hos"],
            "decide_appeal",
            subject=p["subject"].email,
            result="varied",
            sanction="first_written_warning",
            reason="A first breach.",
        )
        export = export_subject_access(p["hr"], p["subject"])
        others = export_subject_access(p["hr"], p["second"]).document
    doc = export.document
    assert [(a["category"], a["finding"]) for a in doc["allegations"]] == [
        ("confidential_information", "substantiated")
    ]
    assert [(o["sanction"], o["superseded"]) for o in doc["outcomes"]] == [
        ("final_written_warning", True),
        ("first_written_warning", False),
    ]
    assert [(a["grounds"], a["result"], a["appeal_officer"]) for a in doc["appeals"]] == [
        ("Too severe.", "varied", "Hugo Head")
    ]
    [hearing] = doc["hearings"]
    assert hearing["hearing_officer"] == "Rita HR" and hearing["postponed_reason"] == "The companion is on leave"
    # Another person's outcome, appeal and allegations are not in it
    assert [o["sanction"] for o in others["outcomes"]] == ["no_action"]
    assert others["appeals"] == [] and len(others["allegations"]) == 1

    with zipfile.ZipFile(io.BytesIO(export.zip_bytes)) as archive:
        pdf = archive.read("subject-access.pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Allegations against this person" in text and "Posted a resident's address." in text
    assert "Hearings this person was invited to" in text and "The companion is on leave" in text
    assert "Appeals by this person" in text and "Too severe." in text
    assert "Varied: a different sanction: A first breach." in text
