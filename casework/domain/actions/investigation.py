"""The investigation: who investigates, the notes and interviews, the report with a finding on each
allegation, and HR's advice (Acceptable Use of Social Media Policy 9 and 10)."""

from ..case_state import active_suspensions
from ..policy import FINDINGS, NOTE_KINDS, RECOMMENDATIONS, Stage
from .declaration import BREACH_ONLY, OPEN_STAGES, OWNER_OR_HR, Action, Capacity, Inputs
from .params import ActionParams, Code, Email, Item, Items, Reason, Text, need

INTERVIEWEE_ROLES = ("complainant", "subject", "witness")
OVERRIDE_REASON = "Where another person is not practicable (ACAS Code): why separation of duties is set aside"


class StartInvestigationParams(ActionParams):
    investigator: Email("E-mail of the investigating manager or HR officer") = need("Choose the investigator")
    no_suspension_reason: Reason("Why publishing rights are not suspended (when none are)") = None
    override_reason: Reason(OVERRIDE_REASON) = None


class AddNoteParams(ActionParams):
    kind: Code("The kind of note", NOTE_KINDS, otherwise="Choose a note, an interview record or a meeting record") = (
        need("Choose the kind of note")
    )
    interviewee_name: Text("For an interview record: the name of the person interviewed", 200) = None
    interviewee_role: Code(
        "For an interview record: in what role", INTERVIEWEE_ROLES, otherwise="Choose complainant, subject or witness"
    ) = None
    text: Text("The text to record") = need("Enter the text")


class FindingItem(Item):
    subject: Email("E-mail of a person the case is about") = None
    category: Text("The allegation's category") = None
    finding: Code("The finding", FINDINGS) = None


class InvestigationReportParams(ActionParams):
    findings: Items(
        FindingItem,
        "A finding on each allegation: subject (e-mail), category, finding",
        unreadable="Give a finding for each allegation",
    ) = need("Give a finding for each allegation")
    summary: Text("A summary of the investigation") = need("Enter a summary of the decision")
    recommendation: Code(
        "The recommendation",
        RECOMMENDATIONS,
        otherwise="Choose no case to answer, informal action or a disciplinary hearing",
    ) = need("Choose a recommendation")


class HrAdviceParams(ActionParams):
    text: Text("HR's advice to the person deciding") = need("Enter the text")


def _investigator_rule(x: Inputs) -> None:
    if "investigator" not in x.errors:
        who = x.person(x.params.investigator)
        if who is None:
            x.errors["investigator"] = "Choose an investigator from the staff directory"
        else:
            x.separate("investigator", "investigator", who)
    reason = x.params.no_suspension_reason
    if not active_suspensions(x.case) and not (reason or "").strip():
        x.errors["no_suspension_reason"] = (
            "Enter why publishing rights are not suspended while the case is investigated"
        )


def _note_rule(x: Inputs) -> None:
    latest = x.case.notes[-1] if x.case.notes else None
    text = (x.params.text or "").strip()
    if (
        latest is not None
        and text
        and latest.author_id == x.actor.id
        and latest.kind == x.params.kind
        and (latest.text or "").strip() == text
    ):
        # A form sent again (Back, then send) would otherwise record the same note twice
        x.errors["text"] = "This is the note you added last: it is already on the case"
    if x.params.kind == "interview":
        if not (x.params.interviewee_name or "").strip() and "interviewee_name" not in x.errors:
            x.errors["interviewee_name"] = "Enter the name of the person interviewed"
        if not x.params.interviewee_role and "interviewee_role" not in x.errors:
            x.errors["interviewee_role"] = "Choose whether they were interviewed as complainant, subject or witness"


def _report_rule(x: Inputs) -> None:
    """A finding on each allegation of the case, and on nothing else."""
    findings = x.params.findings
    if findings is None:
        return
    wanted = {(a.subject_id, a.category) for a in x.case.allegations}
    if not wanted:
        x.errors["findings"] = "The case has no allegations: correct the case details first"
        return
    given = {}
    for i, item in enumerate(findings):
        who = x.person(item.subject)
        key = (who.id if who else None, item.category)
        if key not in wanted:
            x.errors[f"findings.{i}"] = "This is not an allegation of the case"
            continue
        if item.finding not in FINDINGS:
            x.errors[f"findings.{i}.finding"] = "Choose substantiated, partly substantiated or not substantiated"
        given[key] = item.finding
    if not x.errors and set(given) != wanted:
        x.errors["findings"] = "Give a finding for every allegation"


START_INVESTIGATION = Action(
    name="start_investigation",
    label="Start the investigation",
    from_stages={Stage.ASSESSMENT, Stage.RIGHTS_SUSPENDED},
    to_stage=Stage.INVESTIGATION,
    capacities=OWNER_OR_HR,
    kinds=BREACH_ONLY,
    params=StartInvestigationParams,
    rule=_investigator_rule,
    done="The investigation has started and the investigator has been told.",
)

ADD_NOTE = Action(
    name="add_note",
    label="Add a note",
    from_stages=OPEN_STAGES - {Stage.REPORTED},
    to_stage=None,
    capacities=OWNER_OR_HR | {Capacity.INVESTIGATOR},
    params=AddNoteParams,
    rule=_note_rule,
    on_routed_cases=True,
    done="Note added.",
)

RECORD_INVESTIGATION_REPORT = Action(
    name="record_investigation_report",
    label="Record the investigation report",
    from_stages={Stage.INVESTIGATION},
    to_stage=None,
    capacities={Capacity.INVESTIGATOR},
    kinds=BREACH_ONLY,
    params=InvestigationReportParams,
    description="A finding on each allegation, a summary and a recommendation.",
    rule=_report_rule,
    done="The investigation report is recorded.",
)

RECORD_HR_ADVICE = Action(
    name="record_hr_advice",
    label="Record HR advice",
    from_stages={Stage.INVESTIGATION, Stage.HEARING, Stage.OUTCOME, Stage.APPEAL},
    to_stage=None,
    capacities={Capacity.HR},
    kinds=BREACH_ONLY,
    params=HrAdviceParams,
    description="Acceptable Use of Social Media Policy 10: HR advises the person deciding. Needed before any "
    "formal sanction.",
    done="HR advice recorded.",
)
