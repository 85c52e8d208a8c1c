"""The register of council social media accounts and who may publish on them.

Social Networking Policy 7 (council accounts: approved, trialled for three
months, removed when of no benefit) and 8.1 (no one publishes for the council
without training from the Communications team). Pure rules: the services pass
in today's date, the trial length and what they found in the database.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from .intake import has_control_characters
from .policy import ACCOUNT_STATUSES, PLATFORMS, Role

HANDLE_MAX = 200
URL_MAX = 500
EARLIEST_TRAINING = date(1990, 1, 1)

# Who keeps the register (design §1: admin; issue 4: admin and HR)
REGISTER_KEEPERS = frozenset({Role.ADMIN, Role.HR})

# Account status → the statuses it may move to, with the words of the button.
# 7.4: a new account goes live on a three-month trial; after the review it is
# kept (active) or taken down. 7.5: accounts of no benefit are removed.
ACCOUNT_TRANSITIONS: dict[str, dict[str, str]] = {
    "proposed": {"trial": "Approve and start the three-month trial", "removed": "Turn down the proposal"},
    "trial": {"active": "Keep it after the trial review", "disabled": "Disable it", "removed": "Remove it"},
    "active": {"disabled": "Disable it", "removed": "Remove it"},
    "disabled": {"active": "Enable it again", "removed": "Remove it"},
    "removed": {},
}
assert set(ACCOUNT_TRANSITIONS) == set(ACCOUNT_STATUSES)

# Accounts on which no one may be given a right to publish
CLOSED_ACCOUNT_STATUSES = frozenset({"disabled", "removed"})


def may_keep_register(role: str) -> bool:
    """Only admin and HR see and change the register."""
    return role in REGISTER_KEEPERS


def next_statuses(status: str) -> dict[str, str]:
    """The statuses an account may move to from `status`, with what each does."""
    return dict(ACCOUNT_TRANSITIONS.get(status, {}))


def status_change_error(current: str, new: str) -> str | None:
    """Why an account cannot move from `current` to `new`; None when it may."""
    if new not in ACCOUNT_STATUSES:
        return "Select what should happen to the account"
    if new == current:
        return f"The account is already {ACCOUNT_STATUSES[new].lower()}"
    if new not in ACCOUNT_TRANSITIONS.get(current, {}):
        return f"A {ACCOUNT_STATUSES[current].lower()} account cannot become {ACCOUNT_STATUSES[new].lower()}"
    return None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the last day of that month (31 May + 1 month = 30 June)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def trial_end(went_live_on: date, trial_months: int) -> date:
    """7.4: every new council account is trialled for three months (a setting) from going live."""
    return add_months(went_live_on, trial_months)


def trial_review_due(status: str, trial_ends_on: date | None, today: date) -> bool:
    """A trial whose end date has come: the Communications team should decide to keep or remove it."""
    return status == "trial" and trial_ends_on is not None and trial_ends_on <= today


def rights_end_with_account(new_status: str) -> bool:
    """A removed account has no one left who may publish on it (7.5)."""
    return new_status == "removed"


@dataclass
class AccountInput:
    """A new account as typed: strings, nothing trusted yet."""

    platform: str = ""
    handle: str = ""
    url: str = ""
    department_id: int | None = None


def validate_account(
    account: AccountInput, *, department_ids: set[int], taken_handles: set[tuple[str, str]]
) -> dict[str, str]:
    """Errors by field name; empty when the account may be added.

    `taken_handles` holds (platform, lower-cased handle) already on the register.
    """
    errors: dict[str, str] = {}
    if account.platform not in PLATFORMS:
        errors["platform"] = "Select the platform"
    handle = account.handle.strip()
    if not handle:
        errors["handle"] = "Enter the account's name or handle"
    elif len(handle) > HANDLE_MAX:
        errors["handle"] = f"Name or handle must be {HANDLE_MAX} characters or fewer"
    elif has_control_characters(handle):
        errors["handle"] = "Name or handle must not contain control characters"
    elif (account.platform, handle.lower()) in taken_handles:
        errors["handle"] = "This account is already on the register"
    url = account.url.strip()
    if url:
        parts = urlsplit(url)
        if len(url) > URL_MAX:
            errors["url"] = f"Web address must be {URL_MAX} characters or fewer"
        elif parts.scheme not in ("http", "https") or not parts.netloc or has_control_characters(url) or " " in url:
            errors["url"] = "Enter a web address starting with http:// or https://"
    if account.department_id not in department_ids:
        errors["department_id"] = "Select the department that runs the account"
    return errors


def training_date_error(trained_on: date | None, today: date) -> str | None:
    """8.1: a right to publish needs the date of the Communications team's training."""
    if trained_on is None:
        return "Enter the date of their social media training"
    if trained_on > today:
        return "Date of training must be today or in the past"
    if trained_on < EARLIEST_TRAINING:
        return "Date of training must be after 1990"
    return None


def grant_errors(
    *,
    account_status: str,
    trained_on: date | None,
    today: date,
    person_known: bool,
    existing_right_status: str | None,
    suspended_everywhere_by: tuple[str, ...] = (),
    suspended_here_by: tuple[str, ...] = (),
) -> dict[str, str]:
    """Why a right to publish cannot be granted, by field; empty when it may.

    A revoked right may be granted again (with the new training date); an
    active one already exists; a suspended one is held while a matter is
    looked into (11.2) and is restored or revoked there, not here. Nobody
    publishes on an account before it is approved (Social Networking Policy 7.3), nor while a case
    suspends their rights on every account or on this one
    (`suspended_everywhere_by`, `suspended_here_by`: the cases' references).
    """
    errors: dict[str, str] = {}
    if account_status in CLOSED_ACCOUNT_STATUSES:
        errors["account"] = (
            f"No one can be given a right to publish on a {ACCOUNT_STATUSES[account_status].lower()} account"
        )
    elif account_status == "proposed":
        errors["account"] = (
            "This account is proposed, not yet approved: approve it (trial) before anyone is given a right "
            "to publish on it"
        )
    if not person_known:
        errors["person"] = "Choose a person from the staff directory"
    elif existing_right_status == "active":
        errors["person"] = "This person can already publish on this account"
    elif existing_right_status == "suspended":
        errors["person"] = "This person's right to publish on this account is suspended and cannot be granted again"
    elif suspended_everywhere_by:
        errors["person"] = (
            "This person's publishing rights are suspended on every council account "
            f"({', '.join(suspended_everywhere_by)}): no new right can be granted until that suspension is lifted"
        )
    elif suspended_here_by:
        errors["person"] = (
            f"This person's publishing rights on this account are suspended ({', '.join(suspended_here_by)}):"
            " no new right can be granted until that suspension is lifted"
        )
    training = training_date_error(trained_on, today)
    if training:
        errors["trained_on"] = training
    return errors


def revoke_error(right_status: str) -> str | None:
    """Why a right cannot be revoked; None when it may (active or suspended)."""
    if right_status == "revoked":
        return "This right to publish has already been revoked"
    return None
