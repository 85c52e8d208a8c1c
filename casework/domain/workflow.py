"""The case workflow (design §3) as a transition table, and who may do what (§4).

`check(action, actor, case, params)` says whether an action may happen now and
which stage it leads to, or raises `Refusal` with the exact reason. It reads
the case and the people through their attributes only; the services apply
the change and write the audit events. Pages, the API and the tests all read
`ACTIONS`.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from . import process, process_checks
from .actions.appeals import DecideAppealParams, LodgeAppealParams, WaiveAppealParams
from .actions.assessment import IcoDecisionParams, PoliceDecisionParams, UpdateCaseParams
from .actions.closing import ClosingParams, ReasonParams, SupportParams
from .actions.hearing import ArrangeHearingParams, PostponeHearingParams
from .actions.investigation import AddNoteParams, HrAdviceParams, InvestigationReportParams, StartInvestigationParams
from .actions.outcome import ContractorActionParams, NoParams, RecordOutcomeParams
from .actions.params import ActionParams
from .actions.referrals import ReferParams, UpdateReferralParams
from .actions.roles import DeclareConflictParams, ReassignParams
from .actions.routed import CloseRoutedParams, HandoffParams, RerouteParams
from .actions.suspensions import SuspendRightsParams, SuspensionParams
from .intake import has_control_characters
from .permissions import Relationship, View, relationships, view_level
from .policy import (
    AGENCIES,
    AGENCY_SHORT_NAMES,
    NOTE_KINDS,
    REFERRAL_STATUSES,
    STAGE_LABELS,
    Kind,
    Role,
    StaffType,
    Stage,
)
from .routing import routed_action_errors, routed_stage_refusal

OPEN_STAGES = frozenset(Stage) - {Stage.CLOSED}
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Settings:
    """The council's settings the rules read (from config, passed in by the services)."""

    today: date | None = None  # in London; None: the day it is now
    bank_holidays: frozenset = frozenset()
    hearing_notice_working_days: int = 5
    postpone_max_working_days: int = 5
    dismissal_roles: frozenset = frozenset({Role.HR, Role.HEAD_OF_SERVICE})
    seniority: dict = field(default_factory=dict)

    @property
    def day(self) -> date:
        return self.today or datetime.now(LONDON).date()


REASON_MAX = 5_000
TEXT_MAX = 20_000


class Capacity(StrEnum):
    """In what capacity a person acts on a case."""

    CASE_MANAGER = "case_manager"  # a manager or HR who may see the whole case
    OWNER = "owner"
    HR = "hr"
    INVESTIGATOR = "investigator"
    HEARING_OFFICER = "hearing_officer"
    APPEAL_OFFICER = "appeal_officer"
    ASSIGNED = "assigned"  # holds a role on the case: owner, investigator, hearing or appeal officer
    CONTRACTOR_HEAD_OF_SERVICE = "contractor_head_of_service"


@dataclass(frozen=True)
class ActionSpec:
    name: str
    label: str
    from_stages: frozenset
    to_stage: str | None  # None: stays where it is; "previous": back to the stage before referral
    kinds: frozenset
    capacities: frozenset
    params: type[ActionParams]
    description: str = ""

    @property
    def required(self) -> tuple:
        """The parameters the action needs."""
        return tuple(self.params.needed())


def _spec(name, label, from_stages, to_stage, capacities, *, params, kinds=(Kind.BREACH, Kind.ABUSE), text=""):
    return ActionSpec(
        name, label, frozenset(from_stages), to_stage, frozenset(kinds), frozenset(capacities), params, text
    )


