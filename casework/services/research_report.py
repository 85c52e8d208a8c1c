"""The HR report of online research and RIPA authorisations: for the council's senior responsible officer
and for inspection by the Investigatory Powers Commissioner's Office (Acceptable Use of Social Media Policy 8)."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from ..domain import research as rules
from ..domain.policy import PLATFORMS
from ..domain.research import AUTHORISATION_STATES
from ..extensions import db
from ..models_research import OnlineResearch, RipaAuthorisation
from . import research as research_service
from .deadlines import LONDON, london_today
from .summary import Period


@dataclass
class ResearchReport:
    period: Period
    today: date
    research: list = field(default_factory=list)
    authorisations: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)


def build(period: Period) -> ResearchReport:
    """Every view logged in the period, and every authorisation applied for or in force in it."""
    today = london_today()
    research = list(
        db.session.scalars(
            select(OnlineResearch)
            .where(OnlineResearch.viewed_at >= period.start_at, OnlineResearch.viewed_at < period.end_at)
            .options(selectinload(OnlineResearch.case), selectinload(OnlineResearch.researcher))
            .order_by(OnlineResearch.viewed_at, OnlineResearch.id)
        )
    )
    authorisations = list(
        db.session.scalars(
            select(RipaAuthorisation)
            .where(
                or_(
                    and_(RipaAuthorisation.applied_at >= period.start_at, RipaAuthorisation.applied_at < period.end_at),
                    and_(RipaAuthorisation.starts_on <= period.end, RipaAuthorisation.expires_on >= period.start),
                )
            )
            .options(
                selectinload(RipaAuthorisation.case),
                selectinload(RipaAuthorisation.applied_by),
                selectinload(RipaAuthorisation.decided_by),
                selectinload(RipaAuthorisation.cancelled_by),
                selectinload(RipaAuthorisation.reviews),
            )
            .order_by(RipaAuthorisation.applied_at, RipaAuthorisation.id)
        )
    )
    limit = current_app.config["RIPA_REPEAT_VIEWS"]
    states = [rules.state(item, today) for item in authorisations]
    overdue = [any(d.overdue for d in research_service.deadlines(item, today)) for item in authorisations]
    figures = {
        "views_logged": len(research),
        "profiles_viewed": len({(item.platform, item.profile_key) for item in research}),
        "views_at_repeat_limit": sum(1 for item in research if item.views_in_window >= limit),
        "views_under_authorisation": sum(1 for item in research if item.authorisation_id is not None),
        "applications": sum(1 for item in authorisations if period.start_at <= item.applied_at < period.end_at),
        "in_force_now": states.count("authorised") + states.count("not_started"),
        "waiting_for_decision": states.count("applied"),
        "refused": states.count("refused"),
        "cancelled": states.count("cancelled"),
        "expired_not_cancelled": states.count("expired"),
        "with_overdue_deadline": sum(overdue),
    }
    return ResearchReport(period, today, research, authorisations, figures)


FIGURE_LABELS = {
    "views_logged": "Views of social media logged",
    "profiles_viewed": "Profiles viewed",
    "views_at_repeat_limit": "Views at or past the repeat-view limit",
    "views_under_authorisation": "Views under an authorisation",
    "applications": "Applications for authorisation made",
    "in_force_now": "Authorisations in force now",
    "waiting_for_decision": "Applications waiting for a decision",
    "refused": "Applications refused",
    "cancelled": "Authorisations cancelled",
    "expired_not_cancelled": "Authorisations expired without being cancelled",
    "with_overdue_deadline": "Authorisations with an overdue decision, review or cancellation",
}


def _local(moment) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") if moment else ""


def _safe(value) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def research_csv(report: ResearchReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "viewed_at",
            "case",
            "platform",
            "profile",
            "purpose",
            "looked_at",
            "researcher",
            "views_in_window",
            "authorisation_id",
            "logged_at",
        ]
    )
    for item in report.research:
        writer.writerow(
            [
                _local(item.viewed_at),
                item.case.reference,
                item.platform,
                _safe(item.profile),
                _safe(item.purpose),
                _safe(item.looked_at),
                _safe(item.researcher.name),
                item.views_in_window,
                item.authorisation_id or "",
                _local(item.created_at),
            ]
        )
    return out.getvalue()


def authorisations_csv(report: ResearchReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "id",
            "case",
            "platform",
            "profile",
            "state",
            "applied_at",
            "applied_by",
            "necessity",
            "proportionality",
            "decision_due_on",
            "decided_at",
            "authorising_officer",
            "decision_reason",
            "starts_on",
            "expires_on",
            "reviews",
            "next_review_on",
            "cancelled_at",
            "cancellation_reason",
            "views_logged_under_it",
        ]
    )
    for item in report.authorisations:
        writer.writerow(
            [
                item.id,
                item.case.reference,
                item.platform,
                _safe(item.profile),
                rules.state(item, report.today),
                _local(item.applied_at),
                _safe(item.applied_by.name),
                _safe(item.necessity),
                _safe(item.proportionality),
                item.decision_due_on.isoformat(),
                _local(item.decided_at),
                _safe(item.decided_by.name) if item.decided_by else "",
                _safe(item.decision_reason),
                item.starts_on.isoformat() if item.starts_on else "",
                item.expires_on.isoformat() if item.expires_on else "",
                len(item.reviews),
                item.next_review_on.isoformat() if item.next_review_on else "",
                _local(item.cancelled_at),
                _safe(item.cancellation_reason),
                len(item.research),
            ]
        )
    return out.getvalue()


def labels() -> dict:
    return {"platforms": PLATFORMS, "states": AUTHORISATION_STATES, "figures": FIGURE_LABELS}
