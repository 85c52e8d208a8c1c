"""What a case holds now, as the rules see it: its active suspensions, its open referrals, the outcomes
that can still be appealed. Pure functions over the attributes of cases and people."""

from .policy import AGENCY_SHORT_NAMES, REFERRAL_STATUSES, Kind, StaffType


def active_suspensions(case, subject_id=None) -> list:
    return [s for s in case.suspensions if s.lifted_at is None and (subject_id is None or s.subject_id == subject_id)]


def rights_decision_subjects(case) -> list:
    """Whom an outcome's decision on publishing rights is about: the people whose rights this case
    suspends, or, when it suspends none, the one person the case is about. Never anyone else."""
    suspended = {s.subject_id for s in active_suspensions(case)}
    if suspended:
        return [person for person in case.subjects if person.id in suspended]
    return list(case.subjects) if len(case.subjects) == 1 else []


def covers(suspension, account_id) -> bool:
    """Does an active `suspension` hold the right to publish on `account_id`?"""
    return suspension.lifted_at is None and (suspension.account_id is None or suspension.account_id == account_id)


def right_stays_suspended(account_id, suspensions) -> bool:
    """Social Networking Policy 11.2: a right is suspended while any active suspension covers it,
    whichever case it belongs to; it becomes active again only when the last one is lifted."""
    return any(covers(s, account_id) for s in suspensions)


def requested_accounts(accounts) -> frozenset | None:
    """The account ids a suspension asks for; None for every council account (nonsense is refused elsewhere)."""
    if accounts in (None, "", "all", []) or accounts == ["all"]:
        return None
    values = accounts if isinstance(accounts, list) else [accounts]
    ids = set()
    for value in values:
        try:
            ids.add(int(value))
        except (TypeError, ValueError, OverflowError):
            continue
    return frozenset(ids)


def _account_name(suspension) -> str:
    account = getattr(suspension, "account", None)
    return account.handle if account is not None else f"account {suspension.account_id}"


def already_suspended(case, person, accounts) -> str | None:
    """Why suspending `person` on `accounts` again would repeat a suspension this case already holds
    (Back and send again, or the button pressed on two pages), or None."""
    held = active_suspensions(case, person.id)
    name = getattr(person, "name", None) or "This person"
    if any(s.account_id is None for s in held):
        return f"{name}'s publishing rights are already suspended on every council account on this case"
    wanted = requested_accounts(accounts)
    if wanted is None:
        return None
    repeated = [s for s in held if s.account_id in wanted]
    if repeated:
        names = ", ".join(sorted({_account_name(s) for s in repeated}))
        return f"{name}'s publishing rights are already suspended on this case on: {names}"
    return None


def open_referrals(case) -> list:
    return [r for r in case.referrals if r.status in ("pending", "acknowledged")]


def pending_referrals(case) -> str:
    """ "The police referral is still pending", for each referral not yet concluded."""
    parts = []
    for referral in open_referrals(case):
        agency = AGENCY_SHORT_NAMES.get(referral.agency, referral.agency)
        parts.append(
            f"the {agency} referral is still {REFERRAL_STATUSES.get(referral.status, referral.status).lower()}"
        )
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def police_decision_needed(case) -> bool:
    """An abuse case about a threat, or any case that may be a crime, needs a decision on a police referral
    (Social Networking Policy 11.5)."""
    return bool(case.criminal_offence) or (case.kind == Kind.ABUSE and "threats" in case.categories)


def appealable(case) -> list:
    """Current outcomes against which an appeal can still be lodged or waived."""
    found = []
    for outcome in case.current_outcomes:
        if outcome.sanction == "referred_to_contractor" or outcome.appeal_waived_at is not None:
            continue
        if any(a.outcome_id == outcome.id or a.new_outcome_id == outcome.id for a in case.appeals):
            continue
        found.append(outcome)
    return found


def has_contractor(case) -> bool:
    return any(s.staff_type == StaffType.CONTRACTOR for s in case.subjects)
