"""The rest of the API's answers as pydantic models, as in `schemas`: errors, the HR summary, online research
and its authorisations, web captures and the register of council accounts. The endpoints build their JSON
with these models and the OpenAPI document's schemas are generated from them.

Counts keyed by a code list (`by_stage`...) keep whatever key the figures hold (a missing value counts under
"none"), so a figure is never refused; the document names the code list the keys follow.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, Field, create_model

from ..domain.accounts import BRIEF_FIELDS, DECISIONS
from ..domain.policy import ACCOUNT_STATUSES
from ..domain.research import AUTHORISATION_STATES, MONITORING_ANSWERS
from ..services import research_report
from ..services.capture import STATUSES as CAPTURE_STATUSES
from .schemas import ENUMS, Day, Moment, Person, PlatformCode, Shape

Count = Annotated[int, Field(ge=0)]


def _keys(name: str):
    """A key of a {code: count} object: any text, documented as the code list `name`."""
    return Annotated[str, Field(json_schema_extra={"enum": ENUMS[name][0]})]


def _counts(name: str | None, description: str):
    key = _keys(name) if name else str
    return Annotated[dict[key, Count], Field(description=description)]


def _literal(codes):
    return Literal[tuple(str(code) for code in codes)]


def dump(model: BaseModel) -> dict:
    """The JSON of an answer (`from` and other names Python keeps for itself sent by their alias)."""
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


# --- errors ---------------------------------------------------------------------------------


class ErrorDetail(Shape):
    code: str = Field(
        description="bad_request, unauthorised, forbidden, not_found, method_not_allowed, conflict, "
        "similar_report, too_large, invalid, idempotency_key_reused, rate_limited or server_error"
    )
    message: str
    reference: str = Field(
        None,
        description="The case the error is about: for similar_report, the report like this one that the caller "
        "sent recently; for idempotency_key_reused, the case the key made",
    )
    fields: dict[str, str] = Field(description="What is wrong with each field, by field name")


class Error(Shape):
    """Every error: {"error": {"code", "message", "fields"}}"""

    error: ErrorDetail


# --- the HR summary (DESIGN §7) -------------------------------------------------------------


class Period(Shape):
    """Cases reported from the start of `from` to the end of `to`, Europe/London"""

    from_: Day = Field(serialization_alias="from")
    to: Day


class Durations(Shape):
    """Working days (England and Wales) from report to outcome; null when no outcomes"""

    outcomes_timed: int = Field(description="Outcomes the figures are taken from")
    median_working_days_to_outcome: float | None
    p90_working_days_to_outcome: float | None


class Overdue(Shape):
    """Open cases whose next deadline has passed, now (whatever the period)"""

    total: int
    by_deadline: _counts(None, "Open cases past their next deadline, by its label")


class LongSuspension(Shape):
    reference: str
    person: str
    since: Moment
    working_days: int


class AppealCounts(Shape):
    """Appeals lodged in the period, and those decided in it by their result"""

    lodged: int = Field(description="Appeals lodged in the period")
    upheld: int = Field(description="Appeals decided in the period: upheld")
    varied: int = Field(description="Appeals decided in the period: varied")
    overturned: int = Field(description="Appeals decided in the period: overturned")


class Summary(Shape):
    """The HR summary for a period: the same figures as the page, the PDF and the CSV"""

    period: Period
    generated_at: Moment
    opened: int = Field(description="Cases reported in the period")
    closed: int = Field(description="Cases closed in the period")
    by_stage: _counts("Stage", "The period's cases by their stage now")
    by_kind: _counts("Kind", "By kind")
    by_category: _counts("Category", "By category; a case with two categories counts in both")
    by_platform: _counts("Platform", "By platform")
    by_department: _counts(None, "By department name ('No department' when none)")
    by_staff_type: _counts("StaffType", "Cases by the staff type of their subjects")
    by_outcome: _counts("Finding", "Outcomes by finding")
    by_sanction: _counts("Sanction", "Outcomes by sanction")
    by_route: _counts(
        "Route",
        "The period's reports routed to another procedure, by route (Acceptable Use of Social Media Policy 2 and 3)",
    )
    opened_per_month: dict[str, Count] = Field(
        description="Cases reported each month (YYYY-MM)",
        json_schema_extra={"propertyNames": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}},
    )
    durations: Durations
    overdue: Overdue
    long_suspensions: list[LongSuspension] = Field(
        description="Suspensions of publishing rights active longer than 20 working days"
    )
    referrals: dict[_keys("Agency"), _counts("ReferralStatus", "By status")] = Field(
        description="Referrals of the period's cases, by agency then status"
    )
    consistency: dict[_keys("Category"), _counts("Sanction", "By sanction")] = Field(
        description="Category x sanction over final outcomes (the outcome that stands for each person, an "
        "appeal's varied outcome in place of the original), under that person's allegations, so that like cases "
        "get like outcomes"
    )
    appeals: AppealCounts


def summary_answer(summary) -> dict:
    """The HR summary's JSON, from `casework.services.summary.Summary`."""
    figures = summary.as_json()
    figures["period"] = {"from_": figures["period"]["from"], "to": figures["period"]["to"]}
    return dump(Summary(**figures))


# --- online research, authorisations and the monitoring question ----------------------------


