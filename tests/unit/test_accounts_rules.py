"""The register's rules: account life (Social Networking Policy 7) and rights to publish (8.1)."""

from datetime import date

import pytest

from casework.domain import accounts as rules
from casework.domain.accounts import AccountInput
from casework.domain.policy import ACCOUNT_STATUSES, Role
from tests.account_samples import BRIEF

TODAY = date(2026, 3, 27)

ALLOWED = {
    ("proposed", "trial"),
    ("proposed", "refused"),
    ("trial", "active"),
    ("trial", "disabled"),
    ("trial", "removed"),
    ("active", "disabled"),
    ("active", "removed"),
    ("disabled", "active"),
    ("disabled", "removed"),
}


@pytest.mark.parametrize("current", list(ACCOUNT_STATUSES))
@pytest.mark.parametrize("new", list(ACCOUNT_STATUSES))
def test_account_status_transitions(current, new):
    error = rules.status_change_error(current, new)
    if (current, new) in ALLOWED:
        assert error is None
        assert new in rules.next_statuses(current)
    else:
        assert error
        assert new not in rules.next_statuses(current)


def test_a_new_account_cannot_skip_its_trial():
    assert rules.status_change_error("proposed", "active") == "A proposed account cannot become active"


def test_a_removed_account_stays_removed():
    assert rules.next_statuses("removed") == {}


def test_unknown_status_is_refused():
    assert rules.status_change_error("trial", "archived") == "Select what should happen to the account"
    assert rules.status_change_error("trial", "") == "Select what should happen to the account"


def test_same_status_is_refused():
    assert rules.status_change_error("active", "active") == "The account is already active"


@pytest.mark.parametrize(
    ("went_live", "months", "ends"),
    [
        (date(2025, 1, 6), 3, date(2025, 4, 6)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),  # leap year
        (date(2026, 5, 31), 1, date(2026, 6, 30)),
        (date(2026, 10, 15), 3, date(2027, 1, 15)),  # over the year end
        (date(2026, 1, 1), 12, date(2027, 1, 1)),
    ],
)
def test_trial_ends_months_after_going_live(went_live, months, ends):
    assert rules.trial_end(went_live, months) == ends


@pytest.mark.parametrize(
    ("status", "ends", "due"),
    [
        ("trial", date(2026, 3, 26), True),
        ("trial", TODAY, True),
        ("trial", date(2026, 3, 28), False),
        ("active", date(2026, 1, 1), False),
        ("trial", None, False),
        ("proposed", None, False),
    ],
)
def test_trial_review_is_due_once_the_trial_has_ended(status, ends, due):
    assert rules.trial_review_due(status, ends, TODAY) is due


@pytest.mark.parametrize(("role", "may"), [(r.value, r in (Role.ADMIN, Role.HR)) for r in Role])
def test_only_admin_and_hr_keep_the_register(role, may):
    assert rules.may_keep_register(role) is may


def test_removing_an_account_ends_its_rights():
    assert [s for s in ACCOUNT_STATUSES if rules.rights_end_with_account(s)] == ["removed"]


# --- rights to publish --------------------------------------------------------


def grant(**overrides):
    values = dict(account_status="active", trained_on=date(2026, 3, 1), today=TODAY, person_known=True)
    values["existing_right_status"] = None
    values.update(overrides)
    return rules.grant_errors(**values)


def test_a_trained_person_may_be_given_a_right():
    assert grant() == {}


@pytest.mark.parametrize("status", ["trial", "active"])
def test_rights_on_approved_accounts(status):
    assert grant(account_status=status) == {}


def test_no_right_on_an_account_not_yet_approved():
    assert grant(account_status="proposed") == {
        "account": "This account is proposed, not yet approved: approve it (trial) before anyone is given a right "
        "to publish on it"
    }


def test_no_new_right_for_someone_suspended_on_every_account():
    errors = grant(suspended_everywhere_by=("SMC-2026-00001", "SMC-2026-00004"))
    assert errors == {
        "person": "This person's publishing rights are suspended on every council account "
        "(SMC-2026-00001, SMC-2026-00004): no new right can be granted until that suspension is lifted"
    }


def test_no_new_right_on_an_account_a_case_suspends_them_on():
    assert "(SMC-2026-00002)" in grant(suspended_here_by=("SMC-2026-00002",))["person"]


@pytest.mark.parametrize("status", ["disabled", "removed"])
def test_no_right_on_a_disabled_or_removed_account(status):
    assert grant(account_status=status) == {"account": f"No one can be given a right to publish on a {status} account"}


@pytest.mark.parametrize(
    ("trained_on", "message"),
    [
        (None, "Enter the date of their social media training"),
        (date(2026, 3, 28), "Date of training must be today or in the past"),
        (date(1989, 12, 31), "Date of training must be after 1990"),
    ],
)
def test_training_date_is_required_and_not_in_the_future(trained_on, message):
    assert grant(trained_on=trained_on) == {"trained_on": message}


def test_training_today_is_fine():
    assert grant(trained_on=TODAY) == {}


@pytest.mark.parametrize(
    ("existing", "message"),
    [
        (None, None),
        ("revoked", None),
        ("active", "This person can already publish on this account"),
        ("suspended", "This person's right to publish on this account is suspended and cannot be granted again"),
    ],
)
def test_existing_rights(existing, message):
    assert grant(existing_right_status=existing).get("person") == message


def test_unknown_person():
    assert grant(person_known=False) == {"person": "Choose a person from the staff directory"}


def test_every_problem_is_reported_at_once():
    errors = grant(account_status="removed", trained_on=None, person_known=False)
    assert set(errors) == {"account", "person", "trained_on"}


@pytest.mark.parametrize(("status", "may"), [("active", True), ("suspended", True), ("revoked", False)])
def test_revoking(status, may):
    assert (rules.revoke_error(status) is None) is may


# --- new accounts -------------------------------------------------------------


def validate(**overrides):
    values = dict(platform="facebook", handle="DemoBoroughParks", url="", department_id=1, **BRIEF)
    values.update(overrides)
    return rules.validate_account(AccountInput(**values), department_ids={1, 2}, taken_handles={("x", "@demoborough")})


def test_a_valid_account():
    assert validate() == {}
    assert validate(url="https://www.facebook.com/DemoBoroughParks") == {}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("platform", "myspace", "Select the platform"),
        ("platform", "", "Select the platform"),
        ("handle", "  ", "Enter the account's name or handle"),
        ("handle", "x" * 201, "Name or handle must be 200 characters or fewer"),
        ("handle", "bad\x07name", "Name or handle must not contain control characters"),
        ("url", "javascript:alert(1)", "Enter a web address starting with http:// or https://"),
        ("url", "https://" + "a" * 500, "Web address must be 500 characters or fewer"),
        ("department_id", None, "Select the department that runs the account"),
        ("department_id", 99, "Select the department that runs the account"),
    ],
)
def test_account_field_errors(field, value, message):
    assert validate(**{field: value}) == {field: message}


def test_an_account_already_on_the_register_is_refused_whatever_its_case():
    assert validate(platform="x", handle=" @DemoBorough ") == {"handle": "This account is already on the register"}
    assert validate(platform="facebook", handle="@DemoBorough") == {}
