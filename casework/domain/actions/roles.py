"""Conflicts of interest and reassigning a role on a case (separation of duties, ACAS Code)."""

from .. import process
from ..policy import CASE_ROLES, Stage
from .declaration import OPEN_STAGES, Action, Capacity, Inputs
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


def _reassign_rule(x: Inputs) -> None:
    case, role = x.case, x.params.role
    if "role" in x.errors:
        return
    if role == "investigator" and case.investigator_id is None:
        x.errors["role"] = "The case has no investigator yet: start the investigation instead"
    elif role == "hearing_officer" and case.hearing_officer_id is None:
        x.errors["role"] = "No hearing is arranged: arrange one instead"
    elif role == "appeal_officer" and not any(a.result is None for a in case.appeals):
        x.errors["role"] = "No appeal is waiting for a decision"
    if "person" in x.errors or "role" in x.errors:
        return
    who = x.person(x.params.person)
    if who is None:
        x.errors["person"] = "Choose a person from the staff directory"
    elif who.id in process.role_holders(case, role):
        x.errors["person"] = f"{who.name} is already the {CASE_ROLES[role].lower()}"
    elif process.unresolved_conflict(case, who.id):
        x.errors["person"] = f"{who.name} has declared a conflict of interest on this case"
    else:
        x.separate(role, "person", who)


DECLARE_CONFLICT = Action(
    name="declare_conflict",
    label="Declare a conflict of interest",
    from_stages=OPEN_STAGES - {Stage.REPORTED},
    to_stage=None,
    capacities={Capacity.ASSIGNED},
    params=DeclareConflictParams,
    description="Yes or no, with details. A declared conflict stops you acting until HR reassigns the role.",
    done="Your declaration is recorded.",
)

REASSIGN = Action(
    name="reassign",
    label="Reassign a role",
    from_stages=OPEN_STAGES - {Stage.REPORTED},
    to_stage=None,
    capacities={Capacity.HR},
    params=ReassignParams,
    description="The owner, the investigator, the hearing officer or the appeal officer.",
    rule=_reassign_rule,
    done="The role is reassigned.",
)
