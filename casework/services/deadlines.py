"""Deadlines of a case (design §5), worked out from its facts and the council's calendar."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from ..domain.case_state import police_decision_needed
from ..domain.policy import AGENCIES, StaffType, Stage
from ..domain.routing import route_words
from ..domain.working_days import add_working_days
from ..extensions import db
from ..models import Case, utcnow

LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=8)
def _calendar(country: str, subdivision: str | None):
    return holidays.country_holidays(country, subdiv=subdivision, years=range(2000, 2101))


def bank_holidays():
    """The configured region's bank holidays (England and Wales by default)."""
    config = current_app.config
    return _calendar(config["HOLIDAYS_COUNTRY"], config.get("HOLIDAYS_SUBDIVISION"))


def london_today() -> date:
    return utcnow().astimezone(LONDON).date()


def london_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def end_of_day(day: date) -> datetime:
    """23:59:59 London time on `day`, in UTC."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON).astimezone(UTC)


def working_days_after(moment: datetime, days: int) -> datetime:
    return end_of_day(add_working_days(london_date(moment), days, bank_holidays()))


@dataclass(frozen=True)
class Deadline:
    key: str
    label: str
    due_at: datetime
    met: bool

    def overdue(self, now: datetime | None = None) -> bool:
        return not self.met and self.due_at < (now or utcnow())


def case_deadlines(case: Case) -> list[Deadline]:
    """Every deadline of the case, met or not, earliest first."""
    config = current_app.config
    found: list[Deadline] = []
    created = case.created_at
    closed = case.stage == Stage.CLOSED

    if any(s.staff_type == StaffType.CONTRACTOR for s in case.subjects):
        found.append(
            Deadline(
                "hos_informed",
                "Head of service acknowledges the contractor case",
                working_days_after(created, config["HEAD_OF_SERVICE_INFORMED_WORKING_DAYS"]),
                case.hos_acknowledged_at is not None or closed,
            )
        )
    if case.personal_data_involved:
        found.append(
            Deadline(
                "ico_decision",
                "Decide whether to report the personal data breach to the ICO",
                (case.aware_at or created) + timedelta(hours=config["ICO_DECISION_HOURS"]),
                case.ico_decision is not None or any(r.agency == "ico" for r in case.referrals),
            )
        )
    if police_decision_needed(case):
        found.append(
            Deadline(
                "police_decision",
                "Decide on police referral",
                working_days_after(case.offence_flagged_at or created, config["POLICE_DECISION_WORKING_DAYS"]),
                case.police_decision is not None or any(r.agency == "police" for r in case.referrals) or closed,
            )
        )
    if case.safeguarding_concern:
        found.append(
            Deadline(
                "lado_referral",
                "Refer the safeguarding concern to the LADO",
                working_days_after(case.safeguarding_flagged_at or created, config["LADO_REFERRAL_WORKING_DAYS"]),
                any(r.agency == "lado" for r in case.referrals) or closed,
            )
        )
    if case.route is not None and case.routed_at is not None:
        # Acceptable Use of Social Media Policy 2 and 3: a routed report is passed on promptly
        found.append(
            Deadline(
                "handoff",
                f"Pass the report to {route_words(case.route)}",
                working_days_after(case.routed_at, config["ROUTED_HANDOFF_WORKING_DAYS"]),
                case.handed_off_at is not None or closed,
            )
        )
    if case.investigation_started_at is not None:
        found.append(
            Deadline(
                "investigation",
                "Complete the investigation",
                working_days_after(case.investigation_started_at, config["INVESTIGATION_WORKING_DAYS"]),
                case.outcome is not None or closed,
            )
        )
    hearing = case.hearing
    if hearing is not None and case.stage == Stage.HEARING:
        found.append(Deadline("hearing", "Hold the hearing and record the outcome", hearing.hearing_at, hearing.held))
    for suspension in case.suspensions:
        if suspension.lifted_at is None and suspension.next_review_on is not None:
            found.append(
                Deadline(
                    f"suspension_review:{suspension.id}",
                    f"Review the suspension of {suspension.subject.name}'s publishing rights",
                    end_of_day(suspension.next_review_on),
                    False,
                )
            )
    for referral in case.referrals:
        if referral.due_at is not None:
            found.append(
                Deadline(
                    f"referral:{referral.id}",
                    f"Follow up the referral ({AGENCIES[referral.agency]})",
                    referral.due_at,
                    referral.status in ("acknowledged", "concluded", "no_further_action"),
                )
            )
    if case.outcome is not None and case.outcome.appeal_due_on is not None and not closed:
        found.append(Deadline("appeal_window", "Appeal window closes", end_of_day(case.outcome.appeal_due_on), False))
    return sorted(found, key=lambda d: d.due_at)


def refresh_next_deadline(case: Case) -> None:
    """Store the earliest unmet deadline on the case, so overdue cases can be found in SQL.

    Written with a plain UPDATE: a deadline that follows from a change is not a
    change of its own, so it does not move the case's version a second time.
    """
    pending = [d for d in case_deadlines(case) if not d.met and d.key != "appeal_window"]
    if case.stage == Stage.CLOSED or not pending:
        due_at, label = None, None
    else:
        due_at, label = pending[0].due_at, pending[0].label[:100]
    if (due_at, label) == (case.next_deadline_at, case.next_deadline_label):
        return
    db.session.execute(
        update(Case).where(Case.id == case.id).values(next_deadline_at=due_at, next_deadline_label=label)
    )
    set_committed_value(case, "next_deadline_at", due_at)
    set_committed_value(case, "next_deadline_label", label)
