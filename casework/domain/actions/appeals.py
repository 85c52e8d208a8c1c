"""Appeals: lodged on a person's behalf within the window, decided by the appeal officer, or waived."""

from ..policy import APPEAL_RESULTS, SANCTIONS
from .investigation import OVERRIDE_REASON
from .params import ActionParams, Code, Email, Reason, Text, need
from .suspensions import SUBJECT_NEEDED


class LodgeAppealParams(ActionParams):
    subject: Email("E-mail of a person the case is about") = need(SUBJECT_NEEDED)
    grounds: Text("The grounds of appeal") = need("Enter the grounds of appeal")
    appeal_officer: Email("E-mail of the appeal officer") = need("Choose the appeal officer")
    late_reason: Reason("Why an appeal after the window is accepted") = None
    override_reason: Reason(OVERRIDE_REASON) = None


class DecideAppealParams(ActionParams):
    subject: Email("E-mail of a person the case is about") = need(SUBJECT_NEEDED)
    result: Code("The result", APPEAL_RESULTS, otherwise="Choose upheld, varied or overturned") = need(
        "Choose the result of the appeal"
    )
    sanction: Code("When varied: the new sanction", SANCTIONS) = None
    reason: Reason() = need("Enter the reason")


class WaiveAppealParams(ActionParams):
    subject: Email("E-mail of a person the case is about") = need(SUBJECT_NEEDED)
    reason: Reason() = need("Enter the reason")