OWN, HR_, CM, INV, HOS, HO, AO, ASSIGNED = (
    Capacity.OWNER,
    Capacity.HR,
    Capacity.CASE_MANAGER,
    Capacity.INVESTIGATOR,
    Capacity.CONTRACTOR_HEAD_OF_SERVICE,
    Capacity.HEARING_OFFICER,
    Capacity.APPEAL_OFFICER,
    Capacity.ASSIGNED,
)
S = Stage

ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in (
        _spec(
            "take_ownership",
            "Take ownership",
            {S.REPORTED},
            S.ASSESSMENT,
            {CM},
            text="A manager or HR takes the case on and assesses it.",
            params=NoParams,
        ),
        _spec(
            "close_no_further_action",
            "Close with no further action",
            {S.ASSESSMENT},
            S.CLOSED,
            {OWN, HR_},
            text="No further action, or informal advice only; the reason is recorded.",
            params=ReasonParams,
        ),
        _spec(
            "suspend_rights",
            "Suspend publishing rights",
            {S.ASSESSMENT, S.RIGHTS_SUSPENDED, S.INVESTIGATION},
            S.RIGHTS_SUSPENDED,
            {OWN, HR_},
            kinds=(Kind.BREACH,),
            text="Social Networking Policy 11.2: publishing rights may be suspended while the matter is investigated.",
            params=SuspendRightsParams,
        ),
        _spec(
            "lift_suspension",
            "Lift a suspension",
            {S.RIGHTS_SUSPENDED, S.INVESTIGATION, S.OUTCOME, S.REFERRED},
            None,
            {OWN, HR_},
            kinds=(Kind.BREACH,),
            params=SuspensionParams,
        ),
        _spec(
            "review_suspension",
            "Record a suspension review",
            {S.RIGHTS_SUSPENDED, S.INVESTIGATION, S.OUTCOME, S.REFERRED},
            None,
            {OWN, HR_},
            kinds=(Kind.BREACH,),
            text="Suspensions are reviewed every 10 working days.",
            params=SuspensionParams,
        ),
        _spec(
            "start_investigation",
            "Start the investigation",
            {S.ASSESSMENT, S.RIGHTS_SUSPENDED},
            S.INVESTIGATION,
            {OWN, HR_},
            kinds=(Kind.BREACH,),
            params=StartInvestigationParams,
        ),
        _spec("add_note", "Add a note", OPEN_STAGES - {S.REPORTED}, None, {OWN, HR_, INV}, params=AddNoteParams),
        _spec(
            "update_case",
            "Correct the case details",
            OPEN_STAGES,
            None,
            {OWN, HR_},
            text="Correct what the report said: categories, severity, flags, the people it is about, the "
            "allegations and when the council became aware of it. The deadlines are worked out again.",
            params=UpdateCaseParams,
        ),
        _spec(
            "record_investigation_report",
            "Record the investigation report",
            {S.INVESTIGATION},
            None,
            {INV},
            kinds=(Kind.BREACH,),
            text="A finding on each allegation, a summary and a recommendation.",
            params=InvestigationReportParams,
        ),
        _spec(
            "record_hr_advice",
            "Record HR advice",
            {S.INVESTIGATION, S.HEARING, S.OUTCOME, S.APPEAL},
            None,
            {HR_},
            kinds=(Kind.BREACH,),
            text="Acceptable Use of Social Media Policy 10: HR advises the person deciding. Needed before any "
            "formal sanction.",
            params=HrAdviceParams,
        ),
        _spec(
            "arrange_hearing",
            "Arrange a disciplinary hearing",
            {S.INVESTIGATION},
            S.HEARING,
            {OWN, HR_},
            kinds=(Kind.BREACH,),
            text="The hearing officer, the date and time (at least 5 working days' notice) and who is invited. "
            "The invitation states the allegations and the right to be accompanied.",
            params=ArrangeHearingParams,
        ),
        _spec(
            "postpone_hearing",
            "Postpone the hearing",
            {S.HEARING},
            None,
            {OWN, HR_},
            kinds=(Kind.BREACH,),
            text="Once, by up to 5 working days, when the companion cannot attend (Employment Relations Act "
            "1999 s10(4)), or for another recorded reason.",
            params=PostponeHearingParams,
        ),
        _spec(
            "record_outcome",
            "Record the outcome",
            {S.INVESTIGATION, S.HEARING},
            S.OUTCOME,
            {OWN, HR_, HO},
            kinds=(Kind.BREACH,),
            text="For each person: a finding, a sanction and a decision on publishing rights. Formal sanctions "
            "only after a hearing, by its hearing officer.",
            params=RecordOutcomeParams,
        ),
        _spec(
            "lodge_appeal",
            "Lodge an appeal",
            {S.OUTCOME, S.APPEAL},
            S.APPEAL,
            {OWN, HR_},
            kinds=(Kind.BREACH,),
            text="On the person's behalf, within the appeal window of the outcome letter (later only with a reason).",
            params=LodgeAppealParams,
        ),
        _spec(
            "decide_appeal",
            "Decide the appeal",
            {S.APPEAL},
            None,
            {AO},
            kinds=(Kind.BREACH,),
            text="Upheld, varied (with the new sanction) or overturned, with reasons.",
            params=DecideAppealParams,
        ),
        _spec(
            "waive_appeal",
            "Record that an appeal is waived",
            {S.OUTCOME, S.APPEAL, S.REFERRED},
            None,
            {OWN, HR_},
            kinds=(Kind.BREACH,),
            text="The person has said in writing that they will not appeal.",
            params=WaiveAppealParams,
        ),
        _spec(
            "declare_conflict",
            "Declare a conflict of interest",
            OPEN_STAGES - {S.REPORTED},
            None,
            {ASSIGNED},
            text="Yes or no, with details. A declared conflict stops you acting until HR reassigns the role.",
            params=DeclareConflictParams,
        ),
        _spec(
            "reassign",
            "Reassign a role",
            OPEN_STAGES - {S.REPORTED},
            None,
            {HR_},
            text="The owner, the investigator, the hearing officer or the appeal officer.",
            params=ReassignParams,
        ),
        _spec(
            "record_contractor_action",
            "Record the contractor's action",
            {S.OUTCOME, S.REFERRED},
            None,
            {HOS, HR_},
            kinds=(Kind.BREACH,),
            text="Social Networking Policy 11.4: the head of service records what the contractor did under its "
            "own procedures.",
            params=ContractorActionParams,
        ),
        _spec(
            "acknowledge_contractor_case",
            "Acknowledge the contractor case",
            OPEN_STAGES,
            None,
            {HOS},
            text="Social Networking Policy 11.4: the head of service is told at once of a case about a contractor.",
            params=NoParams,
        ),
        _spec(
            "record_ico_decision",
            "Record the decision on reporting to the ICO",
            OPEN_STAGES - {S.REPORTED},
            None,
            {OWN, HR_},
            text="A personal data breach is reported to the ICO within 72 hours of awareness, or the decision "
            "not to report is recorded.",
            params=IcoDecisionParams,
        ),
        _spec(
            "record_police_decision",
            "Decide on a police referral",
            OPEN_STAGES,
            None,
            {OWN, HR_, CM},
            text="A threat or a possible crime: decide within a working day whether to refer it to the police, "
            "and record the decision either way (Social Networking Policy 11.5).",
            params=PoliceDecisionParams,
        ),
        _spec("refer", "Refer to another agency", OPEN_STAGES, S.REFERRED, {OWN, HR_}, params=ReferParams),
        _spec("update_referral", "Update a referral", OPEN_STAGES, None, {OWN, HR_, HOS}, params=UpdateReferralParams),
        _spec("resume", "Resume the case", {S.REFERRED}, "previous", {OWN, HR_}, params=NoParams),
        _spec(
            "record_support",
            "Record support given",
            {S.ASSESSMENT, S.SUPPORT},
            S.SUPPORT,
            {OWN, HR_},
            kinds=(Kind.ABUSE,),
            params=SupportParams,
        ),
        _spec(
            "close", "Close the case", {S.OUTCOME, S.SUPPORT, S.REFERRED}, S.CLOSED, {OWN, HR_}, params=ClosingParams
        ),
        _spec("reopen", "Reopen the case", {S.CLOSED}, S.ASSESSMENT, {HR_}, params=ReasonParams),
    )
}

