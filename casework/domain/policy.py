"""The codes the system uses and the words people see for them.

Drawn from the Social Networking Policy for Employees (scope 3.1, breaches 11,
appendix) and the Acceptable Use of Social Media Policy (misuse 7.4,
allegations 9). Codes are what the API, CSV exports and database hold; labels
are what pages show.
"""

from enum import StrEnum


class Role(StrEnum):
    EMPLOYEE = "employee"
    MANAGER = "manager"
    HR = "hr"
    HEAD_OF_SERVICE = "head_of_service"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.EMPLOYEE: "Employee",
    Role.MANAGER: "Manager",
    Role.HR: "HR",
    Role.HEAD_OF_SERVICE: "Head of service",
    Role.ADMIN: "Administrator",
}


class StaffType(StrEnum):
    """Social Networking Policy 3.1: who counts as a staff member."""

    EMPLOYEE = "employee"
    APPRENTICE = "apprentice"
    VOLUNTEER = "volunteer"
    CASUAL = "casual"
    AGENCY = "agency"
    CONTRACTOR = "contractor"


STAFF_TYPE_LABELS = {
    StaffType.EMPLOYEE: "Employee",
    StaffType.APPRENTICE: "Apprentice",
    StaffType.VOLUNTEER: "Volunteer",
    StaffType.CASUAL: "Casual worker",
    StaffType.AGENCY: "Agency worker",
    StaffType.CONTRACTOR: "Contractor",
}


class Kind(StrEnum):
    BREACH = "breach"
    ABUSE = "abuse"


KIND_LABELS = {
    Kind.BREACH: "Breach of social media policy",
    Kind.ABUSE: "Online abuse of a staff member",
}


class Stage(StrEnum):
    REPORTED = "reported"
    ASSESSMENT = "assessment"
    RIGHTS_SUSPENDED = "rights_suspended"
    INVESTIGATION = "investigation"
    HEARING = "hearing"
    OUTCOME = "outcome"
    APPEAL = "appeal"
    REFERRED = "referred"
    SUPPORT = "support"
    # Acceptable Use of Social Media Policy 2 and 3: dealt with under another procedure, not this one
    ROUTED = "routed"
    CLOSED = "closed"


STAGE_LABELS = {
    Stage.REPORTED: "Reported",
    Stage.ASSESSMENT: "Assessment",
    Stage.RIGHTS_SUSPENDED: "Rights suspended",
    Stage.INVESTIGATION: "Investigation",
    Stage.HEARING: "Hearing",
    Stage.OUTCOME: "Outcome",
    Stage.APPEAL: "Appeal",
    Stage.REFERRED: "Referred",
    Stage.SUPPORT: "Support",
    Stage.ROUTED: "Routed elsewhere",
    Stage.CLOSED: "Closed",
}

# GOV.UK tag colours for each stage
STAGE_TAG_CLASSES = {
    Stage.REPORTED: "govuk-tag--light-blue",
    Stage.ASSESSMENT: "govuk-tag--blue",
    Stage.RIGHTS_SUSPENDED: "govuk-tag--orange",
    Stage.INVESTIGATION: "govuk-tag--purple",
    Stage.HEARING: "govuk-tag--red",
    Stage.OUTCOME: "govuk-tag--turquoise",
    Stage.APPEAL: "govuk-tag--orange",
    Stage.REFERRED: "govuk-tag--pink",
    Stage.SUPPORT: "govuk-tag--yellow",
    Stage.ROUTED: "govuk-tag--green",
    Stage.CLOSED: "govuk-tag--grey",
}


def reporter_status(stage: str) -> str:
    """The plain-language status a reporter sees instead of the stage."""
    if stage == Stage.REPORTED:
        return "Received"
    if stage == Stage.CLOSED:
        return "Concluded"
    if stage == Stage.ROUTED:
        return "Passed on"
    return "Being looked into"


# The plain-language statuses, in the order a case passes through them
REPORTER_STATUSES = tuple(dict.fromkeys(reporter_status(stage) for stage in Stage))


def stages_with_status(status: str) -> tuple[str, ...]:
    """Every stage a reporter sees as `status`: what a reporter may tell apart, and no more."""
    return tuple(str(stage) for stage in Stage if reporter_status(stage) == status)


