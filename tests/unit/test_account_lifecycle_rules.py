"""Council accounts from proposal to removal, as pure rules (Social Networking Policy 7.2-7.5, 8.1, 8.6)."""

from datetime import date

import pytest

from casework.domain import accounts as rules
from casework.domain.policy import ACCOUNT_STATUSES, Role
from tests.account_samples import BRIEF

TODAY = date(2026, 3, 27)


# --- who may do what ---------------------------------------------------------------------------------------

# action -> roles allowed without being in the Communications team
EXPECTED = {
    "view_register": {"manager", "head_of_service", "hr", "admin"},
    "propose": {"manager", "head_of_service", "hr", "admin"},
    "decide": set(),
    "review_trial": set(),
    "close": {"hr", "admin"},
    "record_use": {"hr", "admin"},
    "record_training": {"hr", "admin"},
    "manage_rights": {"hr", "admin"},
    "export": {"hr", "admin"},
}


def test_the_matrix_covers_every_action():
    assert set(EXPECTED) == set(rules.ACCOUNT_PERMISSIONS)


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("communications", [False, True])
def test_permission_matrix(action, role, communications):
    expected = role in EXPECTED[action] or communications
    assert rules.may(action, role, communications=communications) is expected


@pytest.mark.parametrize(
    ("role", "department", "approver_roles", "communications_department", "expected"),
    [
        ("admin", None, ("admin", "hr"), "Communications", True),
        ("hr", "Housing", ("admin", "hr"), "Communications", True),
        ("employee", "Communications", ("admin", "hr"), "Communications", True),  # the Social Media Officer
        ("manager", "Housing", ("admin", "hr"), "Communications", False),
        ("hr", "Housing", (), "Communications", False),  # left to the department alone
        ("employee", "Communications", (), "", False),
        ("employee", None, (), None, False),
    ],
)
def test_who_acts_for_the_communications_team(role, department, approver_roles, communications_department, expected):
    assert (
        rules.is_communications_team(
            role, department, approver_roles=approver_roles, communications_department=communications_department
        )
        is expected
    )


# --- the project brief (7.2) ---------------------------------------------------------------------------------


def test_a_complete_brief_has_no_errors():
    assert rules.brief_errors(BRIEF) == {}


def test_a_proposal_with_no_purpose_is_refused_with_a_clear_message():
    assert rules.brief_errors({**BRIEF, "purpose": "   "}) == {
        "purpose": "Enter what the account is for and how it will benefit the service"
    }


def test_every_missing_part_of_the_brief_is_named():
    assert set(rules.brief_errors({})) == set(rules.BRIEF_FIELDS)


def test_a_brief_too_long_is_refused():
    assert rules.brief_errors({**BRIEF, "moderation": "x" * 2001}) == {
        "moderation": "How it will be moderated must be 2000 characters or fewer"
    }


# --- the decision (7.3) and the trial review (7.4) ---------------------------------------------------------------


@pytest.mark.parametrize("decision", ["approved", "refused"])
def test_a_proposal_is_approved_or_refused_with_reasons(decision):
    assert rules.decision_errors("proposed", decision, "Fits the service plan") == {}
    assert rules.decision_errors("proposed", decision, " ") == {"reason": "Enter the reasons for the decision"}


def test_a_decision_needs_a_choice():
    assert rules.decision_errors("proposed", "maybe", "x") == {
        "decision": "Select whether to approve or refuse the proposal"
    }


@pytest.mark.parametrize("status", [s for s in ACCOUNT_STATUSES if s != "proposed"])
def test_only_a_proposal_is_decided(status):
    assert "decision" in rules.decision_errors(status, "approved", "x")


def test_a_trial_is_kept_or_closed_with_what_the_review_found():
    assert rules.trial_review_errors("trial", "keep", "Used every day") == {}
    assert rules.trial_review_errors("trial", "close", "") == {"note": "Enter what the review found"}
    assert rules.trial_review_errors("trial", "", "x") == {"decision": "Select whether to keep the account or close it"}
    assert "decision" in rules.trial_review_errors("active", "keep", "x")


@pytest.mark.parametrize(
    ("ends", "reminded"),
    [
        (date(2026, 4, 10), True),  # 14 days ahead
        (date(2026, 4, 11), False),  # 15 days ahead
        (date(2026, 3, 28), True),
        (TODAY, False),  # ended: overdue, a review is due now
    ],
)
def test_the_trial_reminder_comes_before_the_end(ends, reminded):
    assert rules.trial_reminder_due("trial", ends, TODAY, 14) is reminded
    assert rules.trial_reminder_due("active", ends, TODAY, 14) is False


# --- closing and removal (7.5) -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["trial", "active", "disabled"])
def test_a_live_account_is_closed_with_a_reason(status):
    assert rules.closure_errors(status, "Not used since spring") == {}
    assert rules.closure_errors(status, "") == {"reason": "Enter why the account is being closed"}


