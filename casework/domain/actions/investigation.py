"""The investigation: who investigates, the notes and interviews, the report with a finding on each
allegation, and HR's advice (Acceptable Use of Social Media Policy 9 and 10)."""

from ..policy import FINDINGS, NOTE_KINDS, RECOMMENDATIONS
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
