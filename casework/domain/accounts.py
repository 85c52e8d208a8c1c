"""The register of council social media accounts and who may publish on them.

Social Networking Policy 7 (council accounts: proposed by a manager with a
project brief, approved or refused by the Communications team, trialled for
three months, removed when unused, of no benefit or never approved) and 8.1
(no one publishes for the council without training from the Communications
team, refreshed every TRAINING_VALID_MONTHS). Pure rules: the services pass in
today's date, the settings and what they found in the database.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from .intake import has_control_characters
from .policy import ACCOUNT_STATUSES, PLATFORMS, Role

HANDLE_MAX = 200
URL_MAX = 500
BRIEF_MAX = 2000
REASON_MAX = 2000
EARLIEST_TRAINING = date(1990, 1, 1)

# Who keeps the register (design §1: admin; issue 4: admin and HR)
REGISTER_KEEPERS = frozenset({Role.ADMIN, Role.HR})

# 7.2: the project brief a manager submits with a proposal, field by field, with the message when it is missing
BRIEF_FIELDS: dict[str, tuple[str, str]] = {
    "purpose": ("Purpose", "Enter what the account is for and how it will benefit the service"),
    "audience": ("Audience", "Enter who the account is for"),
    "run_by": ("Who will run it", "Enter who will run the account"),
    "moderation": ("How it will be moderated", "Enter how the account will be moderated"),
    "resourcing": ("How it will be resourced", "Enter how the account will be resourced"),
}

# Who may do what to the register. "communications" is the Communications team (Social Networking Policy
# 7.3-7.5, 8.1): by default admin and HR act for it, plus anyone in the department COMMUNICATIONS_DEPARTMENT
# names (casework.config: ACCOUNT_APPROVER_ROLES, COMMUNICATIONS_DEPARTMENT). Each action: the roles that
# may, and whether the Communications team may as well.
MANAGERS = frozenset({Role.MANAGER, Role.HEAD_OF_SERVICE})
ACCOUNT_PERMISSIONS: dict[str, tuple[frozenset, bool]] = {
    # the list of accounts, their briefs and decisions (no rights, no cases)
    "view_register": (REGISTER_KEEPERS | MANAGERS, True),
    # 7.2: managers propose; admin and HR may put a proposal on the register for them
    "propose": (REGISTER_KEEPERS | MANAGERS, True),
    # 7.3: the Communications team approves or refuses
    "decide": (frozenset(), True),
    # 7.4: the Communications team reviews each trial
    "review_trial": (frozenset(), True),
    # 7.5: accounts are disabled and removed by the Communications team (admin and HR keep the register)
    "close": (REGISTER_KEEPERS, True),
    "record_use": (REGISTER_KEEPERS, True),
    # 8.1: training by the Communications team, and who may publish
    "record_training": (REGISTER_KEEPERS, True),
    "manage_rights": (REGISTER_KEEPERS, True),
    "export": (REGISTER_KEEPERS, True),
}


def is_communications_team(
    role: str, department_name: str | None, *, approver_roles, communications_department: str | None
) -> bool:
    """Whether someone acts for the council's Communications team (Social Networking Policy 7.3)."""
    if role in set(approver_roles or ()):
        return True
    return bool(communications_department) and department_name == communications_department


def may(action: str, role: str, *, communications: bool) -> bool:
    """Whether someone of `role` (in the Communications team or not) may take `action` on the register."""
    roles, team = ACCOUNT_PERMISSIONS[action]
    return role in roles or (team and communications)


# Account status → the statuses it may move to, with the words of the button.
# 7.4: a new account goes live on a three-month trial; after the review it is
# kept (active) or taken down. 7.5: accounts of no benefit are removed.
# A proposal is approved (trial) or refused, with reasons, by the Communications team (7.3).
ACCOUNT_TRANSITIONS: dict[str, dict[str, str]] = {
    "proposed": {"trial": "Approve and start the three-month trial", "refused": "Refuse the proposal"},
    "refused": {},
    "trial": {"active": "Keep it after the trial review", "disabled": "Disable it", "removed": "Remove it"},
    "active": {"disabled": "Disable it", "removed": "Remove it"},
    "disabled": {"active": "Enable it again", "removed": "Remove it"},
    "removed": {},
}
assert set(ACCOUNT_TRANSITIONS) == set(ACCOUNT_STATUSES)

