"""The HR summary for a period (design §7): every figure is a SQL aggregate.

Working days from report to outcome are counted from (reported, decided)
pairs fetched by one query, against a precomputed calendar index, so the cost
does not depend on how many events or people a case has.
"""

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import and_, func, null, select, union_all

from ..domain.policy import Stage
from ..domain.routing import ROUTE_LABELS
from ..domain.working_days import is_working_day
from ..extensions import db
from ..models import Case, CaseCategory, Department, Outcome, Referral, Suspension, User, case_subjects, utcnow
from ..models_process import Allegation, Appeal
from .deadlines import LONDON, bank_holidays, london_today


@dataclass
class Period:
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=LONDON).astimezone(UTC)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=LONDON).astimezone(UTC)

    @classmethod
    def last_year(cls, today: date | None = None) -> "Period":
        today = today or london_today()
        return cls(today - timedelta(days=364), today)


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
LONGEST_DAYS = 366 * 10


def parse_period(args: Mapping) -> tuple[Period, dict[str, str]]:
    """The period from ?from=YYYY-MM-DD&to=YYYY-MM-DD (the last year when absent), and errors by field.

    Shared by the HR summary page and the API; when there are errors the period is the default.
    """
    default = Period.last_year()
    errors = {}
    values = {}
    for name, fallback in (("from", default.start), ("to", default.end)):
        raw = (args.get(name) or "").strip()
        if not raw:
            values[name] = fallback
            continue
        try:
            if not ISO_DATE.fullmatch(raw):  # date.fromisoformat also takes 20260401 and 2026W141
                raise ValueError(raw)
            values[name] = date.fromisoformat(raw)
        except ValueError:
            errors[name] = (
                f"Enter the {'start' if name == 'from' else 'end'} date as YYYY-MM-DD, for example 2026-04-01"
            )
            values[name] = fallback
    return check_period(values["from"], values["to"], errors)


def check_period(start: date, end: date, errors: dict[str, str] | None = None) -> tuple[Period, dict[str, str]]:
    """The period from `start` to `end` (both included) and what is wrong with it, by field ("from", "to").

    With any error the period returned is the default (the last year): callers show and offer
    nothing for it, they only need a period to fill the form with.
    """
    errors = dict(errors or {})
    for name, value in (("from", start), ("to", end)):
        if name not in errors and not EARLIEST <= value <= LATEST:
            errors[name] = f"Enter a date from {EARLIEST.year} to {LATEST.year}"
    if not errors and start > end:
        errors["to"] = "The end date must be the same as or after the start date"
    if not errors and (end - start).days > LONGEST_DAYS:
        errors["from"] = "Choose a period of ten years or less"
    period = Period(start, end) if not errors else Period.last_year()
    return period, errors


# Appeals lodged in the period, and appeals decided in it by their result
APPEAL_FIGURES = ("lodged", "upheld", "varied", "overturned")


@dataclass
class LongSuspension:
    reference: str
    person: str
    since: datetime
    working_days: int


@dataclass
class Summary:
    period: Period
    generated_at: datetime
    opened: int = 0
    closed: int = 0
    by_stage: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_platform: dict[str, int] = field(default_factory=dict)
    by_department: dict[str, int] = field(default_factory=dict)
    by_staff_type: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)
    by_sanction: dict[str, int] = field(default_factory=dict)
    # Acceptable Use of Social Media Policy 2 and 3: reports routed to another procedure stay in the figures
    by_route: dict[str, int] = field(default_factory=dict)
    opened_per_month: dict[str, int] = field(default_factory=dict)
    outcomes_timed: int = 0
    median_working_days_to_outcome: float | None = None
    p90_working_days_to_outcome: float | None = None
    overdue: dict[str, int] = field(default_factory=dict)
    overdue_total: int = 0
    long_suspensions: list[LongSuspension] = field(default_factory=list)
    referrals: dict[str, dict[str, int]] = field(default_factory=dict)
    consistency: dict[str, dict[str, int]] = field(default_factory=dict)
    appeals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(APPEAL_FIGURES, 0))

    def as_json(self) -> dict:
        return {
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()},
            "generated_at": self.generated_at.isoformat(),
            "opened": self.opened,
            "closed": self.closed,
            "by_stage": self.by_stage,
            "by_kind": self.by_kind,
            "by_category": self.by_category,
            "by_platform": self.by_platform,
            "by_department": self.by_department,
            "by_staff_type": self.by_staff_type,
            "by_outcome": self.by_outcome,
            "by_sanction": self.by_sanction,
            "by_route": self.by_route,
            "opened_per_month": self.opened_per_month,
            "durations": {
                "outcomes_timed": self.outcomes_timed,
                "median_working_days_to_outcome": self.median_working_days_to_outcome,
                "p90_working_days_to_outcome": self.p90_working_days_to_outcome,
            },
            "overdue": {"total": self.overdue_total, "by_deadline": self.overdue},
            "long_suspensions": [
                {
                    "reference": s.reference,
                    "person": s.person,
                    "since": s.since.isoformat(),
                    "working_days": s.working_days,
                }
                for s in self.long_suspensions
            ],
            "referrals": self.referrals,
            "consistency": self.consistency,
            "appeals": self.appeals,
        }


