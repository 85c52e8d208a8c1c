"""Keeping the register of council social media accounts and publishing rights.

Managers propose accounts with a project brief (Social Networking Policy 7.2);
the Communications team (casework.config: ACCOUNT_APPROVER_ROLES and
COMMUNICATIONS_DEPARTMENT) approves or refuses them with reasons (7.3),
reviews each three-month trial (7.4) and removes accounts unused or never
approved (7.5); admin and HR keep the register and say who may publish on each
account (8.1: only people trained by the Communications team). The register
shows a right's status but never the case that suspended it.

Every change writes one AdminEvent (the admin audit) in its own
transaction, with the values of the fields it changed before and after.
"""

from dataclasses import dataclass
from datetime import date, timedelta

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
from .notify import notify

REGISTER_FOOTER = "Sign in to Casework to see the register of council accounts."
CHANGED_MESSAGE = "This account changed since you opened the page. Check its details and try again."


@dataclass(frozen=True)
class RegisterEntry:
    account: SocialAccount
    publishers: int  # people with an active right to publish on it
    removal_reason: str | None = None  # 7.5: why it should be removed, when it should


# --- who acts for the Communications team ---------------------------------------


def in_communications_team(user: User) -> bool:
    """Social Networking Policy 7.3: whether `user` acts for the Communications team (a setting)."""
    return rules.is_communications_team(
        user.role,
        user.department.name if user.department is not None else None,
        approver_roles=current_app.config["ACCOUNT_APPROVER_ROLES"],
        communications_department=current_app.config["COMMUNICATIONS_DEPARTMENT"],
    )


def may(user: User, action: str) -> bool:
    """Whether `user` may take `action` on the register (casework.domain.accounts.ACCOUNT_PERMISSIONS)."""
    return user.is_authenticated and rules.may(action, user.role, communications=in_communications_team(user))


REFUSALS = {
    "propose": "Only managers, HR, administrators and the Communications team can propose a council account",
    "decide": "Only the Communications team can approve or refuse a proposed account",
    "review_trial": "Only the Communications team can review an account's trial",
    "close": "Only the Communications team, administrators and HR can close a council account",
    "record_use": "Only the Communications team, administrators and HR can record an account's use",
    "record_training": "Only the Communications team, administrators and HR can record training",
    "manage_rights": "Only the Communications team, administrators and HR can change who may publish",
    "export": "Only the Communications team, administrators and HR can export the register",
    "view_register": "Only managers, HR, administrators and the Communications team can see the register",
}


def require(user: User, action: str) -> None:
    if not may(user, action):
        raise NotAllowed(REFUSALS[action])


def communications_team() -> list[User]:
    """Everyone who acts for the Communications team now: told of proposals, trial reviews and lapsing training."""
    roles = list(current_app.config["ACCOUNT_APPROVER_ROLES"] or ())
    department = current_app.config["COMMUNICATIONS_DEPARTMENT"]
    condition = User.role.in_(roles) if roles else None
    if department:
        in_department = User.department_id.in_(select(Department.id).where(Department.name == department))
        condition = in_department if condition is None else (condition | in_department)
    if condition is None:
        return []
    return list(db.session.scalars(select(User).where(User.active.is_(True), condition).order_by(User.id)).all())


def removal_reason(account: SocialAccount, today: date | None = None) -> str | None:
    """7.5: why `account` should be removed (unused for ACCOUNT_DORMANT_MONTHS, or never approved), or None."""
    return rules.removal_reason(
        status=account.status,
        decision=account.decision,
        went_live_on=account.went_live_on,
        last_used_on=account.last_used_on,
        today=today or london_today(),
        dormant_months=current_app.config["ACCOUNT_DORMANT_MONTHS"],
    )


# --- audit -------------------------------------------------------------------


def account_label(account: SocialAccount) -> str:
    return f"{account.handle} on {rules.PLATFORMS.get(account.platform, account.platform)}"


def right_label(person: User, account: SocialAccount) -> str:
    return f"{person.name} ({person.email}) on {account_label(account)}"


# --- reading -----------------------------------------------------------------


def list_accounts(today: date | None = None) -> list[RegisterEntry]:
    """Every account on the register with how many people may publish on it and whether to remove it (7.5)."""
    today = today or london_today()
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
    return [RegisterEntry(account, count, removal_reason(account, today)) for account, count in rows]


ID_MAX = 2**31 - 1


def get_account(account_id) -> SocialAccount:
    """An account on the register by id (a number, or its text); NotFound for anything else."""
    try:
        number = int(account_id)
    except (TypeError, ValueError):
        raise NotFound("No such account") from None
    account = db.session.get(SocialAccount, number) if 0 < number <= ID_MAX else None
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


def staff_directory() -> list[User]:
    """Everyone active, by name (whose training may be recorded)."""
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name, User.email)).all())


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