# Accounts on which no one may be given a right to publish
CLOSED_ACCOUNT_STATUSES = frozenset({"disabled", "removed", "refused"})
# Accounts that are live on the platform: each must have been approved (7.5)
LIVE_STATUSES = frozenset({"trial", "active", "disabled"})
# Accounts in use, whose use is watched (7.5: removed when unused)
IN_USE_STATUSES = frozenset({"trial", "active"})
# Accounts that can be closed (removed)
CLOSABLE_STATUSES = frozenset({"trial", "active", "disabled"})
DECISIONS = {"approved": "Approve", "refused": "Refuse"}
TRIAL_DECISIONS = {"keep": "Keep it: it becomes active", "close": "Close it: it is removed"}


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
    purpose: str = ""
    audience: str = ""
    run_by: str = ""
    moderation: str = ""
    resourcing: str = ""

    def brief(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in BRIEF_FIELDS}


def validate_account(
    account: AccountInput, *, department_ids: set[int], taken_handles: set[tuple[str, str]]
) -> dict[str, str]:
    """Errors by field name; empty when the account may be proposed (7.2: with its project brief).

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
    errors.update(brief_errors(account.brief()))
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
    training_valid_months: int | None = None,
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
    if account_status == "refused":
        errors["account"] = "This proposal was refused: no one publishes on it"
    elif account_status in CLOSED_ACCOUNT_STATUSES:
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
    elif training_valid_months is not None and training_lapsed(trained_on, today, training_valid_months):
        due = refresher_due(trained_on, training_valid_months)
        errors["trained_on"] = (
            f"That training lapsed on {due.day} {calendar.month_name[due.month]} {due.year}: "
            "they need refresher training first (Social Networking Policy 8.1)"
        )
    return errors


def revoke_error(right_status: str) -> str | None:
    """Why a right cannot be revoked; None when it may (active or suspended)."""
    if right_status == "revoked":
        return "This right to publish has already been revoked"
    return None


# --- the project brief, the decision, the trial review (7.2-7.4) ------------------------------------------


def brief_errors(values: dict[str, str]) -> dict[str, str]:
    """7.2: a proposal says what the account is for, for whom, who runs it, how it is moderated and resourced."""
    errors: dict[str, str] = {}
    for name, (label, missing) in BRIEF_FIELDS.items():
        value = (values.get(name) or "").strip()
        if not value:
            errors[name] = missing
        elif len(value) > BRIEF_MAX:
            errors[name] = f"{label} must be {BRIEF_MAX} characters or fewer"
    return errors


def reason_error(reason: str, missing: str) -> str | None:
    """A reason given in words, not too long; `missing` when there is none."""
    text = (reason or "").strip()
    if not text:
        return missing
    if len(text) > REASON_MAX:
        return f"Reasons must be {REASON_MAX} characters or fewer"
    return None


def decision_errors(status: str, decision: str, reason: str, *, own_proposal: bool = False) -> dict[str, str]:
    """7.3: only a proposal is decided, approved or refused, always with reasons; the person who proposed
    an account may withdraw it (refuse) but never approve it themselves."""
    errors: dict[str, str] = {}
    if status != "proposed":
        errors["decision"] = (
            f"Only a proposed account is approved or refused; this one is {ACCOUNT_STATUSES[status].lower()}"
        )
    elif decision not in DECISIONS:
        errors["decision"] = "Select whether to approve or refuse the proposal"
    elif decision == "approved" and own_proposal:
        errors["decision"] = (
            "You proposed this account: someone else in the communications team approves it "
            "(Social Networking Policy 7.3)"
        )
    problem = reason_error(reason, "Enter the reasons for the decision")
    if problem:
        errors["reason"] = problem
    return errors


def trial_review_errors(status: str, decision: str, note: str) -> dict[str, str]:
    """7.4: at the end of its trial (or earlier) an account is kept (active) or closed, with what the review found."""
    errors: dict[str, str] = {}
    if status != "trial":
        errors["decision"] = f"Only an account on trial is reviewed; this one is {ACCOUNT_STATUSES[status].lower()}"
    elif decision not in TRIAL_DECISIONS:
        errors["decision"] = "Select whether to keep the account or close it"
    problem = reason_error(note, "Enter what the review found")
    if problem:
        errors["note"] = problem
    return errors


def closure_errors(status: str, reason: str) -> dict[str, str]:
    """7.5 and 8.6: an account in use or disabled is closed (removed) with a reason."""
    errors: dict[str, str] = {}
    if status not in CLOSABLE_STATUSES:
        errors["account"] = f"A {ACCOUNT_STATUSES[status].lower()} account cannot be closed"
    problem = reason_error(reason, "Enter why the account is being closed")
    if problem:
        errors["reason"] = problem
    return errors


def use_errors(status: str, used_on: date | None, went_live_on: date | None, today: date) -> dict[str, str]:
    """The last day the account was used: in use, not in the future, not before it went live."""
    if status not in IN_USE_STATUSES:
        return {
            "account": f"Use is recorded only for accounts on trial or active, not {ACCOUNT_STATUSES[status].lower()}"
        }
    if used_on is None:
        return {"used_on": "Enter the date the account was last used"}
    if used_on > today:
        return {"used_on": "Date last used must be today or in the past"}
    if went_live_on is not None and used_on < went_live_on:
        return {"used_on": f"Date last used must be on or after the day it went live ({went_live_on.isoformat()})"}
    return {}


def trial_reminder_due(status: str, trial_ends_on: date | None, today: date, days_before: int) -> bool:
    """7.4: the Communications team is reminded `days_before` the trial ends that a review is coming."""
    return (
        status == "trial"
        and trial_ends_on is not None
        and trial_ends_on - timedelta(days=days_before) <= today < trial_ends_on
    )


# --- removal (7.5) --------------------------------------------------------------------------------------


def removal_reason(
    *,
    status: str,
    decision: str | None,
    went_live_on: date | None,
    last_used_on: date | None,
    today: date,
    dormant_months: int,
) -> str | None:
    """Why an account should be removed (Social Networking Policy 7.5), or None.

    A live account nobody approved ("any site set up without prior approval will be disabled and/or
    removed"), or one in use that has not been used for `dormant_months` (ACCOUNT_DORMANT_MONTHS).
    """
    if status in LIVE_STATUSES and decision != "approved":
        return "Running without approval (Social Networking Policy 7.5)"
    if status in IN_USE_STATUSES:
        since = last_used_on or went_live_on
        if since is not None and add_months(since, dormant_months) <= today:
            return (
                f"Not used since {since.day} {calendar.month_name[since.month]} {since.year}, "
                f"{dormant_months} months or more (Social Networking Policy 7.5)"
            )
    return None


# --- training (8.1) ---------------------------------------------------------------------------------------


def refresher_due(trained_on: date, valid_months: int) -> date:
    """8.1: training from the Communications team holds for TRAINING_VALID_MONTHS, then needs a refresher."""
    return add_months(trained_on, valid_months)


def training_lapsed(trained_on: date | None, today: date, valid_months: int) -> bool:
    return trained_on is None or refresher_due(trained_on, valid_months) <= today


def refresher_reminder_due(refresher_due_on: date, today: date, days_before: int) -> bool:
    """A person is reminded `days_before` their training lapses (TRAINING_REMINDER_DAYS)."""
    return refresher_due_on - timedelta(days=days_before) <= today < refresher_due_on


# --- a case about a council account (8.6) -----------------------------------------------------------------

# Stages in which a case has an outcome that may close the account it is about
OUTCOME_STAGES = frozenset({"outcome", "appeal", "closed"})


def may_link_case(relationships: set[str], role: str) -> bool:
    """The people handling a case (its owner, investigator, HR) say which council account it is about."""
    return role != Role.ADMIN and bool(set(relationships) & {"owner", "investigator", "hr"})


def may_close_for_case(relationships: set[str], role: str) -> bool:
    """Social Networking Policy 8.6: the case's owner or HR, who decide its outcome, may close the account."""
    return role != Role.ADMIN and bool(set(relationships) & {"owner", "hr"})


def close_for_case_errors(stage: str, has_outcome: bool, linked: bool, account_status: str, reason: str) -> dict:
    """8.6: an account is closed because of a case once the case has an outcome, and only one it is linked to."""
    errors: dict[str, str] = {}
    if not linked:
        errors["account"] = "Link the case to the account first"
    elif stage not in OUTCOME_STAGES or not has_outcome:
        errors["account"] = "An account is closed because of a case only once the case has an outcome"
    errors.update({k: v for k, v in closure_errors(account_status, reason).items() if k not in errors})
    return errors