class OnlineResearch(Shape):
    id: int
    reference: str
    platform: PlatformCode
    profile: str
    purpose: str
    looked_at: str
    viewed_at: Moment
    researcher: Person
    views_in_window: int = Field(description="Views of the profile in the busiest window")
    authorisation_id: int | None


class ReviewRecord(Shape):
    reviewed_by: Person
    reviewed_at: Moment
    text: str
    next_review_on: Day


class AuthorisationDeadline(Shape):
    label: str
    due_on: Day
    overdue: bool


class Authorisation(Shape):
    id: int
    reference: str
    platform: PlatformCode
    profile: str
    state: _literal(AUTHORISATION_STATES)
    application: str
    necessity: str
    proportionality: str
    applied_by: Person
    applied_at: Moment
    decision_due_on: Day
    authorising_officer: Person | None
    decided_at: Moment | None
    decision_reason: str | None
    starts_on: Day | None
    expires_on: Day | None
    next_review_on: Day | None
    reviews: list[ReviewRecord]
    cancelled_by: Person | None
    cancelled_at: Moment | None
    cancellation_reason: str | None
    deadlines: list[AuthorisationDeadline]


class MonitoringAnswer(Shape):
    answer: _literal(MONITORING_ANSWERS)
    detail: str
    authorisation_id: int | None
    recorded_by: Person
    recorded_at: Moment


class CaseResearch(Shape):
    reference: str
    research: list[OnlineResearch]
    authorisations: list[Authorisation]
    asks_whether_monitoring_was_authorised: bool
    monitoring: MonitoringAnswer | None


class LoggedResearch(Shape):
    research: OnlineResearch
    warning: str | None


ResearchFigures = create_model(
    "ResearchFigures",
    __base__=Shape,
    __doc__="The report's figures",
    **{key: (int, Field(description=label)) for key, label in research_report.FIGURE_LABELS.items()},
)


class ResearchReport(Shape):
    from_: Day = Field(serialization_alias="from")
    to: Day
    figures: ResearchFigures
    research: list[OnlineResearch]
    authorisations: list[Authorisation]


# --- web captures ---------------------------------------------------------------------------


class CaptureFile(Shape):
    kind: Literal["screenshot", "pdf", "html", "warc"]
    evidence_id: int
    name: str
    content_type: str
    size: int
    sha256: str
    download_url: str


class WebCapture(Shape):
    id: int
    reference: str
    url: str
    description: str | None
    status: _literal(CAPTURE_STATUSES)
    progress: str | None
    failure: str | None = Field(description="Why it failed, in words")
    requested_by: Person
    requested_at: Moment
    started_at: Moment | None
    finished_at: Moment | None
    final_url: str | None
    http_status: int | None
    files: list[CaptureFile]


# --- the register of council accounts (Social Networking Policy 7, 8.1, 8.6) -----------------


_CouncilAccountBase = create_model(
    "_CouncilAccountBase",
    __base__=Shape,
    id=(int, ...),
    platform=(PlatformCode, ...),
    handle=(str, ...),
    url=(str | None, ...),
    department=(str, ...),
    status=(_literal(ACCOUNT_STATUSES), ...),
    proposed_by=(Person | None, ...),
    **{name: (str | None, Field(description=label)) for name, (label, _) in BRIEF_FIELDS.items()},
)


class CouncilAccount(_CouncilAccountBase):
    decision: _literal(DECISIONS) | None
    decided_by: Person | None
    decided_at: Moment | None
    decision_reason: str | None
    went_live_on: Day | None
    trial_ends_on: Day | None
    trial_reviewed_at: Moment | None
    trial_review_note: str | None
    last_used_on: Day | None
    flagged_for_removal: str | None = Field(
        description="Why it should be removed (Social Networking Policy 7.5): unused for ACCOUNT_DORMANT_MONTHS, "
        "or running without approval; null when it should not"
    )
    closed_at: Moment | None
    closure_reason: str | None
    closed_as_the_outcome_of_a_case: bool


class CouncilAccounts(Shape):
    items: list[CouncilAccount]


class Training(Shape):
    id: int
    person: Person
    trained_on: Day
    refresher_due_on: Day
    note: str | None
    recorded_by: Person | None
    recorded_at: Moment


class TrainingStatus(Shape):
    person: Person
    latest: Training | None
    publishes_on: int
    lapsed: bool
    refresher_due_soon: bool


class TrainingList(Shape):
    items: list[TrainingStatus]


# Every model of this module whose schema the document carries
__all__ = [
    "Error",
    "ErrorDetail",
    "Summary",
    "Period",
    "Durations",
    "Overdue",
    "LongSuspension",
    "AppealCounts",
    "OnlineResearch",
    "ReviewRecord",
    "AuthorisationDeadline",
    "Authorisation",
    "MonitoringAnswer",
    "CaseResearch",
    "LoggedResearch",
    "ResearchFigures",
    "ResearchReport",
    "CaptureFile",
    "WebCapture",
    "CouncilAccount",
    "CouncilAccounts",
    "Training",
    "TrainingStatus",
    "TrainingList",
]

# The answers the document describes from these models (their nested shapes come with them)
MORE_ANSWERS = (
    Error,
    Summary,
    CaseResearch,
    LoggedResearch,
    ResearchReport,
    WebCapture,
    CouncilAccounts,
    TrainingList,
)