# Acceptable Use of Social Media Policy 2 and 3: a report routed at intake to the Monitoring Officer, a
# school or the whistleblowing procedure is handed off and closed, or returned to the disciplinary process
ACTIONS.update(
    (spec.name, spec)
    for spec in (
        _spec(
            "record_handoff",
            "Record the hand-off",
            {S.ROUTED},
            None,
            {OWN, HR_},
            kinds=(Kind.BREACH,),
            text="Who the report was passed to, when and how (Acceptable Use of Social Media Policy 2 and 3).",
            params=HandoffParams,
        ),
        _spec(
            "close_routed",
            "Close: dealt with elsewhere",
            {S.ROUTED},
            S.CLOSED,
            {OWN, HR_},
            kinds=(Kind.BREACH,),
            text="The report was passed on and the council has nothing more to do on it.",
            params=CloseRoutedParams,
        ),
        _spec(
            "reroute",
            "Return to the disciplinary process",
            {S.ROUTED},
            S.REPORTED,
            {OWN, HR_},
            kinds=(Kind.BREACH,),
            text="The routing was wrong: the report is about council staff and is dealt with under the social "
            "media policy after all.",
            params=RerouteParams,
        ),
    )
)

# Actions that also need a manager or HR role (a head of service or employee
# who happens to own a case still cannot sanction)
MANAGEMENT_ROLES = frozenset({Role.MANAGER, Role.HR})


