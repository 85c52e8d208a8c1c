"""The shapes of the API's answers as pydantic models: `serialise` builds them, and the OpenAPI document's
response schemas are generated from them, so what the API sends and what it documents are one thing.

Moments and days are sent as the ISO text the API has always sent (`isoformat()`), so they are typed
as text with their JSON Schema format. Codes are enums named as in DESIGN §10 (`Stage`, `Finding`...):
the document lists each once, and a code outside its list is refused when the answer is built.
"""

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from ..domain.actions import ACTIONS
from ..domain.actions.investigation import INTERVIEWEE_ROLES
from ..domain.policy import (
    ABUSE_CATEGORIES,
    AGENCIES,
    APPEAL_RESULTS,
    BREACH_CATEGORIES,
    CONTENT_REMOVAL,
    FINDINGS,
    FLAGS,
    NOTE_KINDS,
    PLATFORMS,
    RECOMMENDATIONS,
    REFERRAL_STATUSES,
    RIGHTS_DECISIONS,
    SANCTIONS,
    SEVERITIES,
    STAGE_LABELS,
    Kind,
    Source,
    StaffType,
    reporter_status,
)
from ..domain.routing import Route, Scope


def _codes(mapping) -> list[str]:
    return [str(code) for code in mapping]


# Every code list of DESIGN §10, as a named schema of the document
ENUMS: dict[str, tuple[list[str], str]] = {
    "Stage": (_codes(STAGE_LABELS), "The stage of a case"),
    "Kind": (_codes(Kind), "A breach of the social media policy, or online abuse of a member of staff"),
    "Source": (_codes(Source), "Where a report came from"),
    "BreachCategory": (_codes(BREACH_CATEGORIES), "Categories of a breach case"),
    "AbuseCategory": (_codes(ABUSE_CATEGORIES), "Categories of an abuse case"),
    "Category": (list(dict.fromkeys([*BREACH_CATEGORIES, *ABUSE_CATEGORIES])), "A breach or abuse category"),
    "Platform": (_codes(PLATFORMS), "The platform"),
    "Severity": (_codes(SEVERITIES), "How serious a case seems"),
    "Flag": (_codes(FLAGS), "Facts about a case that change who must act and how fast"),
    "Finding": (_codes(FINDINGS), "The finding of an investigation"),
    "Sanction": (_codes(SANCTIONS), "The sanction ladder, mildest first"),
    "RightsDecision": (_codes(RIGHTS_DECISIONS), "What happens to suspended publishing rights"),
    "Agency": (_codes(AGENCIES), "Who a case is referred to"),
    "ReferralStatus": (_codes(REFERRAL_STATUSES), "The status of a referral"),
    "NoteKind": (_codes(NOTE_KINDS), "The kind of note an action adds"),
    "IntervieweeRole": (list(INTERVIEWEE_ROLES), "Who was interviewed"),
    "ActionName": (list(ACTIONS), "A workflow action"),
    "StaffType": (_codes(StaffType), "Social Networking Policy 3.1: who counts as a staff member"),
    "Route": (
        _codes(Route),
        "Where a report went instead of HR's disciplinary process (Acceptable Use of Social Media Policy 2, 3)",
    ),
    "Scope": (_codes(Scope), "Who a report is about, as far as the policy's scope goes"),
    "ReporterStatus": (
        list(dict.fromkeys(reporter_status(stage) for stage in STAGE_LABELS)),
        "The plain-language status a reporter sees",
    ),
}


def _enum(name: str) -> type[StrEnum]:
    codes, description = ENUMS[name]
    enum = StrEnum(name, {code: code for code in codes})
    enum.__doc__ = description
    return enum


CODES: dict[str, type[StrEnum]] = {name: _enum(name) for name in ENUMS}
StageCode = CODES["Stage"]
KindCode = CODES["Kind"]
SourceCode = CODES["Source"]
CategoryCode = CODES["Category"]
PlatformCode = CODES["Platform"]
SeverityCode = CODES["Severity"]
FlagCode = CODES["Flag"]
FindingCode = CODES["Finding"]
SanctionCode = CODES["Sanction"]
RightsDecisionCode = CODES["RightsDecision"]
AgencyCode = CODES["Agency"]
ReferralStatusCode = CODES["ReferralStatus"]
IntervieweeRoleCode = CODES["IntervieweeRole"]
ActionNameCode = CODES["ActionName"]
StaffTypeCode = CODES["StaffType"]
RouteCode = CODES["Route"]
ScopeCode = CODES["Scope"]
ReporterStatusCode = CODES["ReporterStatus"]

Moment = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
Day = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
Email = Annotated[str, WithJsonSchema({"type": "string", "format": "email"})]
AppealResult = Literal[tuple(_codes(APPEAL_RESULTS))]
ContentRemoval = Literal[tuple(_codes(CONTENT_REMOVAL))]
Recommendation = Literal[tuple(_codes(RECOMMENDATIONS))]
NoteKind = Literal[(*_codes(NOTE_KINDS), "support")]