class Source(StrEnum):
    EMPLOYEE_REPORT = "employee_report"
    PUBLIC_COMPLAINT = "public_complaint"
    COLLEAGUE = "colleague"
    COUNCIL_MONITORING = "council_monitoring"
    PLATFORM = "platform"


SOURCE_LABELS = {
    Source.EMPLOYEE_REPORT: "Report by a member of staff",
    Source.PUBLIC_COMPLAINT: "Complaint from a member of the public",
    Source.COLLEAGUE: "Complaint from a colleague",
    Source.COUNCIL_MONITORING: "The council's monitoring (Social Networking Policy 10)",
    Source.PLATFORM: "Report from the platform",
}

# Sources a manager logs on someone else's behalf
COMPLAINT_SOURCES = (
    Source.PUBLIC_COMPLAINT,
    Source.COLLEAGUE,
    Source.COUNCIL_MONITORING,
    Source.PLATFORM,
)

BREACH_CATEGORIES = {
    "confidential_information": "Confidential or personal information disclosed",
    "defamation": "Defamation",
    "harassment": "Harassment or bullying",
    "discrimination": "Discrimination (protected characteristic)",
    "disrepute": "Bringing the council into disrepute",
    "political": "Party-political use or loss of impartiality",
    "personal_views_as_council": "Personal views presented as the council's",
    "inappropriate_content": "Offensive, inappropriate or illegal content",
    "consent_or_copyright": "Images or documents published without consent or copyright",
    "service_user_contact": "Inappropriate contact with service users",
    "unauthorised_account": "Unauthorised council account",
    "council_identity_misuse": "Council e-mail, logo or uniform used on a personal account",
    "personal_use_at_work": "Personal use in work time",
    "wikipedia_at_work": "Editing Wikipedia at work",
    "other": "Other",
}

ABUSE_CATEGORIES = {
    "abuse": "Abuse",
    "threats": "Threats",
    "harassment": "Harassment",
    "impersonation": "Impersonation",
    "doxxing": "Personal details published (doxxing)",
    "other": "Other",
}

CATEGORIES_BY_KIND = {Kind.BREACH: BREACH_CATEGORIES, Kind.ABUSE: ABUSE_CATEGORIES}


def category_label(code: str) -> str:
    return BREACH_CATEGORIES.get(code) or ABUSE_CATEGORIES.get(code) or code


PLATFORMS = {
    "facebook": "Facebook",
    "x": "X (Twitter)",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "flickr": "Flickr",
    "snapchat": "Snapchat",
    "tiktok": "TikTok",
    "whatsapp": "WhatsApp",
    "blog": "Blog",
    "forum": "Forum",
    "wikipedia": "Wikipedia",
    "other": "Other",
}

SEVERITIES = {"low": "Low", "medium": "Medium", "high": "High"}

# Yes/no facts about a case that change who must act and how fast
FLAGS = {
    "council_account_involved": "A council social media account is involved",
    "personal_data_involved": "Service-user or personal data is involved",
    "safeguarding_concern": "There is a safeguarding concern",
    "criminal_offence": "It may be a criminal offence",
}

FINDINGS = {
    "not_substantiated": "Not substantiated",
    "partly_substantiated": "Partly substantiated",
    "substantiated": "Substantiated",
}

# The sanction ladder, mildest first (ACAS Code of Practice)
SANCTIONS = {
    "no_action": "No action",
    "management_advice": "Management advice (informal)",
    "training": "Training",
    "first_written_warning": "First written warning",
    "final_written_warning": "Final written warning",
    "dismissal_with_notice": "Dismissal with notice",
    "summary_dismissal": "Summary dismissal (gross misconduct)",
    "referred_to_contractor": "Referred to contractor",
}
DISMISSALS = frozenset({"dismissal_with_notice", "summary_dismissal"})
# Formal sanctions follow a disciplinary hearing (ACAS Code); the rest may be decided without one
FORMAL_SANCTIONS = frozenset({"first_written_warning", "final_written_warning", *DISMISSALS, "dismissal"})
INFORMAL_SANCTIONS = ("no_action", "management_advice", "training")