def _add(counts: dict[str, int], key, count: int) -> None:
    key = str(key) if key is not None else "none"
    counts[key] = counts.get(key, 0) + count


def _counts(query) -> dict[str, int]:
    return {str(key) if key is not None else "none": count for key, count in db.session.execute(query).all()}


def _month(column):
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone("Europe/London", func.timezone("UTC", column)), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _utc_hour(column):
    """A stored UTC time to the hour, as text "YYYY-MM-DD HH"."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM-DD HH24")
    return func.strftime("%Y-%m-%d %H", column)


def _london_date(hour: str) -> date:
    """The London date of a UTC hour "YYYY-MM-DD HH".

    Since 1900 London has never been behind UTC nor more than two hours ahead (double summer time in the
    1940s), so an hour before 22:00 UTC falls on the same date in London.
    """
    if hour[11:13] < "22" and hour[0:4] >= "1900":
        return date.fromisoformat(hour[0:10])
    moment = datetime(int(hour[0:4]), int(hour[5:7]), int(hour[8:10]), int(hour[11:13]), tzinfo=UTC)
    return moment.astimezone(LONDON).date()


class WorkingDayIndex:
    """Working days between two dates in O(1), for a range of years."""

    def __init__(self, first: date, last: date, holidays):
        self.first = first
        self.index: dict[date, int] = {}
        count = 0
        day = first
        while day <= last:
            if is_working_day(day, holidays):
                count += 1
            self.index[day] = count
            day += timedelta(days=1)

    def between(self, start: date, end: date) -> int:
        if end <= start:
            return 0
        return self.index[end] - self.index[start]


def _counted_percentile(counts: Counter, fraction: float) -> float:
    """`_percentile` of the values `counts` holds, each as many times as counted, without listing them."""
    ordered = sorted(counts.items())
    total = sum(counts.values())
    position = (total - 1) * fraction
    lower = int(position)

    def value_at(place: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if place < seen:
                return value
        return ordered[-1][0]

    low, high = value_at(lower), value_at(min(lower + 1, total - 1))
    return round(low + (high - low) * (position - lower), 1)


def _percentile(values: list[int], fraction: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return round(ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower), 1)


def build_summary(period: Period, *, now: datetime | None = None) -> Summary:
    now = now or utcnow()
    summary = Summary(period=period, generated_at=now)
    in_period = and_(Case.created_at >= period.start_at, Case.created_at < period.end_at)

    # One scan of the period's cases gives the totals by stage, kind, platform and department
    departments = dict(db.session.execute(select(Department.id, Department.name)).all())
    for stage, kind, platform, department_id, count in db.session.execute(
        select(Case.stage, Case.kind, Case.platform, Case.department_id, func.count())
        .where(in_period)
        .group_by(Case.stage, Case.kind, Case.platform, Case.department_id)
    ).all():
        summary.opened += count
        _add(summary.by_stage, stage, count)
        _add(summary.by_kind, kind, count)
        _add(summary.by_platform, platform, count)
        _add(summary.by_department, departments.get(department_id, "No department"), count)
    summary.closed = (
        db.session.scalar(
            select(func.count())
            .select_from(Case)
            .where(Case.closed_at >= period.start_at, Case.closed_at < period.end_at)
        )
        or 0
    )
    summary.by_category = _counts(
        select(CaseCategory.category, func.count())
        .join(Case, Case.id == CaseCategory.case_id)
        .where(in_period)
        .group_by(CaseCategory.category)
    )
    summary.by_staff_type = _counts(
        select(User.staff_type, func.count(func.distinct(Case.id)))
        .select_from(Case)
        .join(case_subjects, case_subjects.c.case_id == Case.id)
        .join(User, User.id == case_subjects.c.user_id)
        .where(in_period)
        .group_by(User.staff_type)
    )
    # One walk of the period's standing outcomes gives the findings, the sanctions, (below) the times to an
    # outcome, and the category x sanction table of outcomes for everyone. Each time is to the hour (UTC),
    # turned into a London date once per distinct hour. One row per outcome, counted here: nearly every
    # outcome has an hour pair of its own, so grouping them in SQL would sort them all for almost nothing.
    # The outcomes for everyone come after them, one row per category and sanction with its count (a case has
    # each category once, the key of case_categories, so counting the join counts each outcome once in each of
    # its case's categories).
    standing = (
        select(
            Outcome.case_id,
            Outcome.subject_id,
            Outcome.finding,
            Outcome.sanction,
            _utc_hour(Case.created_at).label("reported"),
            _utc_hour(Outcome.decided_at).label("decided"),
        )
        .join(Case, Case.id == Outcome.case_id)
        .where(in_period, Outcome.superseded_at.is_(None))
        .cte("standing")
    )
    each = select(standing.c.finding, standing.c.sanction, standing.c.reported, standing.c.decided, null())
    for_everyone = (
        select(CaseCategory.category, standing.c.sanction, null(), null(), func.count())
        .select_from(standing)
        .join(CaseCategory, CaseCategory.case_id == standing.c.case_id)
        .where(standing.c.subject_id.is_(None))
        .group_by(CaseCategory.category, standing.c.sanction)
    )
    pairs: Counter[tuple] = Counter()
    results: Counter[tuple] = Counter()
    everyone: list[tuple] = []
    for first, sanction, reported, decided, count in db.session.execute(union_all(each, for_everyone)).all():
        if count is None:
            results[first, sanction] += 1
            pairs[reported, decided] += 1
        else:
            everyone.append((first, sanction, count))
    summary.consistency = _consistency(in_period, everyone)
    # in the order of (finding, sanction), as the rows grouped by them came
    for (finding, sanction), count in sorted(results.items()):
        _add(summary.by_outcome, finding, count)
        _add(summary.by_sanction, sanction, count)
    summary.by_route = _counts(
        select(Case.route, func.count()).where(in_period, Case.route.is_not(None)).group_by(Case.route)
    )
    month = _month(Case.created_at)
    summary.opened_per_month = dict(
        sorted(_counts(select(month, func.count()).where(in_period).group_by(month)).items())
    )

    if pairs:
        london = {hour: _london_date(hour) for hour in {hour for pair in pairs for hour in pair}}
        first, last = min(london.values()), max(london.values())
        index = WorkingDayIndex(first, last, bank_holidays())
        durations: Counter[int] = Counter()
        for (reported, decided), count in pairs.items():
            durations[index.between(london[reported], london[decided])] += count
        summary.outcomes_timed = sum(durations.values())
        summary.median_working_days_to_outcome = float(_counted_percentile(durations, 0.5))
        summary.p90_working_days_to_outcome = _counted_percentile(durations, 0.9)

    summary.overdue = _counts(
        select(Case.next_deadline_label, func.count())
        .where(Case.stage != Stage.CLOSED, Case.next_deadline_at < now)
        .group_by(Case.next_deadline_label)
    )
    summary.overdue_total = sum(summary.overdue.values())

    today = now.astimezone(LONDON).date()
    threshold_day = _working_days_before(today, 20)
    threshold = datetime.combine(threshold_day, time.min, tzinfo=LONDON).astimezone(UTC)
    index = None
    rows = db.session.execute(
        select(Case.reference, User.name, Suspension.started_at)
        .join(Case, Case.id == Suspension.case_id)
        .join(User, User.id == Suspension.subject_id)
        .where(Suspension.lifted_at.is_(None), Suspension.started_at < threshold)
        .order_by(Suspension.started_at)
        .limit(200)
    ).all()
    if rows:
        index = WorkingDayIndex(min(r.started_at for r in rows).astimezone(LONDON).date(), today, bank_holidays())
    summary.long_suspensions = [
        LongSuspension(r.reference, r.name, r.started_at, index.between(r.started_at.astimezone(LONDON).date(), today))
        for r in rows
    ]

    for agency, status, count in db.session.execute(
        select(Referral.agency, Referral.status, func.count())
        .join(Case, Case.id == Referral.case_id)
        .where(in_period)
        .group_by(Referral.agency, Referral.status)
    ).all():
        summary.referrals.setdefault(agency, {})[status] = count

    summary.appeals = _appeals(period)
    return summary


def _consistency(in_period, for_everyone: list[tuple]) -> dict[str, dict[str, int]]:
    """Category × sanction over final outcomes: the outcome that stands for each person (an appeal's varied
    outcome in place of the original), under the categories of that person's allegations. An outcome from
    before outcomes were per person counts under the case's categories: `for_everyone` holds those, as
    (category, sanction, outcomes)."""
    table: dict[str, dict[str, int]] = {}
    per_person = (
        select(Allegation.category, Outcome.sanction, func.count(func.distinct(Outcome.id)))
        .select_from(Outcome)
        .join(Case, Case.id == Outcome.case_id)
        .join(
            Allegation,
            (Allegation.case_id == Outcome.case_id)
            & (Allegation.subject_id == Outcome.subject_id)
            & Allegation.removed_at.is_(None),
        )
        .where(in_period, Outcome.superseded_at.is_(None), Outcome.subject_id.is_not(None))
        .group_by(Allegation.category, Outcome.sanction)
    )
    for rows in (db.session.execute(per_person).all(), for_everyone):
        for category, sanction, count in rows:
            row = table.setdefault(category, {})
            row[sanction] = row.get(sanction, 0) + int(count)
    return table


def _appeals(period: Period) -> dict[str, int]:
    """Appeals lodged in the period, and those decided in it by result (upheld, varied, overturned)."""
    figures = dict.fromkeys(APPEAL_FIGURES, 0)
    figures["lodged"] = (
        db.session.scalar(
            select(func.count())
            .select_from(Appeal)
            .where(Appeal.lodged_at >= period.start_at, Appeal.lodged_at < period.end_at)
        )
        or 0
    )
    for result, count in db.session.execute(
        select(Appeal.result, func.count())
        .where(Appeal.decided_at >= period.start_at, Appeal.decided_at < period.end_at, Appeal.result.is_not(None))
        .group_by(Appeal.result)
    ).all():
        if result in figures:
            figures[result] = count
    return figures


def _working_days_before(day: date, days: int) -> date:
    """The date `days` working days before `day`."""
    holidays = bank_holidays()
    current = day
    remaining = days
    while remaining > 0:
        current -= timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def _label(mapping):
    return lambda code: mapping.get(code, code)


def labels() -> dict:
    from ..domain import policy

    return {
        "stage": _label(policy.STAGE_LABELS),
        "kind": _label({"breach": "Breach", "abuse": "Abuse"}),
        "category": policy.category_label,
        "platform": _label(policy.PLATFORMS),
        "department": str,
        "staff_type": _label(policy.STAFF_TYPE_LABELS),
        "outcome": _label(policy.FINDINGS),
        "sanction": _label(policy.SANCTIONS),
        "agency": _label(policy.AGENCIES),
        "referral_status": _label(policy.REFERRAL_STATUSES),
        "route": _label(ROUTE_LABELS),
    }


def summary_pdf(summary: Summary, actor: User, council: str) -> bytes:
    from ..reports.common import Imprint
    from ..reports.summary_report import build_pdf_report

    return build_pdf_report(summary.as_json(), labels(), Imprint(council, actor.name, summary.generated_at))


def summary_csv(summary: Summary) -> bytes:
    from ..reports.summary_report import build_csv

    return build_csv(summary.as_json(), labels())


def summary_charts(summary: Summary) -> list[dict]:
    """The summary's charts as inline SVG with a text alternative, for the page."""
    from ..reports.summary_report import ranked

    names = labels()
    specs = [
        ("chart-category", "Cases by category", ranked(summary.by_category, names["category"]), "h"),
        ("chart-platform", "Cases by platform", ranked(summary.by_platform, names["platform"]), "h"),
        ("chart-month", "Cases opened per month", list(summary.opened_per_month.items()), "v"),
    ]
    return [
        {"id": prefix, "title": title, "items": items, "svg": chart_svg(prefix, title, tuple(items), shape)}
        for prefix, title, items, shape in specs
    ]


@lru_cache(maxsize=64)
def chart_svg(prefix: str, title: str, items: tuple, shape: str) -> str:
    """One chart of (label, count) bars as SVG: drawn once for the same figures (drawing the summary's three
    took ~140 ms a request). It holds the counts the page shows beside it and nothing else."""
    from ..reports import charts

    drawing = charts.horizontal_bars(title, list(items)) if shape == "h" else charts.vertical_bars(title, list(items))
    description = "; ".join(f"{label}: {count}" for label, count in items) or "No cases"
    return charts.to_svg(drawing, title=title, description=description, prefix=prefix)