class RefusalCode(StrEnum):
    UNKNOWN_ACTION = "unknown_action"
    NOT_ALLOWED = "forbidden"  # may see the case, may not do this
    WRONG_STAGE = "wrong_stage"
    INVALID = "invalid"


@dataclass
class Refusal(Exception):
    code: RefusalCode
    message: str
    fields: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Allowed:
    spec: ActionSpec
    to_stage: str
    warnings: tuple = ()
    overridden: tuple = ()  # the separation-of-duties rules set aside with a reason


def capacities(actor, case) -> set[Capacity]:
    """The capacities in which `actor` may act on `case` (none for a subject or admin; only to declare,
    again, for a person who has declared a conflict of interest HR has not yet dealt with)."""
    if view_level(actor, case) != View.FULL:
        return set()
    found = relationships(actor, case)
    if process.unresolved_conflict(case, actor.id):
        return {Capacity.ASSIGNED} if process.assigned_roles(case, actor.id) else set()
    held: set[Capacity] = set()
    if actor.role in MANAGEMENT_ROLES:
        held.add(Capacity.CASE_MANAGER)
    if Relationship.OWNER in found and actor.role in MANAGEMENT_ROLES:
        held.add(Capacity.OWNER)
    if actor.role == Role.HR:
        held.add(Capacity.HR)
    if Relationship.INVESTIGATOR in found:
        held.add(Capacity.INVESTIGATOR)
    if Relationship.CONTRACTOR_HEAD_OF_SERVICE in found:
        held.add(Capacity.CONTRACTOR_HEAD_OF_SERVICE)
    if Relationship.HEARING_OFFICER in found and case.stage == Stage.HEARING:
        held.add(Capacity.HEARING_OFFICER)
    if any(a.appeal_officer_id == actor.id and a.result is None for a in case.appeals):
        held.add(Capacity.APPEAL_OFFICER)
    if process.assigned_roles(case, actor.id):
        held.add(Capacity.ASSIGNED)
    return held


def available_actions(actor, case) -> list[ActionSpec]:
    """The actions `actor` may take on `case` in its present stage (for buttons on the page)."""
    held = capacities(actor, case)
    return [
        spec
        for spec in ACTIONS.values()
        if case.stage in spec.from_stages
        and case.kind in spec.kinds
        and held & spec.capacities
        and _not_in_this_stage(spec.name, case, held) is None
        and _stage_ready(spec, case) is None
    ]


