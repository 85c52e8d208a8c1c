"""The workflow's actions, each declared once (design §3, §4): see `declaration.Action`.

`ACTIONS` indexes them by name, in the order the pages offer them. To add an action, declare it in the
module of its part of the process and list it here; the services attach its handler
(`casework.services.handlers.handles`), the pages its form (`casework.web.action_forms.form_for`), and the
tests fail until both exist and docs/workflow.md describes it.
"""

from .appeals import DECIDE_APPEAL, LODGE_APPEAL, WAIVE_APPEAL
from .assessment import RECORD_ICO_DECISION, RECORD_POLICE_DECISION, TAKE_OWNERSHIP, UPDATE_CASE
from .closing import CLOSE, CLOSE_NO_FURTHER_ACTION, RECORD_SUPPORT, REOPEN
from .declaration import OPEN_STAGES, PREVIOUS, Action, Capacity, Inputs, Settings
from .hearing import ARRANGE_HEARING, POSTPONE_HEARING
from .investigation import ADD_NOTE, RECORD_HR_ADVICE, RECORD_INVESTIGATION_REPORT, START_INVESTIGATION
from .outcome import ACKNOWLEDGE_CONTRACTOR_CASE, RECORD_CONTRACTOR_ACTION, RECORD_OUTCOME
from .referrals import REFER, RESUME, UPDATE_REFERRAL
from .roles import DECLARE_CONFLICT, REASSIGN
from .routed import CLOSE_ROUTED, RECORD_HANDOFF, REROUTE
from .suspensions import LIFT_SUSPENSION, REVIEW_SUSPENSION, SUSPEND_RIGHTS

ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        TAKE_OWNERSHIP,
        CLOSE_NO_FURTHER_ACTION,
        SUSPEND_RIGHTS,
        LIFT_SUSPENSION,
        REVIEW_SUSPENSION,
        START_INVESTIGATION,
        ADD_NOTE,
        UPDATE_CASE,
        RECORD_INVESTIGATION_REPORT,
        RECORD_HR_ADVICE,
        ARRANGE_HEARING,
        POSTPONE_HEARING,
        RECORD_OUTCOME,
        LODGE_APPEAL,
        DECIDE_APPEAL,
        WAIVE_APPEAL,
        DECLARE_CONFLICT,
        REASSIGN,
        RECORD_CONTRACTOR_ACTION,
        ACKNOWLEDGE_CONTRACTOR_CASE,
        RECORD_ICO_DECISION,
        RECORD_POLICE_DECISION,
        REFER,
        UPDATE_REFERRAL,
        RESUME,
        RECORD_SUPPORT,
        CLOSE,
        REOPEN,
        # Acceptable Use of Social Media Policy 2 and 3: a report routed at intake is handed off and closed,
        # or returned to the disciplinary process
        RECORD_HANDOFF,
        CLOSE_ROUTED,
        REROUTE,
    )
}

__all__ = [
    "ACTIONS",
    "OPEN_STAGES",
    "PREVIOUS",
    "Action",
    "Capacity",
    "Inputs",
    "Settings",
    "ACKNOWLEDGE_CONTRACTOR_CASE",
    "ADD_NOTE",
    "ARRANGE_HEARING",
    "CLOSE",
    "CLOSE_NO_FURTHER_ACTION",
    "CLOSE_ROUTED",
    "DECIDE_APPEAL",
    "DECLARE_CONFLICT",
    "LIFT_SUSPENSION",
    "LODGE_APPEAL",
    "POSTPONE_HEARING",
    "REASSIGN",
    "RECORD_CONTRACTOR_ACTION",
    "RECORD_HANDOFF",
    "RECORD_HR_ADVICE",
    "RECORD_ICO_DECISION",
    "RECORD_INVESTIGATION_REPORT",
    "RECORD_OUTCOME",
    "RECORD_POLICE_DECISION",
    "RECORD_SUPPORT",
    "REFER",
    "REOPEN",
    "REROUTE",
    "RESUME",
    "REVIEW_SUSPENSION",
    "START_INVESTIGATION",
    "SUSPEND_RIGHTS",
    "TAKE_OWNERSHIP",
    "UPDATE_CASE",
    "UPDATE_REFERRAL",
    "WAIVE_APPEAL",
]
