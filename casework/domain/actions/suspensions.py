"""Suspending a person's publishing rights while the matter is investigated (Social Networking Policy 11.2),
lifting the suspension and reviewing it."""

from ..case_state import active_suspensions, already_suspended
from ..policy import Stage
from .declaration import BREACH_ONLY, OWNER_OR_HR, Action, Inputs
from .params import AccountIds, ActionParams, Email, Reason, need

SUBJECT_NEEDED = "Choose the person whose rights this concerns"
HELD = frozenset({Stage.RIGHTS_SUSPENDED, Stage.INVESTIGATION, Stage.OUTCOME, Stage.REFERRED})


class SuspendRightsParams(ActionParams):
    subject: Email("E-mail of a person the case is about") = need(SUBJECT_NEEDED)
    accounts: AccountIds('Council account ids, or "all" (the default)') = None
    reason: Reason() = need("Enter the reason")


class SuspensionParams(ActionParams):
    """Lifting or reviewing the suspension of a person's rights."""

    subject: Email("E-mail of a person the case is about") = need(SUBJECT_NEEDED)
    reason: Reason() = need("Enter the reason")


def _whose(x: Inputs):
    """The person the case is about whose rights this concerns, or None (with the field's error)."""
    if "subject" in x.errors:
        return None
    who = x.person(x.params.subject)
    if not x.is_subject(who):
        x.errors["subject"] = "Choose a person the case is about"
        return None
    return who


def _suspend_rule(x: Inputs) -> None:
    who = _whose(x)
    if who is not None:
        already = already_suspended(x.case, who, x.params.accounts)
        if already:
            x.errors["accounts"] = already


def _suspended_rule(x: Inputs) -> None:
    who = _whose(x)
    if who is not None and not active_suspensions(x.case, who.id):
        x.errors["subject"] = "This person's publishing rights are not suspended on this case"


def _something_suspended(case, settings) -> str | None:
    return None if active_suspensions(case) else "No publishing rights are suspended on this case"


def _after_suspending(x: Inputs) -> str:
    """Suspending during the investigation leaves the investigation running."""
    return Stage.INVESTIGATION if x.case.stage == Stage.INVESTIGATION else Stage.RIGHTS_SUSPENDED


def _after_lifting(x: Inputs) -> str:
    """rights_suspended means at least one active suspension: lifting the last one returns to assessment."""
    if x.case.stage == Stage.RIGHTS_SUSPENDED:
        lifted = x.person(x.params.subject)
        if all(s.subject_id == lifted.id for s in active_suspensions(x.case)):
            return Stage.ASSESSMENT
    return x.case.stage


SUSPEND_RIGHTS = Action(
    name="suspend_rights",
    label="Suspend publishing rights",
    from_stages={Stage.ASSESSMENT, Stage.RIGHTS_SUSPENDED, Stage.INVESTIGATION},
    to_stage=Stage.RIGHTS_SUSPENDED,
    capacities=OWNER_OR_HR,
    kinds=BREACH_ONLY,
    params=SuspendRightsParams,
    description="Social Networking Policy 11.2: publishing rights may be suspended while the matter is investigated.",
    rule=_suspend_rule,
    leads_to=_after_suspending,
    done="Publishing rights suspended.",
)

LIFT_SUSPENSION = Action(
    name="lift_suspension",
    label="Lift a suspension",
    from_stages=HELD,
    to_stage=None,
    capacities=OWNER_OR_HR,
    kinds=BREACH_ONLY,
    params=SuspensionParams,
    ready=_something_suspended,
    rule=_suspended_rule,
    leads_to=_after_lifting,
    done="The suspension is lifted.",
)

REVIEW_SUSPENSION = Action(
    name="review_suspension",
    label="Record a suspension review",
    from_stages=HELD,
    to_stage=None,
    capacities=OWNER_OR_HR,
    kinds=BREACH_ONLY,
    params=SuspensionParams,
    description="Suspensions are reviewed every 10 working days.",
    ready=_something_suspended,
    rule=_suspended_rule,
    done="Suspension review recorded.",
)