def _not_in_this_stage(action: str, case, held) -> str | None:
    """Why someone who may take `action` in general may not at this stage: after a hearing its officer
    decides, and before one only the owner or HR."""
    if action == "record_outcome":
        if case.stage == Stage.HEARING and Capacity.HEARING_OFFICER not in held:
            return "After a hearing, the hearing officer records the outcome"
        if case.stage != Stage.HEARING and not held & {Capacity.OWNER, Capacity.HR}:
            return "You cannot record the outcome on this case"
    return None


def _missing(params: dict, needed: dict[str, str]) -> dict[str, str]:
    """{name: message} for each parameter the action needs that is not given (or blank)."""
    errors = {}
    for name, message in needed.items():
        value = params.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[name] = message
    return errors


def _text(params: dict, name: str) -> str:
    """A text parameter, or "" when it is absent or not text (those are refused elsewhere)."""
    value = params.get(name)
    return value.strip() if isinstance(value, str) else ""


def _choice_error(params: dict, name: str, allowed, message: str) -> dict[str, str]:
    """{name: message} when a value was given that is not one of `allowed` (nor text at all)."""
    value = params.get(name)
    if value is None or value == "":
        return {}
    if not isinstance(value, str) or value not in allowed:
        return {name: message}
    return {}


def _text_errors(params: dict) -> dict[str, str]:
    errors = {}
    for name, limit in (
        ("reason", REASON_MAX),
        ("override_reason", REASON_MAX),
        ("late_reason", REASON_MAX),
        ("content_removal_reason", REASON_MAX),
        ("grounds", TEXT_MAX),
        ("attended", TEXT_MAX),
        ("companion", 500),
        ("subject_statement", TEXT_MAX),
        ("summary", TEXT_MAX),
        ("text", TEXT_MAX),
        ("result", TEXT_MAX),
        ("no_suspension_reason", REASON_MAX),
        ("agency_reference", 100),
        ("ico_reference", 100),
        ("interviewee_name", 200),
        ("handoff_reference", 100),
    ):
        value = params.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            errors[name] = "Enter text"
        elif len(value) > limit:
            errors[name] = f"Must be {limit:,} characters or fewer"
        elif has_control_characters(value):
            errors[name] = "Must not contain control characters"
    return errors


def active_suspensions(case, subject_id=None) -> list:
    return [s for s in case.suspensions if s.lifted_at is None and (subject_id is None or s.subject_id == subject_id)]


def rights_decision_subjects(case) -> list:
    """Whom an outcome's decision on publishing rights is about: the people whose rights this case
    suspends, or, when it suspends none, the one person the case is about. Never anyone else."""
    suspended = {s.subject_id for s in active_suspensions(case)}
    if suspended:
        return [person for person in case.subjects if person.id in suspended]
    return list(case.subjects) if len(case.subjects) == 1 else []


def covers(suspension, account_id) -> bool:
    """Does an active `suspension` hold the right to publish on `account_id`?"""
    return suspension.lifted_at is None and (suspension.account_id is None or suspension.account_id == account_id)


def right_stays_suspended(account_id, suspensions) -> bool:
    """Social Networking Policy 11.2: a right is suspended while any active suspension covers it,
    whichever case it belongs to; it becomes active again only when the last one is lifted."""
    return any(covers(s, account_id) for s in suspensions)


def requested_accounts(accounts) -> frozenset | None:
    """The account ids a suspension asks for; None for every council account (nonsense is refused elsewhere)."""
    if accounts in (None, "", "all", []) or accounts == ["all"]:
        return None
    values = accounts if isinstance(accounts, list) else [accounts]
    ids = set()
    for value in values:
        try:
            ids.add(int(value))
        except (TypeError, ValueError, OverflowError):
            continue
    return frozenset(ids)


def _account_name(suspension) -> str:
    account = getattr(suspension, "account", None)
    return account.handle if account is not None else f"account {suspension.account_id}"


