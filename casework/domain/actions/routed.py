"""A report routed at intake to the Monitoring Officer, a school or the whistleblowing procedure: handed
off and closed, or returned to the disciplinary process (Acceptable Use of Social Media Policy 2 and 3)."""

from ..case_state import open_referrals
from ..policy import Stage
from .declaration import BREACH_ONLY, OWNER_OR_HR, Action, Inputs
from .params import ActionParams, Emails, Reason, Text, need

ROUTED = frozenset({Stage.ROUTED})


class HandoffParams(ActionParams):
    text: Text("Who the report was passed to, when and how") = need("Enter the text")
    handoff_reference: Text("Their reference, if they gave one", 100) = None


class CloseRoutedParams(ActionParams):
    reason: Reason("Optional note on closing, e.g. what the other procedure decided") = None


class RerouteParams(ActionParams):
    reason: Reason("Why the report is returned to the disciplinary process") = need("Enter the reason")
    subjects: Emails(
        "E-mails of the council staff it is about, when the case names none",
        unreadable="Choose people from the staff directory",
    ) = None


def _handed_off(case, settings) -> str | None:
    if getattr(case, "handed_off_at", None) is None:
        return "Record the hand-off before closing the case"
    still_open = open_referrals(case)
    if still_open:
        agency = "LADO" if still_open[0].agency == "lado" else "open"
        return f"The {agency} referral is still open: record its result before closing the case"
    return None


def _reroute_rule(x: Inputs) -> None:
    """The disciplinary process needs a member of staff from the directory, each once, not the reporter."""
    if "subjects" in x.errors:
        return
    emails = [email.strip().lower() for email in x.params.subjects or [] if email.strip()]
    found = [x.people.get(email) for email in emails]
    if any(person is None for person in found):
        x.errors["subjects"] = "Choose people from the staff directory"
    elif not emails and not x.case.subjects:
        x.errors["subjects"] = "Choose who the report is about: the disciplinary process needs a member of staff"
    elif any(person.id == x.case.reporter_id for person in found):
        x.errors["subjects"] = "The person who reported it cannot be the person it is about"
    elif len(set(emails)) != len(emails):
        x.errors["subjects"] = "Choose each person once"


RECORD_HANDOFF = Action(
    name="record_handoff",
    label="Record the hand-off",
    from_stages=ROUTED,
    to_stage=None,
    capacities=OWNER_OR_HR,
    kinds=BREACH_ONLY,
    params=HandoffParams,
    description="Who the report was passed to, when and how (Acceptable Use of Social Media Policy 2 and 3).",
    on_routed_cases=True,
    done="The hand-off is recorded.",
)

CLOSE_ROUTED = Action(
    name="close_routed",
    label="Close: dealt with elsewhere",
    from_stages=ROUTED,
    to_stage=Stage.CLOSED,
    capacities=OWNER_OR_HR,
    kinds=BREACH_ONLY,
    params=CloseRoutedParams,
    description="The report was passed on and the council has nothing more to do on it.",
    ready=_handed_off,
    on_routed_cases=True,
    done="The case is closed: it is dealt with elsewhere.",
)

REROUTE = Action(
    name="reroute",
    label="Return to the disciplinary process",
    from_stages=ROUTED,
    to_stage=Stage.REPORTED,
    capacities=OWNER_OR_HR,
    kinds=BREACH_ONLY,
    params=RerouteParams,
    description="The routing was wrong: the report is about council staff and is dealt with under the social "
    "media policy after all.",
    rule=_reroute_rule,
    on_routed_cases=True,
    done="The report is back in the disciplinary process as a new report. Its managers have been told.",
)
