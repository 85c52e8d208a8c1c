"""Keeping the register of council social media accounts and publishing rights.

Admin and HR add accounts, take them through proposed → trial → active →
disabled/removed (Social Networking Policy 7) and say who may publish on each
(8.1: only people trained by the Communications team). The register shows a
right's status but never the case that suspended it.

Every change writes one AdminEvent (the admin audit) in its own
transaction, with the values of the fields it changed before and after.
"""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..domain import accounts as rules
from ..domain.accounts import AccountInput
from ..extensions import db
from ..models import Case, Department, PublishingRight, SocialAccount, Suspension, User, utcnow
from .admin_events import changed_fields, record_admin_event
from .deadlines import london_today
from .errors import Conflict, InvalidInput, NotAllowed, NotFound

CHANGED_MESSAGE = "This account changed since you opened the page. Check its details and try again."


@dataclass(frozen=True)
class RegisterEntry:
    account: SocialAccount
    publishers: int  # people with an active right to publish on it


# --- audit -------------------------------------------------------------------


def account_label(account: SocialAccount) -> str:
    return f"{account.handle} on {rules.PLATFORMS.get(account.platform, account.platform)}"


def right_label(person: User, account: SocialAccount) -> str:
    return f"{person.name} ({person.email}) on {account_label(account)}"


# --- reading -----------------------------------------------------------------


def _require_keeper(actor: User) -> None:
    if not rules.may_keep_register(actor.role):
        raise NotAllowed("Only administrators and HR can change the register of council accounts")


def list_accounts() -> list[RegisterEntry]:
    """Every account on the register with how many people may publish on it."""
    publishers = (
        select(PublishingRight.account_id, func.count().label("publishers"))
        .where(PublishingRight.status == "active")
        .group_by(PublishingRight.account_id)
        .subquery()
    )
    rows = db.session.execute(
        select(SocialAccount, func.coalesce(publishers.c.publishers, 0))
        .join(Department, SocialAccount.department_id == Department.id)
        .outerjoin(publishers, publishers.c.account_id == SocialAccount.id)
        .options(selectinload(SocialAccount.department))
        .order_by(Department.name, SocialAccount.platform, SocialAccount.handle)
    ).all()
    return [RegisterEntry(account, count) for account, count in rows]


def get_account(account_id: int) -> SocialAccount:
    account = db.session.get(SocialAccount, account_id)
    if account is None:
        raise NotFound("No such account")
    return account


def rights_on(account: SocialAccount) -> list[PublishingRight]:
    """Everyone who holds or held a right to publish on `account`, by name."""
    return list(
        db.session.scalars(
            select(PublishingRight)
            .join(User, PublishingRight.user_id == User.id)
            .where(PublishingRight.account_id == account.id)
            .options(selectinload(PublishingRight.user), selectinload(PublishingRight.granted_by))
            .order_by(User.name, PublishingRight.id)
        ).all()
    )


def get_right(account: SocialAccount, right_id: int) -> PublishingRight:
    right = db.session.get(PublishingRight, right_id)
    if right is None or right.account_id != account.id:
        raise NotFound("No such right to publish")
    return right


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.name)).all())


def people_who_may_be_given_a_right(account: SocialAccount) -> list[User]:
    """The staff directory, less those who already hold (or have suspended) a right on `account`."""
    holders = select(PublishingRight.user_id).where(
        PublishingRight.account_id == account.id, PublishingRight.status != "revoked"
    )
    return list(
        db.session.scalars(
            select(User).where(User.active.is_(True), User.id.not_in(holders)).order_by(User.name, User.email)
        ).all()
    )


# --- changing ----------------------------------------------------------------


def account_errors(account_input: AccountInput) -> dict[str, str]:
    """What is wrong with a new account, by field; empty when it may be added."""
    taken = {
        (platform, handle.lower())
        for platform, handle in db.session.execute(
            select(SocialAccount.platform, SocialAccount.handle).where(
                SocialAccount.platform == account_input.platform,
                func.lower(SocialAccount.handle) == account_input.handle.strip().lower(),
            )
        ).all()
    }
    department_ids = set(db.session.scalars(select(Department.id)).all())
    return rules.validate_account(account_input, department_ids=department_ids, taken_handles=taken)


def add_account(actor: User, account_input: AccountInput) -> SocialAccount:
    """Put a proposed council account on the register (7.2: proposed before it is set up)."""
    _require_keeper(actor)
    errors = account_errors(account_input)
    if errors:
        raise InvalidInput("The account has errors", errors)
    account = SocialAccount(
        platform=account_input.platform,
        handle=account_input.handle.strip(),
        url=account_input.url.strip() or None,
        department_id=account_input.department_id,
        status="proposed",
    )
    try:
        with db.session.begin_nested():
            db.session.add(account)
    except IntegrityError:
        raise InvalidInput("The account has errors", {"handle": "This account is already on the register"}) from None
    record_admin_event(
        actor,
        "account_added",
        "social_account",
        account.id,
        target=account_label(account),
        after={
            "platform": account.platform,
            "handle": account.handle,
            "url": account.url,
            "department": db.session.get(Department, account.department_id),
            "status": "proposed",
        },
    )
    return account