# The investigator's recommendation
RECOMMENDATIONS = {
    "no_case_to_answer": "No case to answer",
    "informal_action": "Informal action",
    "disciplinary_hearing": "A disciplinary hearing",
}

APPEAL_RESULTS = {
    "upheld": "Upheld: the outcome stands",
    "varied": "Varied: a different sanction",
    "overturned": "Overturned: the outcome is set aside",
}

# Social Networking Policy 11.1: what was decided about the content
CONTENT_REMOVAL = {
    "removed": "The content has been removed",
    "requested": "Removal has been requested",
    "not_required": "Removal is not required",
}

# The people a case assigns, by the name `reassign` gives them
CASE_ROLES = {
    "owner": "Owner",
    "investigator": "Investigator",
    "hearing_officer": "Hearing officer",
    "appeal_officer": "Appeal officer",
}


def sanction_label(code: str) -> str:
    """The words for a sanction; the older code `dismissal` reads as summary dismissal."""
    if code == "dismissal":
        code = "summary_dismissal"
    return SANCTIONS.get(code, code)


RIGHTS_DECISIONS = {"restored": "Publishing rights restored", "revoked": "Publishing rights revoked"}

AGENCIES = {
    "police": "Police",
    "ico": "Information Commissioner's Office",
    "lado": "Local Authority Designated Officer",
    "contractor": "Contractor's head of service",
    "other": "Other agency",
}

# How an agency reads inside a sentence ("the police referral")
AGENCY_SHORT_NAMES = {
    "police": "police",
    "ico": "ICO",
    "lado": "LADO",
    "contractor": "contractor",
    "other": "other agency",
}

REFERRAL_STATUSES = {
    "pending": "Pending",
    "acknowledged": "Acknowledged",
    "concluded": "Concluded",
    "no_further_action": "No further action",
}

NOTE_KINDS = {"note": "Note", "interview": "Interview record", "meeting": "Meeting record"}

ACCOUNT_STATUSES = {
    "proposed": "Proposed",
    "refused": "Refused",
    "trial": "Trial",
    "active": "Active",
    "disabled": "Disabled",
    "removed": "Removed",
}

RIGHT_STATUSES = {"active": "Active", "suspended": "Suspended", "revoked": "Revoked"}

# How each audit-trail action reads in a case's chronology
EVENT_LABELS = {
    "reported": "Reported",
    "information_added": "Information added",
    "take_ownership": "Taken on",
    "close_no_further_action": "Closed with no further action",
    "suspend_rights": "Publishing rights suspended",
    "lift_suspension": "Suspension lifted",
    "review_suspension": "Suspension reviewed",
    "start_investigation": "Investigation started",
    "add_note": "Note added",
    "record_outcome": "Outcome recorded",
    "record_contractor_action": "Contractor's action recorded",
    "acknowledge_contractor_case": "Contractor case acknowledged",
    "record_ico_decision": "ICO decision",
    "record_police_decision": "Police referral decision",
    "refer": "Referred",
    "update_referral": "Referral updated",
    "resume": "Resumed",
    "record_support": "Support recorded",
    "close": "Closed",
    "reopen": "Reopened",
    "evidence_added": "Evidence added",
    "evidence_link_added": "Evidence link added",
    "letter_generated": "Letter produced",
    "letter_drafted": "Letter drafted",
    "letter_issued": "Letter issued",
    "reassigned": "Reassigned",
    "council_account_linked": "Council account linked",
    "council_account_closed": "Council account closed",
    "update_case": "Case details corrected",
    "record_investigation_report": "Investigation report recorded",
    "record_hr_advice": "HR advice recorded",
    "arrange_hearing": "Hearing arranged",
    "postpone_hearing": "Hearing postponed",
    "lodge_appeal": "Appeal lodged",
    "decide_appeal": "Appeal decided",
    "waive_appeal": "Appeal waived",
    "declare_conflict": "Conflict of interest declared",
    "reassign": "Role reassigned",
}


def event_label(action: str) -> str:
    return EVENT_LABELS.get(action) or action.replace("_", " ").capitalize()


# Notes as shown on a case: the kinds of add_note, and support given to a victim of abuse
NOTE_LABELS = {**NOTE_KINDS, "support": "Support given"}