def already_suspended(case, person, accounts) -> str | None:
    """Why suspending `person` on `accounts` again would repeat a suspension this case already holds
    (Back and send again, or the button pressed on two pages), or None."""
    held = active_suspensions(case, person.id)
    name = getattr(person, "name", None) or "This person"
    if any(s.account_id is None for s in held):
        return f"{name}'s publishing rights are already suspended on every council account on this case"
    wanted = requested_accounts(accounts)
    if wanted is None:
        return None
    repeated = [s for s in held if s.account_id in wanted]
    if repeated:
        names = ", ".join(sorted({_account_name(s) for s in repeated}))
        return f"{name}'s publishing rights are already suspended on this case on: {names}"
    return None


def _pending_referrals(case) -> str:
    """ "The police referral is still pending", for each referral not yet concluded."""
    parts = []
    for referral in open_referrals(case):
        agency = AGENCY_SHORT_NAMES.get(referral.agency, referral.agency)
        parts.append(
            f"the {agency} referral is still {REFERRAL_STATUSES.get(referral.status, referral.status).lower()}"
        )
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


# Actions whose refusal a person looks for on the case page ("Why can't I close this?")
EXPLAINED_ACTIONS = ("close", "resume", "close_routed")


def blocked_actions(actor, case) -> list[tuple[ActionSpec, str]]:
    """Actions the person could take at this stage but not yet, each with why (a refused close says why)."""
    held = capacities(actor, case)
    found = []
    for name in EXPLAINED_ACTIONS:
        spec = ACTIONS[name]
        if case.stage in spec.from_stages and case.kind in spec.kinds and held & spec.capacities:
            why = _stage_ready(spec, case)
            if why:
                found.append((spec, why))
    return found


def why_not(action: str, actor, case) -> str | None:
    """Why `actor` cannot take `action` on `case` now, whatever they would send; None when they may."""
    try:
        check(action, actor, case, {}, people={})
    except Refusal as refusal:
        return None if refusal.code == RefusalCode.INVALID else refusal.message
    return None


def police_decision_needed(case) -> bool:
    """An abuse case about a threat, or any case that may be a crime, needs a decision on a police referral
    (Social Networking Policy 11.5)."""
    return bool(case.criminal_offence) or (case.kind == Kind.ABUSE and "threats" in case.categories)


def open_referrals(case) -> list:
    return [r for r in case.referrals if r.status in ("pending", "acknowledged")]


def _stage_ready(spec: ActionSpec, case, today: date | None = None) -> str | None:
    """Invariants that hold whatever the input: why the action cannot happen now, or None."""
    routed = routed_stage_refusal(spec.name, case)
    if routed:
        return routed
    if spec.name == "close":
        if active_suspensions(case):
            return "Lift or resolve every suspension of publishing rights before closing the case"
        if open_referrals(case):
            return _pending_referrals(case) + ": record its result before closing the case"
        if case.stage == Stage.OUTCOME and not case.current_outcomes:
            return "Record the outcome before closing the case"
        if case.current_outcomes:
            waiting = process.appeals_settled(case, today or datetime.now(LONDON).date())
            if waiting:
                return waiting
    if spec.name == "resume" and open_referrals(case):
        return _pending_referrals(case) + ": record its result before the case resumes"
    if spec.name == "resume" and not case.stage_before_referral:
        return "There is no stage to resume"
    if spec.name in ("lift_suspension", "review_suspension") and not active_suspensions(case):
        return "No publishing rights are suspended on this case"
    if spec.name == "update_referral" and not case.referrals:
        return "There are no referrals on this case"
    if spec.name == "record_contractor_action" and not any(s.staff_type == StaffType.CONTRACTOR for s in case.subjects):
        return "This case has no contractor subject"
    if spec.name == "acknowledge_contractor_case" and case.hos_acknowledged_at is not None:
        return "The head of service has already acknowledged this case"
    if spec.name == "acknowledge_contractor_case" and not any(
        s.staff_type == StaffType.CONTRACTOR for s in case.subjects
    ):
        return "This case has no contractor subject"
    if spec.name == "record_police_decision":
        if not police_decision_needed(case):
            return "A police referral is decided on for a threat or a possible crime"
        if case.police_decision is not None:
            return "The decision on a police referral is already recorded"
    if spec.name == "record_contractor_action" and not case.current_outcomes:
        return "Record the outcome before the contractor's action"
    if spec.name == "postpone_hearing" and case.hearing is not None and case.hearing.postponed:
        return "The hearing has already been postponed once"
    if spec.name == "arrange_hearing" and case.investigation_report is None:
        return "Record the investigation report before arranging a hearing"
    if spec.name in ("lodge_appeal", "waive_appeal") and not _appealable(case):
        return "No outcome on this case can be appealed now"
    return None


