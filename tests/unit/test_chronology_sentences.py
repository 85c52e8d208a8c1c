"""Each chronology line reads as a sentence of what changed (issue 9 item 8), never raw data."""

from casework.reports.event_details import describe

NAMES = {"ann@council.test": "Ann Owner", "bo@council.test": "Bo Brown", "sam@council.test": "Sam Jones"}


def names(email):
    return NAMES.get(email, email)


def test_a_change_reads_as_before_and_after():
    text = describe(
        "update_case", {"before": {"categories": ["defamation"]}, "after": {"categories": ["harassment"]}}, names
    )
    assert text == "Categories: Defamation → Harassment or bullying."


def test_a_reassignment_names_the_people():
    text = describe(
        "reassigned", {"before": {"owner": "ann@council.test"}, "after": {"owner": "bo@council.test"}}, names
    )
    assert text == "Owner: Ann Owner → Bo Brown."
    assert describe("reassigned", {"before": {}, "after": {"investigator": "bo@council.test"}}, names) == (
        "Investigator: nobody → Bo Brown."
    )


def test_the_ico_and_police_decisions_read_as_sentences():
    assert describe(
        "record_ico_decision", {"decision": "reported", "reason": "Addresses posted", "ico_reference": "IC-1"}
    ) == ("Decided to report the breach to the ICO: Addresses posted. ICO reference: IC-1.")
    assert describe("record_police_decision", {"decision": "not_refer", "reason": "No threat of violence"}) == (
        "Decided not to refer the case to the police: No threat of violence."
    )


def test_an_interview_says_who_and_in_what_role():
    text = describe("add_note", {"kind": "interview", "interviewee_name": "Pat Lee", "interviewee_role": "witness"})
    assert text == "Interview record with Pat Lee, witness added; its text is under Notes."


def test_an_outcome_decided_again_says_what_it_supersedes():
    text = describe(
        "record_outcome",
        {
            "finding": "substantiated",
            "sanction": "summary_dismissal",
            "appeal_due_on": "2026-04-13",
            "supersedes": {"finding": "substantiated", "sanction": "training", "decided_at": "2026-01-05T10:00:00"},
        },
    )
    assert "Sanction: summary dismissal (gross misconduct)." in text
    assert "Appeal by 13 April 2026." in text
    assert text.endswith("This supersedes the earlier outcome (training).")


def test_the_older_dismissal_code_reads_as_summary_dismissal():
    assert "Sanction: summary dismissal (gross misconduct)." in describe("record_outcome", {"sanction": "dismissal"})


def test_a_lift_that_leaves_rights_suspended_elsewhere_says_so():
    text = describe(
        "lift_suspension",
        {
            "subject": "sam@council.test",
            "reason": "Cleared",
            "rights_restored": [],
            "rights_still_suspended_by_other_cases": [3],
        },
        names,
    )
    assert text == (
        "Suspension of Sam Jones lifted: Cleared. Publishing rights stay suspended where another case still "
        "suspends them."
    )
