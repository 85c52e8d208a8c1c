"""Suspending a person's publishing rights while the matter is investigated (Social Networking Policy 11.2)."""

from .params import AccountIds, ActionParams, Email, Reason, need

SUBJECT_NEEDED = "Choose the person whose rights this concerns"


class SuspendRightsParams(ActionParams):
    subject: Email("E-mail of a person the case is about") = need(SUBJECT_NEEDED)
    accounts: AccountIds('Council account ids, or "all" (the default)') = None
    reason: Reason() = need("Enter the reason")


class SuspensionParams(ActionParams):
    """Lifting or reviewing the suspension of a person's rights."""

    subject: Email("E-mail of a person the case is about") = need(SUBJECT_NEEDED)
    reason: Reason() = need("Enter the reason")