def change_status(
    account: SocialAccount, actor: User, new_status: str, *, from_status: str | None = None, today: date | None = None
) -> SocialAccount:
    """Move an account along its life (7.4, 7.5).

    Going live starts the trial: it records today as the day it went live,
    the trial end (three months later, ACCOUNT_TRIAL_MONTHS) and who approved
    it. Removing an account revokes every right to publish on it.
    `from_status` is the status the person saw; if it has changed since, nothing is done.
    """
    _require_keeper(actor)
    current = account.status
    if from_status is not None and from_status != current:
        raise Conflict(CHANGED_MESSAGE)
    error = rules.status_change_error(current, new_status)
    if error:
        raise InvalidInput(error, {"status": error})
    values: dict = {"status": new_status}
    seen = {
        "status": current,
        "went_live_on": account.went_live_on,
        "trial_ends_on": account.trial_ends_on,
        "approved_by": account.approved_by,
    }
    if current == "proposed" and new_status == "trial":
        went_live = today or london_today()
        values |= {
            "went_live_on": went_live,
            "trial_ends_on": rules.trial_end(went_live, current_app.config["ACCOUNT_TRIAL_MONTHS"]),
            "approved_by_id": actor.id,
        }
    changed = db.session.execute(
        update(SocialAccount).where(SocialAccount.id == account.id, SocialAccount.status == current).values(**values)
    )
    if changed.rowcount != 1:
        raise Conflict(CHANGED_MESSAGE)
    revoked = 0
    if rules.rights_end_with_account(new_status):
        revoked = db.session.execute(
            update(PublishingRight)
            .where(PublishingRight.account_id == account.id, PublishingRight.status != "revoked")
            .values(status="revoked")
        ).rowcount
    db.session.flush()
    db.session.refresh(account)
    before, after = changed_fields(
        seen,
        {
            "status": account.status,
            "went_live_on": account.went_live_on,
            "trial_ends_on": account.trial_ends_on,
            "approved_by": account.approved_by,
        },
    )
    record_admin_event(
        actor,
        "account_status_changed",
        "social_account",
        account.id,
        target=account_label(account),
        before=before,
        after=after,
        **({"rights_revoked": revoked} if revoked else {}),
    )
    return account


def _find_person(email: str) -> User | None:
    email = (email or "").strip().lower()
    return db.session.scalar(select(User).where(User.email == email)) if email else None


def grant_errors(
    account: SocialAccount, person_email: str, trained_on: date | None, *, today: date | None = None
) -> dict[str, str]:
    """What stops `person_email` being given a right to publish on `account`, by field."""
    person = _find_person(person_email)
    existing = None
    everywhere: list[str] = []
    here: list[str] = []
    if person is not None:
        existing = db.session.scalar(
            select(PublishingRight.status).where(
                PublishingRight.account_id == account.id, PublishingRight.user_id == person.id
            )
        )
        for reference, account_id in db.session.execute(
            select(Case.reference, Suspension.account_id)
            .join(Case, Case.id == Suspension.case_id)
            .where(Suspension.subject_id == person.id, Suspension.lifted_at.is_(None))
            .order_by(Case.reference)
        ):
            if account_id is None:
                everywhere.append(reference)
            elif account_id == account.id:
                here.append(reference)
    return rules.grant_errors(
        account_status=account.status,
        trained_on=trained_on,
        today=today or london_today(),
        person_known=person is not None and person.active,
        existing_right_status=existing,
        suspended_everywhere_by=tuple(dict.fromkeys(everywhere)),
        suspended_here_by=tuple(dict.fromkeys(here)),
    )


def grant_right(
    account: SocialAccount, actor: User, person_email: str, trained_on: date | None, *, today: date | None = None
) -> PublishingRight:
    """Let a trained person publish on a council account (8.1: no right without a training date).

    A person whose right was revoked may be given it again after new training.
    """
    _require_keeper(actor)
    errors = grant_errors(account, person_email, trained_on, today=today)
    if errors:
        raise InvalidInput("The right to publish has errors", errors)
    person = _find_person(person_email)
    granted = {"trained_on": trained_on, "granted_by_id": actor.id, "granted_at": utcnow(), "status": "active"}
    right = db.session.scalar(
        select(PublishingRight).where(PublishingRight.account_id == account.id, PublishingRight.user_id == person.id)
    )
    granted_now = {"status": "active", "trained_on": trained_on, "granted_by": actor}
    if right is not None:
        before, after = changed_fields(
            {"status": right.status, "trained_on": right.trained_on, "granted_by": right.granted_by}, granted_now
        )
        renewed = db.session.execute(
            update(PublishingRight)
            .where(PublishingRight.id == right.id, PublishingRight.status == "revoked")
            .values(**granted)
        )
        if renewed.rowcount != 1:
            raise Conflict(CHANGED_MESSAGE)
        db.session.refresh(right)
        action = "right_granted_again"
    else:
        right = PublishingRight(user_id=person.id, account_id=account.id, **granted)
        try:
            with db.session.begin_nested():
                db.session.add(right)
        except IntegrityError:
            raise Conflict(CHANGED_MESSAGE) from None
        action = "right_granted"
        before, after = {}, {"person": person, "account": account_label(account), **granted_now}
    record_admin_event(
        actor,
        action,
        "publishing_right",
        right.id,
        target=right_label(person, account),
        before=before,
        after=after,
    )
    return right


def revoke_right(right: PublishingRight, actor: User) -> PublishingRight:
    """Take away someone's right to publish on a council account."""
    _require_keeper(actor)
    previous = right.status
    error = rules.revoke_error(previous)
    if error:
        raise InvalidInput(error, {"right": error})
    revoked = db.session.execute(
        update(PublishingRight)
        .where(PublishingRight.id == right.id, PublishingRight.status == previous)
        .values(status="revoked")
    )
    if revoked.rowcount != 1:
        raise Conflict(CHANGED_MESSAGE)
    db.session.refresh(right)
    record_admin_event(
        actor,
        "right_revoked",
        "publishing_right",
        right.id,
        target=right_label(right.user, right.account),
        before={"status": previous},
        after={"status": "revoked"},
    )
    return right
