"""Appeals: lodged on a person's behalf within the window, decided by the appeal officer, or waived."""

from .. import process
from ..case_state import appealable
from ..policy import APPEAL_RESULTS, SANCTIONS, Stage
from .declaration import BREACH_ONLY, OWNER_OR_HR, Action, Capacity, Inputs
from .investigation import OVERRIDE_REASON
from .params import ActionParams, Code, Email, Reason, Text, need

APPELLANT_NEEDED = "Choose whose appeal this is"

LADDER = list(SANCTIONS)


class LodgeAppealParams(ActionParams):
    subject: Email("E-mail of a person the case is about") = need(APPELLANT_NEEDED)
    grounds: Text("The grounds of appeal") = need("Enter the grounds of appeal")
    appeal_officer: Email("E-mail of the appeal officer") = need("Choose the appeal officer")
    late_reason: Reason("Why an appeal after the window is accepted") = None
    override_reason: Reason(OVERRIDE_REASON) = None


class DecideAppealParams(ActionParams):
    subject: Email("E-mail of a person the case is about") = need(APPELLANT_NEEDED)
    result: Code("The result", APPEAL_RESULTS, otherwise="Choose upheld, varied or overturned") = need(
        "Choose the result of the appeal"
    )
    sanction: Code("When varied: the new sanction", SANCTIONS) = None
    reason: Reason() = need("Enter the reason")


class WaiveAppealParams(ActionParams):
    subject: Email("E-mail of a person the case is about") = need("Choose who will not appeal")
    reason: Reason() = need("Enter the reason")


def _appealed(case, outcome) -> bool:
    return any(a.outcome_id == outcome.id or a.new_outcome_id == outcome.id for a in case.appeals)


def _lodge_rule(x: Inputs) -> None:
    case = x.case
    who = x.subject_named(x.params.subject)
    if "subject" not in x.errors:
        outcome = case.outcome_for(who.id) if x.is_subject(who) else None
        if not x.is_subject(who):
            x.errors["subject"] = "Choose a person the case is about"
        elif outcome is None:
            x.errors["subject"] = f"No outcome is recorded for {who.name}"
        elif outcome.sanction == "referred_to_contractor":
            x.errors["subject"] = "A contractor appeals under the contractor's own procedures"
        elif outcome.appeal_waived_at is not None:
            x.errors["subject"] = f"{who.name} said in writing that they will not appeal"
        elif process.open_appeal(case, who.id) is not None:
            x.errors["subject"] = f"{who.name}'s appeal is already lodged"
        elif _appealed(case, outcome):
            x.errors["subject"] = f"{who.name}'s appeal has already been decided"
        elif outcome.appeal_due_on is not None and x.settings.day > outcome.appeal_due_on:
            if not (x.params.late_reason or "").strip():
                x.errors["late_reason"] = (
                    f"The appeal window closed on {outcome.appeal_due_on:%-d %B %Y}: enter why the appeal "
                    "is accepted late"
                )
    if "appeal_officer" not in x.errors:
        officer = x.person(x.params.appeal_officer)
        if officer is None:
            x.errors["appeal_officer"] = "Choose the appeal officer from the staff directory"
        else:
            x.separate("appeal_officer", "appeal_officer", officer)


def _decide_rule(x: Inputs) -> None:
    who = x.subject_named(x.params.subject)
    appeal = process.open_appeal(x.case, who.id) if who is not None else None
    if "subject" not in x.errors and (appeal is None or appeal.appeal_officer_id != x.actor.id):
        x.errors["subject"] = "Choose a person whose appeal you are the appeal officer for"
        return
    result, sanction = x.params.result, x.params.sanction
    if result == "varied" and appeal is not None:
        current = appeal.outcome.sanction
        if not sanction:
            x.errors["sanction"] = "Choose the new sanction"
        elif sanction not in SANCTIONS or sanction == "referred_to_contractor":
            x.errors["sanction"] = "Choose a sanction from the list"
        elif sanction == current:
            x.errors["sanction"] = "Choose a sanction other than the one appealed against, or uphold the outcome"
        elif current in LADDER and LADDER.index(sanction) > LADDER.index(current):
            x.errors["sanction"] = "An appeal cannot make the sanction more severe"
    elif sanction and result in ("upheld", "overturned"):
        x.errors["sanction"] = "A new sanction is given only when the outcome is varied"


def _after_deciding(x: Inputs) -> str:
    """Back to the outcome stage once no appeal is left waiting."""
    decided = x.person(x.params.subject)
    others = [a for a in x.case.appeals if a.result is None and a.subject_id != (decided.id if decided else None)]
    return Stage.APPEAL if others else Stage.OUTCOME


def _waive_rule(x: Inputs) -> None:
    if "subject" in x.errors:
        return
    who = x.subject_named(x.params.subject)
    outcome = x.case.outcome_for(who.id) if who is not None else None
    if not x.is_subject(who):
        x.errors["subject"] = "Choose a person the case is about"
    elif outcome is None:
        x.errors["subject"] = f"No outcome is recorded for {who.name}"
    elif outcome.appeal_waived_at is not None:
        x.errors["subject"] = f"{who.name}'s waiver is already recorded"
    elif _appealed(x.case, outcome):
        x.errors["subject"] = f"{who.name} has appealed: the appeal is decided instead"


def _something_to_appeal(case, settings) -> str | None:
    return None if appealable(case) else "No outcome on this case can be appealed now"


LODGE_APPEAL = Action(
    name="lodge_appeal",
    label="Lodge an appeal",
    from_stages={Stage.OUTCOME, Stage.APPEAL},
    to_stage=Stage.APPEAL,
    capacities=OWNER_OR_HR,
    kinds=BREACH_ONLY,
    params=LodgeAppealParams,
    description="On the person's behalf, within the appeal window of the outcome letter (later only with a reason).",
    ready=_something_to_appeal,
    rule=_lodge_rule,
    done="The appeal is lodged and the appeal officer has been told.",
)

DECIDE_APPEAL = Action(
    name="decide_appeal",
    label="Decide the appeal",
    from_stages={Stage.APPEAL},
    to_stage=None,
    capacities={Capacity.APPEAL_OFFICER},
    kinds=BREACH_ONLY,
    params=DecideAppealParams,
    description="Upheld, varied (with the new sanction) or overturned, with reasons.",
    rule=_decide_rule,
    leads_to=_after_deciding,
    done="The appeal is decided. Send the appeal outcome letter.",
)

WAIVE_APPEAL = Action(
    name="waive_appeal",
    label="Record that an appeal is waived",
    from_stages={Stage.OUTCOME, Stage.APPEAL, Stage.REFERRED},
    to_stage=None,
    capacities=OWNER_OR_HR,
    kinds=BREACH_ONLY,
    params=WaiveAppealParams,
    description="The person has said in writing that they will not appeal.",
    ready=_something_to_appeal,
    rule=_waive_rule,
    done="The waiver of the appeal is recorded.",
)
