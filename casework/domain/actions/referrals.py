"""Referral to the police, the ICO, the LADO, the contractor or another agency, its progress, and resuming
the case when every referral has ended."""

from ..case_state import active_suspensions, open_referrals, pending_referrals
from ..policy import AGENCIES, REFERRAL_STATUSES, Stage
from .declaration import OPEN_STAGES, OWNER_OR_HR, PREVIOUS, Action, Capacity, Inputs
from .params import ActionParams, Code, NoParams, Reason, RecordId, Text, need

CLOSED_STATUSES = ("concluded", "no_further_action")


class ReferParams(ActionParams):
    agency: Code(
        "The agency referred to",
        AGENCIES,
        otherwise="Choose the police, the ICO, the LADO, the contractor or another agency",
    ) = need("Choose the agency")
    reason: Reason() = need("Enter the reason")
    agency_reference: Text("The agency's reference, e.g. a crime number", 100) = None


class UpdateReferralParams(ActionParams):
    referral_id: RecordId("The referral's id", unreadable="Choose a referral of this case") = need(
        "Choose the referral"
    )
    status: Code(
        "The referral's new status",
        REFERRAL_STATUSES,
        otherwise="Choose pending, acknowledged, concluded or no further action",
    ) = need("Choose the new status")
    result: Text("The result (required when concluded or no further action)") = None
    agency_reference: Text("The agency's reference, e.g. a crime number", 100) = None


def _update_rule(x: Inputs) -> None:
    p = x.params
    referral = next((r for r in x.case.referrals if r.id == p.referral_id), None)
    if p.referral_id is not None and referral is None:
        x.errors["referral_id"] = "Choose a referral of this case"
    elif referral is not None:
        if referral.status in CLOSED_STATUSES:
            x.errors["status"] = "This referral is already closed"
        if (
            Capacity.CONTRACTOR_HEAD_OF_SERVICE in x.held
            and referral.agency != "contractor"
            and not (x.held & OWNER_OR_HR)
        ):
            x.errors["referral_id"] = "A head of service updates the contractor referral only"
    if p.status in CLOSED_STATUSES and not (p.result or "").strip():
        x.errors["result"] = "Enter the result of the referral"


def _referred(case, settings) -> str | None:
    return None if case.referrals else "There are no referrals on this case"


def _referrals_ended(case, settings) -> str | None:
    if open_referrals(case):
        return pending_referrals(case) + ": record its result before the case resumes"
    if not case.stage_before_referral:
        return "There is no stage to resume"
    return None


def _back_where_it_was(x: Inputs) -> str:
    """The stage before the referral; assessment when the suspensions were lifted while it was referred."""
    stage = x.case.stage_before_referral
    if stage == Stage.RIGHTS_SUSPENDED and not active_suspensions(x.case):
        return Stage.ASSESSMENT
    return stage


REFER = Action(
    name="refer",
    label="Refer to another agency",
    from_stages=OPEN_STAGES,
    to_stage=Stage.REFERRED,
    capacities=OWNER_OR_HR,
    params=ReferParams,
    done="Referral recorded.",
)

UPDATE_REFERRAL = Action(
    name="update_referral",
    label="Update a referral",
    from_stages=OPEN_STAGES,
    to_stage=None,
    capacities=OWNER_OR_HR | {Capacity.CONTRACTOR_HEAD_OF_SERVICE},
    params=UpdateReferralParams,
    ready=_referred,
    rule=_update_rule,
    on_routed_cases=True,
    done="Referral updated.",
)

RESUME = Action(
    name="resume",
    label="Resume the case",
    from_stages={Stage.REFERRED},
    to_stage=PREVIOUS,
    capacities=OWNER_OR_HR,
    params=NoParams,
    ready=_referrals_ended,
    leads_to=_back_where_it_was,
    done="The case has resumed.",
)
