"""Online research log, RIPA authorisations and the monitoring question (Acceptable Use of Social Media Policy 8).

Each use case checks the rule in `casework.domain.research`, changes the rows,
and appends to the case's audit trail in the caller's transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain import research as rules
from ..domain import workflow
from ..domain.actions import Capacity
from ..domain.permissions import Relationship, View, relationships, view_level
from ..domain.policy import Role, Source, Stage
from ..domain.research import AuthorisationStatus, ResearchDecision, ResearchInput
from ..domain.working_days import add_working_days
from ..extensions import db
from ..models import Case, User, utcnow
from ..models_research import MonitoringAuthorisation, OnlineResearch, RipaAuthorisation, RipaReview
from .deadlines import bank_holidays, london_date, london_today
from .errors import Conflict, InvalidInput, NotAllowed, NotFound
from .events import record_event

APPLY_CAPACITIES = {Capacity.OWNER, Capacity.HR, Capacity.INVESTIGATOR}
ID_MAX = 2**31 - 1


class AuthorisationRequired(Conflict):
    """Past the repeat-view limit, research is logged only under an authorisation in force."""

    code = "authorisation_required"


@dataclass(frozen=True)
class Logged:
    entry: OnlineResearch
    warning: str | None


def _config(key: str):
    return current_app.config[key]


def authorising_role() -> str:
    return _config("RIPA_AUTHORISING_ROLE")


def may_log(actor: User, case: Case, *, held: set | None = None) -> bool:
    """Anyone handling the case who looks at a person's social media for it records that they did. `held`:
    workflow.capacities(actor, case), when the caller has them already."""
    held = workflow.capacities(actor, case) if held is None else held
    return bool(held) and case.stage != Stage.CLOSED


def may_apply(actor: User, case: Case, *, held: set | None = None) -> bool:
    held = workflow.capacities(actor, case) if held is None else held
    return bool(held & APPLY_CAPACITIES) and case.stage != Stage.CLOSED


def is_authorising_officer(actor: User) -> bool:
    return actor.role == authorising_role() and actor.active


def authorising_officer_problem(actor: User, authorisation: RipaAuthorisation) -> str | None:
    """Why `actor` may not decide, review or cancel this authorisation; None when they may.

    The authorising officer is independent of the investigation: not the
    applicant, the case's owner or investigator, a subject or the reporter.
    """
    if not is_authorising_officer(actor):
        return "Only an authorising officer can do this"
    case = authorisation.case
    found = relationships(actor, case)
    if actor.id == authorisation.applied_by_id or found & {
        Relationship.OWNER,
        Relationship.INVESTIGATOR,
        Relationship.SUBJECT,
        Relationship.REPORTER,
    }:
        return "An authorising officer must not be involved in the case: ask another authorising officer"
    return None


def may_see_authorisation(actor: User, authorisation: RipaAuthorisation) -> bool:
    """Authorising officers and HR see every authorisation; others, those of cases they see in full."""
    if actor.role == Role.HR or is_authorising_officer(actor):
        return Relationship.SUBJECT not in relationships(actor, authorisation.case)
    return view_level(actor, authorisation.case) == View.FULL


# --- research ----------------------------------------------------------------------


def _window() -> timedelta:
    return timedelta(days=_config("RIPA_REPEAT_WINDOW_DAYS"))


def views_of_profile(platform: str, key: str, moment: datetime) -> list[datetime]:
    """When the council logged views of this profile, within a window either side of `moment`, on any case."""
    window = _window()
    return list(
        db.session.scalars(
            select(OnlineResearch.viewed_at).where(
                OnlineResearch.platform == platform,
                OnlineResearch.profile_key == key,
                OnlineResearch.viewed_at > moment - window,
                OnlineResearch.viewed_at < moment + window,
            )
        )
    )


def authorisation_for(case: Case, platform: str, key: str, day: date) -> tuple[RipaAuthorisation | None, list]:
    """The case's authorisation in force on `day` for this profile, and the case's others for it."""
    candidates = list(
        db.session.scalars(
            select(RipaAuthorisation)
            .where(
                RipaAuthorisation.case_id == case.id,
                RipaAuthorisation.platform == platform,
                RipaAuthorisation.profile_key == key,
            )
            .order_by(RipaAuthorisation.id.desc())
        )
    )
    in_force = next((item for item in candidates if rules.in_force_on(item, day)), None)
    return in_force, candidates


def _needs_authorisation_message(views: int, window_days: int, others: list, day: date) -> str:
    base = (
        f"This profile has been viewed {views} times in {window_days} days, counting this view. "
        "Repeated viewing can be directed surveillance (Acceptable Use of Social Media Policy 8): "
        "more research can be logged only under an authorisation in force."
    )
    expired = [item for item in others if rules.state(item, day) == "expired"]
    if expired:
        return base + f" The authorisation for it expired on {expired[0].expires_on:%d %B %Y}: apply for a new one."
    pending = [item for item in others if item.status == AuthorisationStatus.APPLIED]
    if pending:
        return base + " The application for one is waiting for an authorising officer's decision."
    return base + " Apply for an authorisation first."


def log_research(case: Case, actor: User, given: ResearchInput) -> Logged:
    """Record a look at a person's social media for this case (Acceptable Use of Social Media Policy 8).

    At RIPA_REPEAT_VIEWS views of one profile in RIPA_REPEAT_WINDOW_DAYS the
    view is logged with a warning; past it, only under an authorisation in
    force on the day of the view.
    """
    if not may_log(actor, case):
        if case.stage == Stage.CLOSED:
            raise Conflict("The case is closed: research cannot be logged on it")
        raise NotAllowed("Only the people handling the case can log research on it")
    now = utcnow()
    problems = rules.research_problems(given, now)
    if problems:
        raise InvalidInput("Check the research entry", problems)
    moment = min(given.viewed_at or now, now)
    key = rules.profile_key(given.profile)
    limit = _config("RIPA_REPEAT_VIEWS")
    views = rules.busiest_window(views_of_profile(given.platform, key, moment), moment, _window())
    day = london_date(moment)
    authorisation, others = authorisation_for(case, given.platform, key, day)
    decision = rules.repeat_decision(views, limit, authorisation is not None)
    if decision == ResearchDecision.NEEDS_AUTHORISATION:
        message = _needs_authorisation_message(views, _config("RIPA_REPEAT_WINDOW_DAYS"), others, day)
        raise AuthorisationRequired(message, {"profile": message})
    entry = OnlineResearch(
        case_id=case.id,
        platform=given.platform,
        profile=given.profile.strip(),
        profile_key=key,
        purpose=given.purpose.strip(),
        looked_at=given.looked_at.strip(),
        viewed_at=moment,
        researcher_id=actor.id,
        authorisation_id=authorisation.id if authorisation else None,
        views_in_window=views,
    )
    db.session.add(entry)
    db.session.flush()
    warning = None
    if decision == ResearchDecision.WARN:
        warning = (
            f"This is view {views} of this profile in {_config('RIPA_REPEAT_WINDOW_DAYS')} days. "
            "Repeated viewing can become directed surveillance (Acceptable Use of Social Media Policy 8): "
            "before you look again, apply for an authorisation and take legal advice."
        )
    record_event(
        case,
        actor,
        "online_research_logged",
        from_stage=case.stage,
        to_stage=case.stage,
        data={
            "research_id": entry.id,
            "platform": entry.platform,
            "profile": entry.profile,
            "viewed_at": moment.isoformat(),
            "views_in_window": views,
            "authorisation_id": entry.authorisation_id,
            "warned": warning is not None,
        },
    )
    return Logged(entry, warning)


def research_of(case: Case) -> list[OnlineResearch]:
    return list(
        db.session.scalars(
            select(OnlineResearch)
            .where(OnlineResearch.case_id == case.id)
            .options(selectinload(OnlineResearch.researcher))
            .order_by(OnlineResearch.viewed_at, OnlineResearch.id)
        )
    )


# --- authorisations ------------------------------------------------------------------


def authorisations_of(case: Case) -> list[RipaAuthorisation]:
    return list(
        db.session.scalars(
            select(RipaAuthorisation).where(RipaAuthorisation.case_id == case.id).order_by(RipaAuthorisation.id)
        )
    )


def apply(
    case: Case, actor: User, *, platform: str, profile: str, application: str, necessity: str, proportionality: str
) -> RipaAuthorisation:
    """Apply for an authorisation to research one profile: what, why it is necessary, why proportionate."""
    if not may_apply(actor, case):
        if case.stage == Stage.CLOSED:
            raise Conflict("The case is closed: no authorisation can be applied for on it")
        raise NotAllowed("Only the case's owner, its investigator or HR can apply for an authorisation")
    problems = rules.application_problems(platform, profile, application, necessity, proportionality)
    if problems:
        raise InvalidInput("Check the application", problems)
    applied_at = utcnow()
    authorisation = RipaAuthorisation(
        case_id=case.id,
        platform=platform,
        profile=profile.strip(),
        profile_key=rules.profile_key(profile),
        status=AuthorisationStatus.APPLIED,
        application=application.strip(),
        necessity=necessity.strip(),
        proportionality=proportionality.strip(),
        applied_by_id=actor.id,
        applied_at=applied_at,
        decision_due_on=add_working_days(
            london_date(applied_at), _config("RIPA_DECISION_WORKING_DAYS"), bank_holidays()
        ),
    )
    db.session.add(authorisation)
    db.session.flush()
    record_event(
        case,
        actor,
        "ripa_authorisation_applied",
        from_stage=case.stage,
        to_stage=case.stage,
        data={"authorisation_id": authorisation.id, "platform": platform, "profile": authorisation.profile},
    )
    return authorisation


def get_authorisation(actor: User, authorisation_id) -> RipaAuthorisation:
    """An authorisation `actor` may see; NotFound for any other (its existence does not leak)."""
    try:
        number = int(authorisation_id)
    except (TypeError, ValueError):
        raise NotFound("Authorisation not found") from None
    if not 0 < number <= ID_MAX:
        raise NotFound("Authorisation not found")
    authorisation = db.session.get(RipaAuthorisation, number)
    if authorisation is None or not may_see_authorisation(actor, authorisation):
        raise NotFound("Authorisation not found")
    return authorisation


def _as_officer(actor: User, authorisation: RipaAuthorisation) -> None:
    problem = authorising_officer_problem(actor, authorisation)
    if problem:
        raise NotAllowed(problem)


def decide(
    authorisation: RipaAuthorisation, actor: User, *, decision: str, reason: str, starts_on: date | None = None
) -> RipaAuthorisation:
    """The authorising officer grants or refuses; a grant runs RIPA_AUTHORISATION_MONTHS from its start."""
    _as_officer(actor, authorisation)
    today = london_today()
    if authorisation.status != AuthorisationStatus.APPLIED:
        raise Conflict("This application has already been decided")
    problems = rules.decision_problems(authorisation, decision, reason, starts_on, today)
    if problems:
        raise InvalidInput("Check the decision", problems)
    authorisation.status = decision
    authorisation.decided_by_id = actor.id
    authorisation.decided_at = utcnow()
    authorisation.decision_reason = reason.strip()
    data = {"authorisation_id": authorisation.id, "decision": decision}
    if decision == AuthorisationStatus.AUTHORISED:
        start = starts_on or today
        authorisation.starts_on = start
        authorisation.expires_on = rules.expiry(start, _config("RIPA_AUTHORISATION_MONTHS"))
        authorisation.next_review_on = rules.next_review(start, _config("RIPA_REVIEW_DAYS"), authorisation.expires_on)
        data |= {"starts_on": start.isoformat(), "expires_on": authorisation.expires_on.isoformat()}
    db.session.flush()
    case = authorisation.case
    record_event(
        case,
        actor,
        "ripa_authorisation_granted" if decision == AuthorisationStatus.AUTHORISED else "ripa_authorisation_refused",
        from_stage=case.stage,
        to_stage=case.stage,
        data=data,
    )
    return authorisation


def review(authorisation: RipaAuthorisation, actor: User, *, text: str) -> RipaReview:
    """The authorising officer reviews an authorisation in force and sets the next review."""
    _as_officer(actor, authorisation)
    today = london_today()
    problems = rules.review_problems(authorisation, text, today)
    if problems:
        if rules.state(authorisation, today) != "authorised" and rules.state(authorisation, today) != "not_started":
            raise Conflict(problems["text"], problems)
        raise InvalidInput("Check the review", problems)
    next_on = rules.next_review(
        max(today, authorisation.starts_on), _config("RIPA_REVIEW_DAYS"), authorisation.expires_on
    )
    entry = RipaReview(authorisation=authorisation, reviewed_by_id=actor.id, text=text.strip(), next_review_on=next_on)
    authorisation.next_review_on = next_on
    db.session.add(entry)
    db.session.flush()
    case = authorisation.case
    record_event(
        case,
        actor,
        "ripa_authorisation_reviewed",
        from_stage=case.stage,
        to_stage=case.stage,
        data={"authorisation_id": authorisation.id, "review_id": entry.id, "next_review_on": next_on.isoformat()},
    )
    return entry


def cancel(authorisation: RipaAuthorisation, actor: User, *, reason: str) -> RipaAuthorisation:
    """The authorising officer cancels an authorisation once it is no longer necessary (or at its expiry)."""
    _as_officer(actor, authorisation)
    problems = rules.cancellation_problems(authorisation, reason)
    if problems:
        if authorisation.status != AuthorisationStatus.AUTHORISED:
            raise Conflict(problems["reason"], problems)
        raise InvalidInput("Check the cancellation", problems)
    authorisation.status = AuthorisationStatus.CANCELLED
    authorisation.cancelled_by_id = actor.id
    authorisation.cancelled_at = utcnow()
    authorisation.cancellation_reason = reason.strip()
    authorisation.next_review_on = None
    db.session.flush()
    case = authorisation.case
    record_event(
        case,
        actor,
        "ripa_authorisation_cancelled",
        from_stage=case.stage,
        to_stage=case.stage,
        data={"authorisation_id": authorisation.id},
    )
    return authorisation


@dataclass(frozen=True)
class AuthorisationDeadline:
    label: str
    due_on: date
    overdue: bool


def deadlines(authorisation: RipaAuthorisation, today: date | None = None) -> list[AuthorisationDeadline]:
    """What is due on an authorisation: the decision, the next review, and its cancellation by expiry."""
    today = today or london_today()
    current = rules.state(authorisation, today)
    found = []
    if current == "applied":
        found.append(
            AuthorisationDeadline("Decision due", authorisation.decision_due_on, today > authorisation.decision_due_on)
        )
    if current in ("authorised", "not_started") and authorisation.next_review_on:
        found.append(
            AuthorisationDeadline("Review due", authorisation.next_review_on, today > authorisation.next_review_on)
        )
    if current in ("authorised", "not_started", "expired"):
        found.append(
            AuthorisationDeadline("Cancel by (expiry)", authorisation.expires_on, today > authorisation.expires_on)
        )
    return found


def authorisations_for_officer(actor: User) -> list[RipaAuthorisation]:
    """Every authorisation, newest first, for authorising officers and HR."""
    if actor.role != Role.HR and not is_authorising_officer(actor):
        raise NotAllowed("Only authorising officers and HR can see the list of authorisations")
    items = db.session.scalars(
        select(RipaAuthorisation)
        .options(selectinload(RipaAuthorisation.case), selectinload(RipaAuthorisation.applied_by))
        .order_by(RipaAuthorisation.id.desc())
    )
    return [item for item in items if may_see_authorisation(actor, item)]


# --- the council's monitoring ------------------------------------------------------


def asks_about_monitoring(case: Case) -> bool:
    """A case found by the council's own monitoring asks whether that monitoring was authorised."""
    return case.source == Source.COUNCIL_MONITORING


