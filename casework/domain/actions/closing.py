"""Support for a member of staff who was abused, closing a case and reopening it."""

from .. import process
from ..case_state import active_suspensions, open_referrals, pending_referrals
from ..policy import Stage
from .declaration import ABUSE_ONLY, OWNER_OR_HR, Action, Capacity
from .params import ActionParams, Reason, Text, need


class ReasonParams(ActionParams):
    reason: Reason() = need("Enter the reason")


class ClosingParams(ActionParams):
    reason: Reason("Optional note on closing") = None


class SupportParams(ActionParams):
    text: Text("What was done to support the member of staff") = need("Enter the text")


def _nothing_left_open(case, settings) -> str | None:
    """A case closes with no active suspension, every referral ended, its outcome recorded and every appeal
    window passed, waived or decided."""
    if active_suspensions(case):
        return "Lift or resolve every suspension of publishing rights before closing the case"
    if open_referrals(case):
        return pending_referrals(case) + ": record its result before closing the case"
    if case.stage == Stage.OUTCOME and not case.current_outcomes:
        return "Record the outcome before closing the case"
    if case.current_outcomes:
        return process.appeals_settled(case, settings.day)
    return None


CLOSE_NO_FURTHER_ACTION = Action(
    name="close_no_further_action",
    label="Close with no further action",
    from_stages={Stage.ASSESSMENT},
    to_stage=Stage.CLOSED,
    capacities=OWNER_OR_HR,
    params=ReasonParams,
    description="No further action, or informal advice only; the reason is recorded.",
    done="The case is closed with no further action.",
)

RECORD_SUPPORT = Action(
    name="record_support",
    label="Record support given",
    from_stages={Stage.ASSESSMENT, Stage.SUPPORT},
    to_stage=Stage.SUPPORT,
    capacities=OWNER_OR_HR,
    kinds=ABUSE_ONLY,
    params=SupportParams,
    done="Support recorded. The member of staff can see it on their report.",
)

CLOSE = Action(
    name="close",
    label="Close the case",
    from_stages={Stage.OUTCOME, Stage.SUPPORT, Stage.REFERRED},
    to_stage=Stage.CLOSED,
    capacities=OWNER_OR_HR,
    params=ClosingParams,
    ready=_nothing_left_open,
    done="The case is closed.",
)

REOPEN = Action(
    name="reopen",
    label="Reopen the case",
    from_stages={Stage.CLOSED},
    to_stage=Stage.ASSESSMENT,
    capacities={Capacity.HR},
    params=ReasonParams,
    done="The case is reopened.",
)
