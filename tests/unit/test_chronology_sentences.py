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


# --- the fair process (issue 10) -------------------------------------------------------------

PROCESS_NAMES = {**NAMES, "hana@council.test": "Hana Hearing", "hugo@council.test": "Hugo Head"}


def process_names(email):
    return PROCESS_NAMES.get(email, email)


def test_a_corrected_case_gives_old_and_new_values_and_the_reason():
    text = describe(
        "update_case",
        {
            "reason": "The report named the wrong category",
            "before": {"severity": "low", "aware_at": "2026-03-02T09:00:00+00:00"},
            "after": {
                "severity": "high",
                "aware_at": "2026-02-27T16:30:00+00:00",
                "allegations": [{"subject": "sam@council.test", "category": "defamation", "text": "Named a resident"}],
            },
        },
        process_names,
    )
    assert "Severity: Low → High." in text
    assert "The council became aware on 27 February 2026 at 16:30 (was 2 March 2026 at 09:00)." in text
    assert "Allegations now: Sam Jones, defamation: Named a resident." in text
    assert text.endswith("Reason: The report named the wrong category.")


def test_the_investigation_report_and_hr_advice_read_as_sentences():
    text = describe(
        "record_investigation_report",
        {
            "findings": [
                {"subject": "sam@council.test", "category": "defamation", "finding": "partly_substantiated"},
                {"subject": "bo@council.test", "category": "defamation", "finding": "not_substantiated"},
            ],
            "summary": "Two posts reviewed",
            "recommendation": "disciplinary_hearing",
        },
        process_names,
    )
    assert text == (
        "Findings: Sam Jones, defamation: partly substantiated; Bo Brown, defamation: not substantiated. "
        "Recommendation: a disciplinary hearing. Summary: Two posts reviewed."
    )
    assert describe("record_hr_advice", {"text": "Consistent with past cases"}) == (
        "HR advised: Consistent with past cases."
    )


def test_hearings_arranged_and_postponed_with_any_override():
    text = describe(
        "arrange_hearing",
        {
            "hearing_officer": "hana@council.test",
            "hearing_at": "2026-03-09T10:00:00+00:00",
            "subjects": ["sam@council.test", "bo@council.test"],
            "override": {
                "role": "hearing_officer",
                "person": "hana@council.test",
                "rules": ["Hana Hearing is the line manager of Sam Jones"],
                "reason": "The only manager in a small team",
            },
        },
        process_names,
    )
    assert text.startswith(
        "Hearing of Sam Jones and Bo Brown arranged for 9 March 2026 at 10:00, heard by Hana Hearing."
    )
    assert text.endswith(
        "Separation of duties set aside for Hana Hearing as hearing officer (Hana Hearing is the line manager of "
        "Sam Jones): The only manager in a small team."
    )
    assert (
        describe(
            "postpone_hearing",
            {
                "from": "2026-03-09T10:00:00+00:00",
                "hearing_at": "2026-03-11T14:00:00+00:00",
                "reason": "Companion away",
            },
        )
        == "Hearing postponed from 9 March 2026 at 10:00 to 11 March 2026 at 14:00: Companion away."
    )


def test_outcomes_per_person():
    text = describe(
        "record_outcome",
        {
            "outcomes": [
                {
                    "subject": "sam@council.test",
                    "finding": "substantiated",
                    "sanction": "final_written_warning",
                    "live_until": "2027-03-11",
                    "appeal_due_on": "2026-03-18",
                    "rights_decision": "revoked",
                },
                {"subject": "bo@council.test", "finding": "not_substantiated", "sanction": "no_action"},
            ],
            "summary": "s",
            "content_removed": False,
        },
        process_names,
    )
    assert text == (
        "Sam Jones: substantiated, final written warning, live until 11 March 2027, publishing rights revoked, "
        "appeal by 18 March 2026. Bo Brown: not substantiated, no action. The content was not removed."
    )


def test_appeals_lodged_decided_and_waived():
    assert describe(
        "lodge_appeal",
        {
            "subject": "sam@council.test",
            "grounds": "Too severe",
            "appeal_officer": "hugo@council.test",
            "late_reason": "In hospital",
        },
        process_names,
    ) == (
        "Sam Jones appealed, to be heard by Hugo Head. Grounds: Too severe. Lodged after the appeal window "
        "because: In hospital."
    )
    assert describe(
        "decide_appeal",
        {
            "subject": "sam@council.test",
            "result": "varied",
            "reason": "A first breach",
            "sanction": "first_written_warning",
            "supersedes": {"sanction": "final_written_warning", "finding": "substantiated"},
        },
        process_names,
    ) == (
        "Appeal of Sam Jones varied: the sanction is now first written warning (was final written warning): "
        "A first breach."
    )
    assert (
        describe("decide_appeal", {"subject": "sam@council.test", "result": "upheld", "reason": "Fair"}, process_names)
        == "Appeal of Sam Jones upheld: the outcome stands: Fair."
    )
    assert (
        describe(
            "decide_appeal",
            {"subject": "sam@council.test", "result": "overturned", "reason": "No evidence"},
            process_names,
        )
        == "Appeal of Sam Jones overturned: the outcome is set aside: No evidence."
    )
    assert describe("waive_appeal", {"subject": "sam@council.test", "reason": "Letter of 3 March"}, process_names) == (
        "Sam Jones said in writing they will not appeal: Letter of 3 March."
    )


def test_conflicts_and_reassignment():
    assert (
        describe("declare_conflict", {"conflict": True, "text": "Sam is my neighbour", "roles": ["hearing_officer"]})
        == "Declared a conflict of interest as hearing officer: Sam is my neighbour."
    )
    assert describe("declare_conflict", {"conflict": False, "text": "None", "roles": []}) == (
        "Declared no conflict of interest: None."
    )
    assert (
        describe(
            "reassign",
            {
                "role": "hearing_officer",
                "before": ["hana@council.test"],
                "person": "hugo@council.test",
                "reason": "Conflict",
            },
            process_names,
        )
        == "Hearing officer: Hana Hearing → Hugo Head. Reason: Conflict."
    )


def test_an_outcome_letter_says_when_the_appeal_window_ends():
    text = describe(
        "letter_issued",
        {"letter": "outcome", "recipient_name": "Sam Jones", "sha256": "a" * 64, "appeal_due_on": "2026-03-23"},
    )
    assert text == (
        "Outcome of the disciplinary process to Sam Jones. SHA-256 aaaaaaaaaaaaaaaa…. The appeal window runs from "
        "this letter: appeal by 23 March 2026."
    )
