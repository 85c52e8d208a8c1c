"""Assessing a report: taking it on, closing it with no further action, correcting what it said, and the
decisions on reporting to the ICO and referring to the police (Social Networking Policy 11.5)."""

from ..policy import CONTENT_REMOVAL, FLAGS, SEVERITIES
from .params import ActionParams, Code, Email, Emails, Item, Items, LocalDate, Reason, Strings, Text, YesNo, need


class AllegationItem(Item):
    subject: Email("E-mail of a person the case is about") = None
    category: Text("The category code") = None
    text: Text("The text to record") = None


class UpdateCaseParams(ActionParams):
    reason: Reason() = need("Enter the reason")
    categories: Strings("The corrected category codes", unreadable="Choose at least one category from the list") = None
    severity: Code("How serious it is", SEVERITIES, otherwise="Choose low, medium or high") = None
    council_account_involved: YesNo(FLAGS["council_account_involved"]) = None
    personal_data_involved: YesNo(FLAGS["personal_data_involved"]) = None
    safeguarding_concern: YesNo(FLAGS["safeguarding_concern"]) = None
    criminal_offence: YesNo(FLAGS["criminal_offence"]) = None
    add_subjects: Emails(
        "E-mails of people to add to the case", unreadable="Give the e-mail addresses of the people to add"
    ) = None
    remove_subjects: Emails("E-mails of people to take off the case", unreadable="Choose people the case is about") = (
        None
    )
    aware_at: LocalDate(
        "When the council became aware of it (ISO date, or date and time)",
        unreadable="Enter when the council became aware of it, as a date (and time)",
    ) = None
    content_removal: Code(
        "Social Networking Policy 11.1: the decision on the content",
        CONTENT_REMOVAL,
        otherwise="Choose removed, removal requested or not required",
    ) = None
    content_removal_reason: Reason("The reason for the decision on the content") = None
    allegations: Items(
        AllegationItem,
        "Replaces the allegations: each a subject (e-mail), category and text",
        unreadable="Give at least one allegation: whom it is about, its category and what is alleged",
    ) = None


class IcoDecisionParams(ActionParams):
    report: YesNo(
        "Whether the breach is reported to the ICO", unreadable="Say whether the breach is reported to the ICO"
    ) = need("Say whether the breach is reported to the ICO")
    reason: Reason() = need("Enter the reason")
    ico_reference: Text("The ICO's reference, when reported", 100) = None


class PoliceDecisionParams(ActionParams):
    refer: YesNo(
        "Whether the case is referred to the police", unreadable="Say whether the case is referred to the police"
    ) = need("Say whether the case is referred to the police")
    reason: Reason() = need("Enter the reason")


assert set(FLAGS) <= set(UpdateCaseParams.model_fields), "every flag can be corrected"
