"""When a report repeats one the same person sent a few minutes before (issue 9, item 5), as pure rules."""

from datetime import UTC, date, datetime, timedelta

import pytest

from casework.domain.intake import ReportInput, is_repeat_of, report_fingerprint, report_likeness

SENT = datetime(2026, 3, 2, 10, 42, tzinfo=UTC)
WINDOW = timedelta(minutes=30)


def report(**changes) -> ReportInput:
    fields = {
        "kind": "breach",
        "subjects": ["sam.jones@council.invalid", "ali.khan@council.invalid"],
        "categories": ["confidential_information"],
        "platform": "facebook",
        "incident_date": date(2026, 3, 1),
        "description": "Posted a photo of a resident's letter\nwith the address showing.",
    }
    return ReportInput(**{**fields, **changes})


EARLIER = report_likeness("breach", ["sam.jones@council.invalid", "ali.khan@council.invalid"], report().description)


@pytest.mark.parametrize(
    ("changes", "minutes_later", "repeat"),
    [
        ({}, 0, True),
        ({}, 30, True),
        ({}, 31, False),
        ({}, -1, False),  # "sent" in the future: a clock change, not a resend
        ({"subjects": ["ALI.KHAN@council.invalid ", "sam.jones@council.invalid"]}, 5, True),
        ({"description": "  Posted a photo of a resident's letter with the   address showing. "}, 5, True),
        ({"description": "POSTED a photo of a resident's letter with the address showing."}, 5, True),
        ({"platform": "x", "categories": ["disrepute"], "incident_date": date(2026, 2, 1)}, 5, True),
        ({"kind": "abuse"}, 5, False),
        ({"subjects": ["sam.jones@council.invalid"]}, 5, False),
        ({"subjects": [*report().subjects, "pat.lee@council.invalid"]}, 5, False),
        ({"description": "Posted a photo of a resident's letter with the phone number showing."}, 5, False),
    ],
)
def test_a_repeat_is_the_same_kind_people_and_words_within_the_window(changes, minutes_later, repeat):
    now = SENT + timedelta(minutes=minutes_later)
    assert is_repeat_of(EARLIER, SENT, report(**changes), now, WINDOW) is repeat


def test_the_fingerprint_tells_any_difference_in_what_a_report_says():
    assert report_fingerprint(report()) == report_fingerprint(report())
    for changes in (
        {"platform": "x"},
        {"description": report().description + "."},
        {"incident_date": date(2026, 3, 2)},
        {"incident_date": None},
        {"flags": ["personal_data_involved"]},
        {"subjects": list(reversed(report().subjects))},
    ):
        assert report_fingerprint(report(**changes)) != report_fingerprint(report()), changes
