"""What a report must contain (casework.domain.intake), with the messages people see."""

from dataclasses import replace
from datetime import date

import pytest

from casework.domain.intake import DESCRIPTION_MAX, URL_MAX, ReportInput, validate_report

TODAY = date(2026, 3, 27)
REPORTER = "reporter@council.invalid"
DIRECTORY = {"subject@council.invalid", "other@council.invalid", REPORTER}

BREACH = ReportInput(
    kind="breach",
    subjects=["subject@council.invalid"],
    categories=["confidential_information"],
    platform="facebook",
    content_url="https://www.facebook.com/posts/1",
    incident_date=date(2026, 3, 1),
    description="Posted a resident's address.",
)
ABUSE = ReportInput(
    kind="abuse",
    subjects=[],
    categories=["threats"],
    platform="x",
    incident_date=date(2026, 3, 1),
    description="Threatening replies to my post.",
)
COMPLAINT = replace(
    BREACH, source="public_complaint", complainant_name="A Resident", complainant_contact="07700 900000"
)


def errors(report: ReportInput, *, may_log_complaint=False, reporter=REPORTER, **changes) -> dict[str, str]:
    return validate_report(
        replace(report, **changes),
        today=TODAY,
        may_log_complaint=may_log_complaint,
        known_subjects=DIRECTORY,
        reporter_email=reporter,
    )


@pytest.mark.parametrize(
    "report",
    [
        BREACH,
        ABUSE,
        replace(ABUSE, subjects=["subject@council.invalid"]),
        replace(BREACH, content_url="", severity="high", flags=["personal_data_involved", "criminal_offence"]),
        replace(BREACH, subjects=["  Subject@Council.INVALID ", "other@council.invalid", ""]),
        replace(BREACH, incident_date=TODAY, description="Line one\r\n\tLine two"),
        replace(BREACH, categories=["harassment", "defamation"], content_url="http://example.org/a?b=c#d"),
    ],
    ids=["breach", "abuse", "abuse naming staff", "severity and flags", "e-mails tidied", "today", "several"],
)
def test_a_good_report_has_no_errors(report):
    assert errors(report) == {}


def test_a_manager_may_log_each_complaint_source():
    for source in ("public_complaint", "colleague", "council_monitoring", "platform"):
        assert errors(COMPLAINT, may_log_complaint=True, source=source) == {}, source


