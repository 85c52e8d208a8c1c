"""The outcome for each person, and what a contractor's head of service does (Social Networking Policy 11.4)."""

from ..policy import FINDINGS, RIGHTS_DECISIONS, SANCTIONS
from .params import ActionParams, Code, Email, Item, Items, Text, YesNo, need


class OutcomeItem(Item):
    subject: Email("E-mail of a person the case is about") = None
    finding: Code("The finding", FINDINGS) = None
    sanction: Code("The sanction", SANCTIONS) = None
    rights_decision: Code("Publishing rights restored or revoked", RIGHTS_DECISIONS) = None


class RecordOutcomeParams(ActionParams):
    outcomes: Items(
        OutcomeItem,
        "For each person the case is about: subject (e-mail), finding, sanction, rights_decision",
        unreadable="Give an outcome for each person the case is about",
    ) = None
    finding: Code("Single-subject case: the finding", FINDINGS) = None
    sanction: Code("Single-subject case: the sanction, from the ladder", SANCTIONS) = None
    rights_decision: Code(
        "Single-subject case: whether suspended publishing rights are restored or revoked", RIGHTS_DECISIONS
    ) = None
    summary: Text("A summary of the decision") = need("Enter a summary of the decision")
    content_removed: YesNo("Whether the content was removed") = None
    override_separation: YesNo("The investigator confirms they decide the outcome anyway") = None
    attended: Text("After a hearing: who attended") = None
    companion: Text("After a hearing: the companion (trade union representative or colleague)", 500) = None
    subject_statement: Text("After a hearing: what the person said") = None


class ContractorActionParams(ActionParams):
    text: Text("The text to record") = need("Enter the text")


class NoParams(ActionParams):
    """An action that takes nothing but the case's version."""