class Shape(BaseModel):
    """An object of an answer: exactly these fields (additionalProperties false)."""

    model_config = ConfigDict(extra="forbid")


class Person(Shape):
    email: Email
    name: str


class Subject(Shape):
    """A person the case is about"""

    email: Email
    name: str
    staff_type: StaffTypeCode
    department: str | None
    contractor_org: str | None


class Account(Shape):
    id: int
    platform: PlatformCode
    handle: str


class Suspension(Shape):
    """Social Networking Policy 11.2: publishing rights suspended while the case is investigated"""

    id: int
    subject: Person
    account: Account | None
    all_accounts: bool
    reason: str
    started_at: Moment
    authorised_by: Person
    next_review_on: Day | None
    active: bool
    lifted_at: Moment | None
    lifted_by: Person | None
    lift_reason: str | None


class Referral(Shape):
    id: int
    agency: AgencyCode
    status: ReferralStatusCode
    reason: str
    agency_reference: str | None
    referred_by: Person
    referred_at: Moment
    due_at: Moment | None
    result: str | None
    updated_at: Moment


class Outcome(Shape):
    finding: FindingCode
    sanction: SanctionCode
    rights_decision: RightsDecisionCode | None
    content_removed: bool
    summary: str
    decided_by: Person
    decided_at: Moment
    live_until: Day | None = Field(description="When a warning stops being live")
    appeal_due_on: Day | None
    separation_overridden: bool
    contractor_action: str | None = Field(description="The latest of contractor_actions")
    contractor_action_at: Moment | None
    superseded_at: Moment | None = Field(description="Set when the case was decided again after reopening")
    superseded_by: Person | None
    superseded_reason: str | None
    subject: Person | None = Field(description="Whom it is about; null on outcomes from before they were per person")
    appeal_waived_at: Moment | None
    appeal_waived_reason: str | None


class Appeal(Shape):
    subject: Person
    grounds: str
    appeal_officer: Person
    lodged_at: Moment
    late_reason: str | None
    result: AppealResult | None
    reason: str | None
    decided_at: Moment | None


class SubjectOutcome(Shape):
    """One person's outcome; every one recorded, earliest first, earlier ones superseded"""

    subject: Person | None
    finding: FindingCode
    sanction: SanctionCode
    live_until: Day | None
    rights_decision: RightsDecisionCode | None
    decided_by: Person
    decided_at: Moment
    appeal_due_on: Day | None
    appeal: Appeal | None
    appeal_waived_at: Moment | None
    superseded: bool
    superseded_at: Moment | None
    superseded_reason: str | None


class Allegation(Shape):
    subject: Person
    category: CategoryCode
    text: str
    finding: str | None


class ReportedFinding(Shape):
    subject: str
    category: str
    finding: FindingCode


class InvestigationReport(Shape):
    findings: list[ReportedFinding]
    summary: str
    recommendation: Recommendation
    submitted_by: Person
    submitted_at: Moment


class HrAdvice(Shape):
    text: str
    given_by: Person
    given_at: Moment


class Hearing(Shape):
    hearing_officer: Person
    hearing_at: Moment
    subjects: list[Person]
    postponed_from: Moment | None
    postponed_reason: str | None
    held: bool
    attended: str | None
    companion: str | None
    subject_statement: str | None


class ConflictDeclaration(Shape):
    person: Person
    roles: list[str]
    conflict: bool
    text: str
    declared_at: Moment
    resolved_at: Moment | None


class DutyOverride(Shape):
    action: str
    role: str
    person: Person
    rules: list[str]
    reason: str
    by: Person
    at: Moment


class ContractorAction(Shape):
    """Social Networking Policy 11.4: what the contractor did, as the head of service recorded it"""

    id: int
    text: str
    recorded_by: Person
    recorded_at: Moment


class Evidence(Shape):
    id: int
    type: Literal["file", "link"]
    description: str | None
    original_name: str | None
    content_type: str | None = Field(description="Sniffed from the content, never taken from the name")
    size: int | None
    sha256: str | None
    source_url: str | None
    captured_at: Moment | None
    uploaded_by: Person
    uploaded_at: Moment
    download_url: str | None


class Note(Shape):
    id: int
    kind: NoteKind
    interviewee_name: str | None
    interviewee_role: IntervieweeRoleCode | None
    text: str
    author: Person
    created_at: Moment


class Deadline(Shape):
    key: str
    label: str
    due_at: Moment
    met: bool
    overdue: bool


class NextDeadline(Shape):
    at: Moment
    label: str | None


class Handoff(Shape):
    """When and how the routed report was passed on"""

    at: Moment
    note: str
    reference: str | None