@pytest.mark.parametrize(
    ("report", "changes", "field", "message"),
    [
        (BREACH, {"kind": ""}, "kind", "Select whether this is a breach of policy or online abuse"),
        (BREACH, {"kind": "gossip"}, "kind", "Select whether this is a breach of policy or online abuse"),
        (BREACH, {"subjects": ["nobody@council.invalid"]}, "subjects", "Choose people from the staff directory"),
        (
            BREACH,
            {"subjects": ["subject@council.invalid", "nobody@council.invalid"]},
            "subjects",
            "Choose people from the staff directory",
        ),
        (BREACH, {"subjects": []}, "subjects", "Choose who the report is about"),
        (BREACH, {"subjects": ["", "  "]}, "subjects", "Choose who the report is about"),
        (BREACH, {"subjects": [REPORTER]}, "subjects", "You cannot report yourself as the person concerned"),
        (BREACH, {"subjects": [REPORTER.upper()]}, "subjects", "You cannot report yourself as the person concerned"),
        (ABUSE, {"subjects": [REPORTER]}, "subjects", "You cannot report yourself as the person concerned"),
        (
            BREACH,
            {"subjects": ["subject@council.invalid", "SUBJECT@council.invalid"]},
            "subjects",
            "Choose each person once",
        ),
        (BREACH, {"categories": []}, "categories", "Select at least one category"),
        (BREACH, {"categories": ["gossip"]}, "categories", "Select categories from the list"),
        (BREACH, {"categories": ["threats"]}, "categories", "Select categories from the list"),
        (ABUSE, {"categories": ["defamation"]}, "categories", "Select categories from the list"),
        (BREACH, {"platform": ""}, "platform", "Select the platform"),
        (BREACH, {"platform": "myspace"}, "platform", "Select the platform"),
        (
            BREACH,
            {"content_url": "javascript:alert(1)"},
            "content_url",
            "Enter a web address starting with http:// or https://",
        ),
        (
            BREACH,
            {"content_url": "JavaScript://%0aalert(1)"},
            "content_url",
            "Enter a web address starting with http:// or https://",
        ),
        (
            BREACH,
            {"content_url": "www.facebook.com/x"},
            "content_url",
            "Enter a web address starting with http:// or https://",
        ),
        (
            BREACH,
            {"content_url": "ftp://example.org/x"},
            "content_url",
            "Enter a web address starting with http:// or https://",
        ),
        (BREACH, {"content_url": "https://"}, "content_url", "Enter a web address starting with http:// or https://"),
        (
            BREACH,
            {"content_url": "https://example.org/a b"},
            "content_url",
            "Enter a web address starting with http:// or https://",
        ),
        (
            BREACH,
            {"content_url": "https://example.org/\x00"},
            "content_url",
            "Enter a web address starting with http:// or https://",
        ),
        (
            BREACH,
            {"content_url": "https://example.org/" + "a" * URL_MAX},
            "content_url",
            f"Web address must be {URL_MAX} characters or fewer",
        ),
        (BREACH, {"incident_date": None}, "incident_date", "Enter the date of the incident"),
        (
            BREACH,
            {"incident_date": date(2026, 3, 28)},
            "incident_date",
            "Date of the incident must be today or in the past",
        ),
        (BREACH, {"incident_date": date(1989, 12, 31)}, "incident_date", "Date of the incident must be after 1990"),
        (BREACH, {"description": ""}, "description", "Describe what happened"),
        (BREACH, {"description": " \n\t "}, "description", "Describe what happened"),
        (
            BREACH,
            {"description": "x" * (DESCRIPTION_MAX + 1)},
            "description",
            "Description must be 20,000 characters or fewer",
        ),
        (BREACH, {"description": "a\x00b"}, "description", "Description must not contain control characters"),
        (BREACH, {"description": "bell\x07"}, "description", "Description must not contain control characters"),
        (BREACH, {"severity": "apocalyptic"}, "severity", "Select a severity from the list"),
        (BREACH, {"flags": ["haunted"]}, "flags", "Select flags from the list"),
        (
            BREACH,
            {"source": "public_complaint"},
            "source",
            "Only managers and HR can log a complaint for someone else",
        ),
        (BREACH, {"source": "colleague"}, "source", "Only managers and HR can log a complaint for someone else"),
        (BREACH, {"source": "rumour"}, "source", "Only managers and HR can log a complaint for someone else"),
    ],
)
def test_each_bad_input_gets_its_message(report, changes, field, message):
    found = errors(report, **changes)
    assert found.get(field) == message, found


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"source": "rumour"}, "source", "Select where the report came from"),
        ({"complainant_name": ""}, "complainant_name", "Enter the complainant's name"),
        ({"complainant_name": "   "}, "complainant_name", "Enter the complainant's name"),
        ({"complainant_name": "x" * 201}, "complainant_name", "Complainant's name must be 200 characters or fewer"),
        (
            {"complainant_name": "A\x1bResident"},
            "complainant_name",
            "Complainant's name must not contain control characters",
        ),
        (
            {"complainant_contact": "x" * 301},
            "complainant_contact",
            "Complainant's contact details must be 300 characters or fewer",
        ),
    ],
)
def test_complaint_checks_for_managers(changes, field, message):
    found = errors(COMPLAINT, may_log_complaint=True, **changes)
    assert found.get(field) == message, found


def test_only_a_public_complaint_needs_the_complainants_name():
    assert errors(COMPLAINT, may_log_complaint=True, source="council_monitoring", complainant_name="") == {}


def test_a_missing_kind_is_the_only_error_reported():
    assert errors(ReportInput()) == {"kind": "Select whether this is a breach of policy or online abuse"}


def test_every_problem_is_reported_at_once():
    found = errors(
        BREACH,
        subjects=[],
        categories=[],
        platform="",
        incident_date=None,
        description="",
        content_url="javascript:alert(1)",
    )
    assert set(found) == {"subjects", "categories", "platform", "incident_date", "description", "content_url"}