@pytest.mark.parametrize("status", ["proposed", "refused", "removed"])
def test_an_account_not_live_cannot_be_closed(status):
    assert "account" in rules.closure_errors(status, "x")


def removal(**overrides):
    values = dict(
        status="active",
        decision="approved",
        went_live_on=date(2025, 1, 6),
        last_used_on=date(2026, 3, 1),
        today=TODAY,
        dormant_months=6,
    )
    values.update(overrides)
    return rules.removal_reason(**values)


def test_an_account_in_use_is_not_flagged():
    assert removal() is None


def test_an_account_unused_for_six_months_is_flagged():
    assert removal(last_used_on=date(2025, 9, 27)) == (
        "Not used since 27 September 2025, 6 months or more (Social Networking Policy 7.5)"
    )
    assert removal(last_used_on=date(2025, 9, 28)) is None
    assert removal(last_used_on=date(2025, 9, 28), dormant_months=3) is not None


def test_an_account_never_used_counts_from_going_live():
    assert removal(last_used_on=None, went_live_on=date(2025, 9, 1)) is not None
    assert removal(last_used_on=None, went_live_on=date(2026, 1, 1)) is None


@pytest.mark.parametrize("status", ["trial", "active", "disabled"])
def test_a_live_account_never_approved_is_flagged(status):
    assert removal(status=status, decision=None) == "Running without approval (Social Networking Policy 7.5)"


@pytest.mark.parametrize("status", ["proposed", "refused", "removed"])
def test_accounts_not_live_are_never_flagged(status):
    assert removal(status=status, decision=None, last_used_on=date(2020, 1, 1)) is None


def test_use_is_a_real_past_day_after_going_live():
    assert rules.use_errors("active", date(2026, 3, 1), date(2025, 1, 6), TODAY) == {}
    assert rules.use_errors("active", None, None, TODAY) == {"used_on": "Enter the date the account was last used"}
    assert rules.use_errors("active", date(2026, 3, 28), None, TODAY) == {
        "used_on": "Date last used must be today or in the past"
    }
    assert "used_on" in rules.use_errors("trial", date(2025, 1, 1), date(2025, 1, 6), TODAY)
    assert "account" in rules.use_errors("proposed", TODAY, None, TODAY)


# --- training (8.1) -----------------------------------------------------------------------------------------


def test_training_lasts_its_months():
    assert rules.refresher_due(date(2025, 3, 31), 12) == date(2026, 3, 31)
    assert rules.training_lapsed(date(2025, 3, 27), TODAY, 12) is True
    assert rules.training_lapsed(date(2025, 3, 28), TODAY, 12) is False
    assert rules.training_lapsed(None, TODAY, 12) is True


def test_the_refresher_reminder_comes_before_the_training_lapses():
    assert rules.refresher_reminder_due(date(2026, 4, 26), TODAY, 30) is True
    assert rules.refresher_reminder_due(date(2026, 4, 27), TODAY, 30) is False
    assert rules.refresher_reminder_due(TODAY, TODAY, 30) is False  # lapsed: a lapse notice instead


def test_no_right_to_publish_on_lapsed_training():
    errors = rules.grant_errors(
        account_status="active",
        trained_on=date(2025, 1, 6),
        today=TODAY,
        person_known=True,
        existing_right_status=None,
        training_valid_months=12,
    )
    assert errors == {
        "trained_on": "That training lapsed on 6 January 2026: they need refresher training first "
        "(Social Networking Policy 8.1)"
    }


def test_no_right_to_publish_on_a_refused_proposal():
    errors = rules.grant_errors(
        account_status="refused", trained_on=TODAY, today=TODAY, person_known=True, existing_right_status=None
    )
    assert errors == {"account": "This proposal was refused: no one publishes on it"}


# --- a case about an account (8.6) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relationships", "role", "link", "close"),
    [
        ({"owner"}, "manager", True, True),
        ({"hr"}, "hr", True, True),
        ({"investigator"}, "manager", True, False),
        ({"line_manager"}, "manager", False, False),
        ({"department_manager"}, "manager", False, False),
        ({"reporter"}, "employee", False, False),
        (set(), "admin", False, False),
        ({"owner"}, "admin", False, False),
    ],
)
def test_who_links_a_case_and_closes_its_account(relationships, role, link, close):
    assert rules.may_link_case(relationships, role) is link
    assert rules.may_close_for_case(relationships, role) is close


def test_an_account_is_closed_because_of_a_case_only_after_its_outcome():
    assert rules.close_for_case_errors("outcome", True, True, "active", "Misused") == {}
    assert rules.close_for_case_errors("closed", True, True, "trial", "Misused") == {}
    assert rules.close_for_case_errors("investigation", False, True, "active", "Misused") == {
        "account": "An account is closed because of a case only once the case has an outcome"
    }
    assert rules.close_for_case_errors("outcome", True, False, "active", "Misused") == {
        "account": "Link the case to the account first"
    }
    assert rules.close_for_case_errors("outcome", True, True, "active", "") == {
        "reason": "Enter why the account is being closed"
    }
