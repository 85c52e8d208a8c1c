"""Online research and RIPA authorisations (Acceptable Use of Social Media Policy 8): the rules, without Flask."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from casework.domain import research as rules
from casework.domain.research import ResearchDecision, ResearchInput

NOW = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
WINDOW = timedelta(days=28)


@pytest.mark.parametrize(
    "written",
    [
        "@Jo.Bloggs",
        "jo.bloggs",
        "facebook.com/jo.bloggs/",
        "https://www.facebook.com/Jo.Bloggs",
        "http://m.facebook.com/jo.bloggs?ref=share#top",
        "  JO.BLOGGS ",
    ],
)
def test_one_profile_however_it_is_written(written):
    assert rules.profile_key(written) == "jo.bloggs"


def test_different_profiles_stay_different():
    assert rules.profile_key("@jo.bloggs") != rules.profile_key("@jo.bloggs2")


def test_views_are_counted_in_the_busiest_28_day_span_that_includes_the_new_view():
    assert rules.busiest_window([], NOW, WINDOW) == 1
    assert rules.busiest_window([NOW - 27 * DAY, NOW - 1 * DAY], NOW, WINDOW) == 3
    # 28 days apart or more never share a span
    assert rules.busiest_window([NOW - 28 * DAY, NOW - 40 * DAY], NOW, WINDOW) == 1
    # a view logged late (dated before others) counts with those after it
    assert rules.busiest_window([NOW + 2 * DAY, NOW + 20 * DAY], NOW, WINDOW) == 3
    # but views 50 days apart either side of it do not share one span
    assert rules.busiest_window([NOW - 25 * DAY, NOW + 25 * DAY], NOW, WINDOW) == 2


@pytest.mark.parametrize(
    "views, authorised, expected",
    [
        (1, False, ResearchDecision.LOG),
        (2, False, ResearchDecision.LOG),
        (3, False, ResearchDecision.WARN),
        (4, False, ResearchDecision.NEEDS_AUTHORISATION),
        (9, False, ResearchDecision.NEEDS_AUTHORISATION),
        (3, True, ResearchDecision.LOG),
        (4, True, ResearchDecision.LOG),
    ],
)
def test_warn_at_the_limit_then_require_an_authorisation(views, authorised, expected):
    assert rules.repeat_decision(views, 3, authorised) == expected


def authorisation(status="authorised", starts_on=date(2026, 1, 10), expires_on=date(2026, 4, 9)):
    return SimpleNamespace(status=status, starts_on=starts_on, expires_on=expires_on)


def test_an_authorisation_lasts_three_months_less_a_day_and_then_expires():
    assert rules.expiry(date(2026, 1, 10), 3) == date(2026, 4, 9)
    assert rules.expiry(date(2026, 11, 30), 3) == date(2027, 2, 27)
    item = authorisation()
    assert rules.state(item, date(2026, 1, 9)) == "not_started"
    assert rules.state(item, date(2026, 1, 10)) == "authorised"
    assert rules.state(item, date(2026, 4, 9)) == "authorised"
    assert rules.state(item, date(2026, 4, 10)) == "expired"
    assert not rules.in_force_on(item, date(2026, 4, 10))
    for status in ("applied", "refused", "cancelled"):
        assert not rules.in_force_on(authorisation(status), date(2026, 2, 1))


def test_reviews_fall_due_every_28_days_but_never_after_expiry():
    assert rules.next_review(date(2026, 1, 10), 28, date(2026, 4, 9)) == date(2026, 2, 7)
    assert rules.next_review(date(2026, 3, 30), 28, date(2026, 4, 9)) == date(2026, 4, 9)


def research(**changes):
    fields = {
        "platform": "facebook",
        "profile": "@jo.bloggs",
        "purpose": "To see whether the post is still up",
        "looked_at": "Public posts of 3 March",
        "viewed_at": None,
    }
    return ResearchInput(**{**fields, **changes})


def test_a_complete_entry_has_no_problems():
    assert rules.research_problems(research(), NOW) == {}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"platform": "myspace"}, "platform"),
        ({"profile": "  "}, "profile"),
        ({"profile": "@"}, "profile"),
        ({"profile": "x" * 501}, "profile"),
        ({"purpose": ""}, "purpose"),
        ({"looked_at": "posts\x00"}, "looked_at"),
        ({"viewed_at": NOW + timedelta(hours=2)}, "viewed_at"),
    ],
)
def test_an_incomplete_entry_names_its_problem(changes, field):
    assert field in rules.research_problems(research(**changes), NOW)


def test_an_application_needs_necessity_and_proportionality():
    problems = rules.application_problems("facebook", "@jo", "Daily checks for a month", "", " ")
    assert set(problems) == {"necessity", "proportionality"}


def test_a_decision_is_taken_once_with_reasons_and_never_backdated():
    applied = SimpleNamespace(status="applied")
    today = date(2026, 3, 27)
    assert rules.decision_problems(applied, "authorised", "Necessary: no other way", None, today) == {}
    assert "reason" in rules.decision_problems(applied, "refused", "", None, today)
    assert "decision" in rules.decision_problems(applied, "maybe", "Because", None, today)
    assert "starts_on" in rules.decision_problems(applied, "authorised", "Because", today - DAY, today)
    assert "decision" in rules.decision_problems(SimpleNamespace(status="refused"), "authorised", "x", None, today)


def test_an_expired_authorisation_cannot_be_reviewed_and_only_a_given_one_cancelled():
    problems = rules.review_problems(authorisation(), "Still needed", date(2026, 4, 10))
    assert "expired on 09 April 2026" in problems["text"]
    assert rules.review_problems(authorisation(), "Still needed", date(2026, 2, 1)) == {}
    assert rules.cancellation_problems(authorisation("applied"), "Done") != {}
    assert rules.cancellation_problems(authorisation(), "Evidence gathered") == {}


def test_the_monitoring_answer_needs_an_answer_and_details():
    assert rules.monitoring_problems("authorised", "RIPA/2026/004") == {}
    assert set(rules.monitoring_problems("perhaps", "")) == {"answer", "detail"}