@dataclass(frozen=True)
class ToDo:
    """Something about the council's accounts that needs the Communications team, for the home page."""

    text: str
    anchor: str  # "register" or "training": where to look


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def to_attend(user: User, today: date | None = None) -> list[ToDo]:
    """For the Communications team, admin and HR: proposals waiting for a decision (7.3), trials ending or
    past their end (7.4), accounts flagged for removal (7.5) and training lapsing (8.1)."""
    today = today or london_today()
    found: list[ToDo] = []
    counted = [action for action in ("decide", "review_trial", "close") if may(user, action)]
    # The register is read only for someone with one of those to attend to (a manager may read it, not act)
    entries = list_accounts(today) if counted and may(user, "view_register") else []
    days = current_app.config["ACCOUNT_TRIAL_REMINDER_DAYS"]
    if "decide" in counted:
        n = sum(1 for e in entries if e.account.status == "proposed")
        if n:
            found.append(
                ToDo(_counted(n, "proposed account waits", "proposed accounts wait") + " for a decision", "register")
            )
    if "review_trial" in counted:
        n = sum(
            1
            for e in entries
            if e.account.status == "trial"
            and e.account.trial_ends_on is not None
            and e.account.trial_ends_on <= today + timedelta(days=days)
        )
        if n:
            found.append(
                ToDo(
                    _counted(n, "trial ends soon or needs its review", "trials end soon or need their review"),
                    "register",
                )
            )
    if "close" in counted:
        n = sum(1 for e in entries if e.removal_reason)
        if n:
            found.append(ToDo(_counted(n, "account is", "accounts are") + " flagged for removal", "register"))
    if may(user, "record_training"):
        from .account_training import publishers_training

        n = sum(1 for t in publishers_training(today) if t.publishes_on and (t.lapsed or t.reminder_due))
        if n:
            found.append(
                ToDo(
                    _counted(n, "person who publishes needs", "people who publish need") + " refresher training",
                    "training",
                )
            )
    return found


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
    """Propose a council account (7.2: a project brief before it is set up); it waits for the
    Communications team's decision. Nothing is stored when the brief is incomplete."""
    require(actor, "propose")
    errors = account_errors(account_input)
    if errors:
        raise InvalidInput("The account has errors", errors)
    account = SocialAccount(
        platform=account_input.platform,
        handle=account_input.handle.strip(),
        url=account_input.url.strip() or None,
        department_id=account_input.department_id,
        status="proposed",
        proposed_by_id=actor.id,
        **{name: value.strip() for name, value in account_input.brief().items()},
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
            **account_input.brief(),
        },
    )
    notify(
        communications_team(),
        None,
        f"{account_label(account)} has been proposed as a council account: approve or refuse it "
        "(Social Networking Policy 7.3).",
        subject="Casework: a council account has been proposed",
        exclude=actor,
        footer=REGISTER_FOOTER,
    )
    return account


def change_status(
    account: SocialAccount,
    actor: User,
    new_status: str,
    *,
    from_status: str | None = None,
    today: date | None = None,
    reason: str | None = None,
    review: bool = False,
    because_of_case_id: int | None = None,
    action: str = "account_status_changed",
    authorised: bool = False,
    **details,
) -> SocialAccount:
    """Move an account along its life (7.4, 7.5).

    Going live starts the trial: it records today as the day it went live,
    the trial end (three months later, ACCOUNT_TRIAL_MONTHS) and who approved
    it. Removing an account revokes every right to publish on it.
    `from_status` is the status the person saw; if it has changed since, nothing is done.
    Approving and refusing are the Communications team's (`decide`); the rest, `close`.
    """
    current = account.status
    if not authorised:
        require(actor, "decide" if current == "proposed" else "close")
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
        "decision": account.decision,
    }
    if current == "proposed" and new_status == "trial":
        went_live = today or london_today()
        values |= {
            "went_live_on": went_live,
            "trial_ends_on": rules.trial_end(went_live, current_app.config["ACCOUNT_TRIAL_MONTHS"]),
            "approved_by_id": actor.id,
            "decision": "approved",
            "decided_by_id": actor.id,
            "decided_at": utcnow(),
        }
    elif current == "proposed" and new_status == "refused":
        values |= {"decision": "refused", "decided_by_id": actor.id, "decided_at": utcnow()}
    elif new_status == "removed":
        values |= {"closed_by_id": actor.id, "closed_at": utcnow()}
    if reason is not None and current == "proposed":
        values["decision_reason"] = reason
    if reason is not None and new_status == "removed":
        values["closure_reason"] = reason
    if because_of_case_id is not None:
        values["closed_because_case_id"] = because_of_case_id
    if review:
        values |= {"trial_review_note": reason, "trial_reviewed_by_id": actor.id, "trial_reviewed_at": utcnow()}
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
            "decision": account.decision,
        },
    )
    if reason is not None:
        after["reason"] = reason
    record_admin_event(
        actor,
        action,
        "social_account",
        account.id,
        target=account_label(account),
        before=before,
        after=after,
        **({"rights_revoked": revoked} if revoked else {}),
        **details,
    )
    return account