def monitoring_answer(case: Case) -> MonitoringAuthorisation | None:
    return db.session.scalar(select(MonitoringAuthorisation).where(MonitoringAuthorisation.case_id == case.id))


def record_monitoring_answer(
    case: Case, actor: User, *, answer: str, detail: str, authorisation_id: int | None = None
) -> MonitoringAuthorisation:
    """Record whether the monitoring that found this case was authorised (Acceptable Use of Social Media
    Policy 8); it may be corrected later, each answer in the audit trail."""
    if not asks_about_monitoring(case):
        raise Conflict("Only a case found by the council's monitoring asks whether the monitoring was authorised")
    if not may_apply(actor, case):
        if case.stage == Stage.CLOSED:
            raise Conflict("The case is closed")
        raise NotAllowed("Only the case's owner, its investigator or HR can answer this")
    problems = rules.monitoring_problems(answer, detail)
    authorisation = None
    if authorisation_id is not None:
        authorisation = db.session.get(RipaAuthorisation, authorisation_id) if 0 < authorisation_id <= ID_MAX else None
        if authorisation is None or authorisation.case_id != case.id:
            problems["authorisation_id"] = "Choose an authorisation of this case"
    if problems:
        raise InvalidInput("Check the answer", problems)
    row = monitoring_answer(case) or MonitoringAuthorisation(case_id=case.id)
    row.answer = answer
    row.detail = detail.strip()
    row.authorisation_id = authorisation.id if authorisation else None
    row.recorded_by_id = actor.id
    row.recorded_at = utcnow()
    db.session.add(row)
    db.session.flush()
    record_event(
        case,
        actor,
        "monitoring_authorisation_recorded",
        from_stage=case.stage,
        to_stage=case.stage,
        data={"answer": answer, "authorisation_id": row.authorisation_id},
    )
    return row


def anonymise_case(case: Case) -> dict[str, int]:
    """Retention: a case being anonymised keeps when research, authorisations and captures happened, not whose
    profile was looked at, why, or what was found (the counts go into the tombstone)."""
    from ..models_research import WebCapture

    removed = {"online_research": 0, "authorisations": 0, "web_captures": 0}
    for entry in db.session.scalars(select(OnlineResearch).where(OnlineResearch.case_id == case.id)):
        entry.profile = entry.profile_key = entry.purpose = entry.looked_at = ""
        removed["online_research"] += 1
    for item in authorisations_of(case):
        item.profile = item.profile_key = item.application = item.necessity = item.proportionality = ""
        item.decision_reason = item.cancellation_reason = None
        for entry in item.reviews:
            entry.text = ""
        removed["authorisations"] += 1
    answer = monitoring_answer(case)
    if answer is not None:
        answer.detail = ""
    for capture in db.session.scalars(select(WebCapture).where(WebCapture.case_id == case.id)):
        capture.url = ""
        capture.final_url = capture.description = capture.failure = None
        removed["web_captures"] += 1
    return {key: value for key, value in removed.items() if value}