def _appealable(case) -> list:
    """Current outcomes against which an appeal can still be lodged or waived."""
    found = []
    for outcome in case.current_outcomes:
        if outcome.sanction == "referred_to_contractor" or outcome.appeal_waived_at is not None:
            continue
        if any(a.outcome_id == outcome.id or a.new_outcome_id == outcome.id for a in case.appeals):
            continue
        found.append(outcome)
    return found


def check(
    action: str, actor, case, params: dict, *, people: dict | None = None, settings: Settings | None = None
) -> Allowed:
    """May `actor` take `action` on `case` now, with `params`? Returns where it leads, or raises Refusal.

    `people` maps the e-mail addresses named in params (investigator, subject)
    to user objects, looked up by the caller.
    """
    spec = ACTIONS.get(action) if isinstance(action, str) else None
    if spec is None:
        named = isinstance(action, str) and action.strip()
        message = f"Unknown action: {action}" if named else "Choose an action to take"
        raise Refusal(RefusalCode.UNKNOWN_ACTION, message, {"action": "Choose a known action"})
    if not capacities(actor, case) & spec.capacities:
        raise Refusal(RefusalCode.NOT_ALLOWED, f"You cannot {spec.label[0].lower()}{spec.label[1:]} on this case")
    if case.kind not in spec.kinds:
        raise Refusal(RefusalCode.WRONG_STAGE, f"{spec.label} does not apply to this kind of case")
    if case.stage not in spec.from_stages:
        stage = STAGE_LABELS.get(case.stage, case.stage).lower()
        raise Refusal(RefusalCode.WRONG_STAGE, f"{spec.label} is not possible while the case is at the {stage} stage")
    not_ready = _stage_ready(spec, case, (settings or Settings()).day)
    if not_ready:
        raise Refusal(RefusalCode.WRONG_STAGE, not_ready)

    not_yours = _not_in_this_stage(action, case, capacities(actor, case))
    if not_yours:
        raise Refusal(RefusalCode.NOT_ALLOWED, not_yours)

    settings = settings or Settings()
    errors = {**_missing(params, spec.params.needed()), **_text_errors(params)}
    people = people or {}
    warnings: list[str] = []
    subject_ids = {s.id for s in case.subjects}

    if action in ("suspend_rights", "lift_suspension", "review_suspension") and "subject" not in errors:
        person = people.get(params["subject"].strip().lower()) if isinstance(params["subject"], str) else None
        if person is None or person.id not in subject_ids:
            errors["subject"] = "Choose a person the case is about"
        elif action != "suspend_rights" and not active_suspensions(case, person.id):
            errors["subject"] = "This person's publishing rights are not suspended on this case"
        elif action == "suspend_rights":
            already = already_suspended(case, person, params.get("accounts"))
            if already:
                errors["accounts"] = already

    if action == "start_investigation":
        if "investigator" not in errors:
            person = process_checks.person(people, params["investigator"])
            if person is None:
                errors["investigator"] = "Choose an investigator from the staff directory"
            else:
                params["_overridden"] = process_checks.separation_errors(
                    "investigator", "investigator", person, case, params, settings, errors
                )
        if not active_suspensions(case) and not _text(params, "no_suspension_reason"):
            errors["no_suspension_reason"] = (
                "Enter why publishing rights are not suspended while the case is investigated"
            )

    if action == "add_note":
        errors.update(
            _choice_error(params, "kind", NOTE_KINDS, "Choose a note, an interview record or a meeting record")
        )
        errors.update(
            _choice_error(
                params,
                "interviewee_role",
                ("complainant", "subject", "witness"),
                "Choose complainant, subject or witness",
            )
        )
        if params.get("kind") == "interview":
            if not _text(params, "interviewee_name") and "interviewee_name" not in errors:
                errors["interviewee_name"] = "Enter the name of the person interviewed"
            if not params.get("interviewee_role") and "interviewee_role" not in errors:
                errors["interviewee_role"] = "Choose whether they were interviewed as complainant, subject or witness"

    if action in process_checks.CHECKS:
        process_checks.CHECKS[action](actor, case, params, people, settings, errors, warnings)
    overridden = tuple(params.pop("_overridden", None) or ())

    if action == "refer":
        errors.update(
            _choice_error(
                params, "agency", AGENCIES, "Choose the police, the ICO, the LADO, the contractor or another agency"
            )
        )

    if action == "update_referral":
        status = params.get("status")
        errors.update(
            _choice_error(
                params, "status", REFERRAL_STATUSES, "Choose pending, acknowledged, concluded or no further action"
            )
        )
        referral_id = params.get("referral_id")
        referral = next((r for r in case.referrals if str(r.id) == str(referral_id)), None)
        if referral_id is not None and referral is None:
            errors["referral_id"] = "Choose a referral of this case"
        elif referral is not None:
            if referral.status in ("concluded", "no_further_action"):
                errors["status"] = "This referral is already closed"
            if (
                Capacity.CONTRACTOR_HEAD_OF_SERVICE in capacities(actor, case)
                and referral.agency != "contractor"
                and not (capacities(actor, case) & {Capacity.OWNER, Capacity.HR})
            ):
                errors["referral_id"] = "A head of service updates the contractor referral only"
        if status in ("concluded", "no_further_action") and not _text(params, "result"):
            errors["result"] = "Enter the result of the referral"

    if action == "record_ico_decision":
        report = params.get("report")
        if report not in (True, False, "yes", "no", "true", "false"):
            errors["report"] = "Say whether the breach is reported to the ICO"

    if action == "record_police_decision":
        if params.get("refer") not in (True, False, "yes", "no", "true", "false"):
            errors["refer"] = "Say whether the case is referred to the police"

    errors.update(routed_action_errors(action, case, params, people))
    if errors:
        raise Refusal(RefusalCode.INVALID, "Check the highlighted fields", errors)

    to_stage = spec.to_stage
    if action == "suspend_rights" and case.stage == Stage.INVESTIGATION:
        to_stage = Stage.INVESTIGATION  # the investigation carries on
    if action == "lift_suspension" and case.stage == Stage.RIGHTS_SUSPENDED:
        lifted = people[str(params["subject"]).strip().lower()]
        if all(s.subject_id == lifted.id for s in active_suspensions(case)):
            to_stage = Stage.ASSESSMENT  # rights_suspended means at least one active suspension
    if to_stage is None:
        to_stage = case.stage
    elif to_stage == "previous":
        to_stage = case.stage_before_referral
        if to_stage == Stage.RIGHTS_SUSPENDED and not active_suspensions(case):
            to_stage = Stage.ASSESSMENT  # the suspensions were lifted while the case was referred
    if action == "record_outcome" and case.stage == Stage.HEARING:
        to_stage = Stage.OUTCOME
    if action == "decide_appeal":
        others = [a for a in case.appeals if a.result is None and a.subject_id != _subject_id(people, params)]
        to_stage = Stage.APPEAL if others else Stage.OUTCOME
    return Allowed(spec, to_stage, tuple(warnings), overridden)


def _subject_id(people, params):
    who = process_checks.person(people, params.get("subject"))
    return who.id if who is not None else None


def may_export_report(actor, case) -> bool:
    """The case report goes to HR and to the case's owner."""
    return bool(capacities(actor, case) & {Capacity.OWNER, Capacity.HR})
