"""A case about a council account (Social Networking Policy 8.6).

The people handling a case link it to the council account it is about; once
the case has an outcome, its owner or HR may close that account because of it
("failure to comply ... may result in social media sites being removed").
This is a step of its own, separate from recording the outcome. Each step is
written to the case's audit trail and to the admin audit; the register shows
that an account was closed as the outcome of a case, without naming it.
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..domain import accounts as rules
from ..domain import permissions
from ..extensions import db
from ..models import Case, SocialAccount, User
from ..models_accounts import AccountCase
from . import accounts as register
from .admin_events import record_admin_event
from .errors import InvalidInput, NotAllowed, NotFound
from .events import record_event


def _relationships(actor: User, case: Case) -> set[str]:
    return {str(r) for r in permissions.relationships(actor, case)}


def may_link(actor: User, case: Case) -> bool:
    return permissions.view_level(actor, case) == permissions.View.FULL and rules.may_link_case(
        _relationships(actor, case), actor.role
    )


def may_close_for(actor: User, case: Case) -> bool:
    return permissions.view_level(actor, case) == permissions.View.FULL and rules.may_close_for_case(
        _relationships(actor, case), actor.role
    )


def may_link_and_close_for(actor: User, case: Case) -> tuple[bool, bool]:
    """(may_link, may_close_for), how `actor` stands to the case worked out once."""
    if permissions.view_level(actor, case) != permissions.View.FULL:
        return False, False
    found = _relationships(actor, case)
    return rules.may_link_case(found, actor.role), rules.may_close_for_case(found, actor.role)


def accounts_of(case: Case) -> list[SocialAccount]:
    """The council accounts a case is about."""
    return list(
        db.session.scalars(
            select(SocialAccount)
            .join(AccountCase, AccountCase.account_id == SocialAccount.id)
            .where(AccountCase.case_id == case.id)
            .order_by(SocialAccount.handle)
        ).all()
    )


def cases_of(account: SocialAccount) -> list[Case]:
    """The cases about an account (shown only to people who may see them)."""
    return list(
        db.session.scalars(
            select(Case)
            .join(AccountCase, AccountCase.case_id == Case.id)
            .where(AccountCase.account_id == account.id)
            .order_by(Case.reference)
        ).all()
    )


def linkable_accounts(case: Case) -> list[SocialAccount]:
    linked = select(AccountCase.account_id).where(AccountCase.case_id == case.id)
    return list(
        db.session.scalars(
            select(SocialAccount).where(SocialAccount.id.not_in(linked)).order_by(SocialAccount.handle)
        ).all()
    )


def _account(account_id) -> SocialAccount:
    try:
        return register.get_account(account_id)
    except NotFound:
        raise InvalidInput(
            "Choose a council account", {"account": "Choose a council account from the register"}
        ) from None


def link(case: Case, actor: User, account_id) -> SocialAccount:
    """Say that `case` is about a council account."""
    if permissions.view_level(actor, case) != permissions.View.FULL:
        raise NotFound("Case not found")
    if not may_link(actor, case):
        raise NotAllowed("Only the case's owner, investigator or HR can link it to a council account")
    account = _account(account_id)
    try:
        with db.session.begin_nested():
            db.session.add(AccountCase(account_id=account.id, case_id=case.id, linked_by_id=actor.id))
    except IntegrityError:
        raise InvalidInput("Already linked", {"account": "The case is already linked to this account"}) from None
    label = register.account_label(account)
    record_event(case, actor, "council_account_linked", data={"account": label})
    record_admin_event(actor, "account_case_linked", "social_account", account.id, target=label, case_id=case.id)
    return account


def close_because_of(case: Case, actor: User, account_id, reason: str) -> SocialAccount:
    """8.6: close (remove) the council account `case` is about, because of its outcome."""
    if permissions.view_level(actor, case) != permissions.View.FULL:
        raise NotFound("Case not found")
    if not may_close_for(actor, case):
        raise NotAllowed("Only the case's owner or HR can close a council account because of it")
    account = _account(account_id)
    linked = db.session.scalar(
        select(AccountCase.id).where(AccountCase.case_id == case.id, AccountCase.account_id == account.id)
    )
    errors = rules.close_for_case_errors(
        case.stage, case.outcome is not None, linked is not None, account.status, reason
    )
    if errors:
        raise InvalidInput("The account cannot be closed", errors)
    register.close_account(account, actor, reason, because_of_case=case, authorised=True)
    record_event(
        case,
        actor,
        "council_account_closed",
        data={"account": register.account_label(account), "reason": reason.strip()},
    )
    return account