def decide(
    account: SocialAccount,
    actor: User,
    decision: str,
    reason: str,
    *,
    from_status: str | None = None,
    today: date | None = None,
) -> SocialAccount:
    """7.3: the Communications team approves a proposal (it goes live on a three-month trial, 7.4) or
    refuses it, with reasons in both cases. The person who proposed it is told."""
    require(actor, "decide")
    errors = rules.decision_errors(account.status, decision, reason, own_proposal=account.proposed_by_id == actor.id)
    if errors:
        if "decision" in errors and account.status != "proposed":
            raise Conflict(errors["decision"], errors)
        raise InvalidInput("The decision has errors", errors)
    new_status = "trial" if decision == "approved" else "refused"
    change_status(
        account,
        actor,
        new_status,
        from_status=from_status,
        today=today,
        reason=reason.strip(),
        action="account_approved" if decision == "approved" else "account_refused",
    )
    message = (
        f"{account_label(account)} has been approved: its three-month trial runs to "
        f"{account.trial_ends_on.isoformat()} (Social Networking Policy 7.4)."
        if decision == "approved"
        else f"The proposal of {account_label(account)} has been refused. The reasons are on the register."
    )
    notify(
        [account.proposed_by],
        None,
        message,
        subject="Casework: your proposed council account",
        exclude=actor,
        footer=REGISTER_FOOTER,
    )
    return account


def review_trial(
    account: SocialAccount, actor: User, decision: str, note: str, *, from_status: str | None = None
) -> SocialAccount:
    """7.4: after its trial the Communications team keeps the account (active) or closes it (removed)."""
    require(actor, "review_trial")
    errors = rules.trial_review_errors(account.status, decision, note)
    if errors:
        if "decision" in errors and account.status != "trial":
            raise Conflict(errors["decision"], errors)
        raise InvalidInput("The trial review has errors", errors)
    return change_status(
        account,
        actor,
        "active" if decision == "keep" else "removed",
        from_status=from_status,
        reason=note.strip(),
        review=True,
        action="account_trial_reviewed",
        decision=decision,
    )


def close_account(
    account: SocialAccount,
    actor: User,
    reason: str,
    *,
    from_status: str | None = None,
    because_of_case=None,
    authorised: bool = False,
) -> SocialAccount:
    """7.5 (unused, of no benefit, or never approved) and 8.6 (the outcome of a case): the account is
    removed, with the reason, and nobody may publish on it any more. `authorised`: the caller has
    checked that `actor` decides `because_of_case` (casework.services.account_cases)."""
    if not authorised:
        require(actor, "close")
    errors = rules.closure_errors(account.status, reason)
    if errors:
        if "account" in errors:
            raise Conflict(errors["account"], errors)
        raise InvalidInput("The closure has errors", errors)
    return change_status(
        account,
        actor,
        "removed",
        from_status=from_status,
        reason=reason.strip(),
        action="account_closed",
        authorised=True,
        because_of_case_id=because_of_case.id if because_of_case is not None else None,
        **({"as_the_outcome_of_a_case": True} if because_of_case is not None else {}),
    )


def record_use(
    account: SocialAccount, actor: User, used_on: date | None, *, today: date | None = None
) -> SocialAccount:
    """7.5: the last day the account was used, so that one unused for ACCOUNT_DORMANT_MONTHS is flagged."""
    require(actor, "record_use")
    errors = rules.use_errors(account.status, used_on, account.went_live_on, today or london_today())
    if errors:
        raise InvalidInput("The date last used has errors", errors)
    before = account.last_used_on
    account.last_used_on = used_on
    db.session.flush()
    record_admin_event(
        actor,
        "account_use_recorded",
        "social_account",
        account.id,
        target=account_label(account),
        before={"last_used_on": before},
        after={"last_used_on": used_on},
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
        training_valid_months=current_app.config["TRAINING_VALID_MONTHS"],
    )


def grant_right(
    account: SocialAccount, actor: User, person_email: str, trained_on: date | None, *, today: date | None = None
) -> PublishingRight:
    """Let a trained person publish on an approved council account (8.1: no right without training that
    has not lapsed). The training date is kept as the person's training record.

    A person whose right was revoked may be given it again after new training.
    """
    require(actor, "manage_rights")
    errors = grant_errors(account, person_email, trained_on, today=today)
    if errors:
        raise InvalidInput("The right to publish has errors", errors)
    person = _find_person(person_email)
    from .account_training import keep_training

    keep_training(person, trained_on, actor)
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
    require(actor, "manage_rights")
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