class CaseSummary(Shape):
    """A case in a list, for a person with the full view"""

    view: Literal["full"]
    reference: str = Field(examples=["SMC-2026-00001"])
    kind: KindCode
    stage: StageCode
    version: int = Field(description="Send it back with an action (optimistic locking)")
    source: SourceCode
    subjects: list[Subject]
    categories: list[CategoryCode]
    platform: PlatformCode
    incident_date: Day | None
    severity: SeverityCode | None
    flags: list[FlagCode]
    department: str | None
    reporter: Person | None
    owner: Person | None
    investigator: Person | None
    suspensions: list[Suspension]
    referrals: list[Referral]
    outcome: Outcome | None
    outcome_history: list[Outcome] = Field(
        description="Every outcome recorded, earliest first; earlier ones superseded"
    )
    next_deadline: NextDeadline | None
    created_at: Moment
    updated_at: Moment
    closed_at: Moment | None
    route: RouteCode | None = Field(
        description="Where the report went instead of the disciplinary process; null when it did not"
    )


class Case(CaseSummary):
    """The whole case, for the people handling it"""

    content_url: str | None
    description: str
    complainant_name: str | None
    complainant_contact: str | None
    stage_before_referral: StageCode | None
    ico_decision: str | None = Field(description="reported or not_reported, once decided")
    ico_decision_reason: str | None
    ico_reference: str | None
    police_decision: str | None = Field(description="refer or not_refer, once decided")
    police_decision_reason: str | None
    contractor_actions: list[ContractorAction]
    # the fair process
    allegations: list[Allegation]
    investigation_report: InvestigationReport | None
    hr_advice: list[HrAdvice]
    hearings: list[Hearing]
    hearing_officer: Person | None
    appeals: list[Appeal]
    conflicts: list[ConflictDeclaration]
    overrides: list[DutyOverride] = Field(
        description="Separation of duties set aside where it was not practicable, with the reason"
    )
    outcomes: list[SubjectOutcome]
    aware_at: Moment | None
    content_removal: ContentRemoval | None
    content_removal_reason: str | None
    # what the people handling it have gathered
    evidence: list[Evidence]
    notes: list[Note]
    deadlines: list[Deadline]
    available_actions: list[ActionNameCode]
    # where it went, when it was routed at intake
    scope: ScopeCode | None
    whistleblowing: bool
    children_at_risk: bool | None = Field(description="Asked about someone who works in a school")
    named_person: str | None = Field(description="A councillor or school worker not in the staff directory")
    school_name: str | None
    route_reason: str | None = Field(description="Why the report was routed, citing the policy")
    routed_at: Moment | None
    handoff: Handoff | None


class DatedText(Shape):
    text: str
    created_at: Moment


class ReporterFile(Shape):
    id: int
    original_name: str
    content_type: str = Field(description="Sniffed from the content, never from the name")
    size: int
    sha256: str
    uploaded_at: Moment
    download_url: str


class ReporterCaseSummary(Shape):
    """A case in a list, for its reporter"""

    view: Literal["reporter"]
    reference: str
    kind: KindCode
    status: ReporterStatusCode
    created_at: Moment
    platform: PlatformCode
    incident_date: Day | None


class ReporterCase(ReporterCaseSummary):
    """What a reporter sees: what they told us and a plain status; the victim of abuse also sees the
    support given"""

    description: str
    information_added: list[DatedText]
    your_files: list[ReporterFile] = Field(
        description="The files the reporter gave (POST /cases/{reference}/evidence); never anyone else's"
    )
    # Only some answers carry these: left out (not null) when they do not apply
    support: list[DatedText] = Field(None, description="Abuse cases only")
    stage: StageCode = Field(None, description="Only in the answer to POST /cases")
    route: RouteCode = Field(None, description="Only for a report routed to another procedure")
    route_explanation: str = Field(None, description="Where it went and who deals with it, in plain words")
    route_contact: str | None = Field(None, description="The address of whoever deals with it, when configured")


class CaseList(Shape):
    items: list[Annotated[CaseSummary | ReporterCaseSummary, Field(discriminator="view")]]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last")


class Event(Shape):
    seq: int
    at: Moment
    actor: Person | None
    action: str = Field(description="A workflow action, or reported, evidence_added, ...")
    from_stage: StageCode | None
    to_stage: StageCode | None
    data: dict[str, Any]
    prev_hash: str
    hash: str = Field(description="sha256(prev_hash + canonical JSON of the event)")


class EventList(Shape):
    reference: str
    items: list[Event]


# The answers the document describes from these models (their nested shapes come with them)
ANSWERS = (CaseList, Case, ReporterCase, EventList, Evidence)


def body(model: BaseModel) -> dict:
    """The JSON of an answer: fields that do not apply to it (left unset) are left out, not sent as null."""
    return model.model_dump(mode="json", exclude_unset=True)
