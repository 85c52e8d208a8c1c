"""Conflicts of interest and reassigning a role on a case (separation of duties, ACAS Code)."""

from ..policy import CASE_ROLES
from .investigation import OVERRIDE_REASON
from .params import ActionParams, Code, Email, Reason, Text, YesNo, need

CONFLICT_NEEDED = "Say whether you have a conflict of interest"


class DeclareConflictParams(ActionParams):
    conflict: YesNo("Whether you have a conflict of interest", unreadable=CONFLICT_NEEDED) = need(CONFLICT_NEEDED)
    text: Text("The text to record") = need("Enter the text")


class ReassignParams(ActionParams):
    role: Code(
        "The role",
        CASE_ROLES,
        otherwise="Choose the owner, the investigator, the hearing officer or the appeal officer",
    ) = need("Choose the role to reassign")
    person: Email("E-mail of the person who takes it") = need("Choose the person to take the role")
    reason: Reason() = need("Enter the reason")
    override_reason: Reason(OVERRIDE_REASON) = None
