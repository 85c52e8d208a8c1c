"""Referral to the police, the ICO, the LADO, the contractor or another agency, and its progress."""

from ..policy import AGENCIES, REFERRAL_STATUSES
from .params import ActionParams, Code, Reason, RecordId, Text, need


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
