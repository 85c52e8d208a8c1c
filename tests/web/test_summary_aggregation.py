"""The HR summary's outcome figures, durations and category x sanction table, as read now (one row per outcome,
outcomes for everyone counted by case before their categories), against the statements they replaced, on
varied data: several categories a case, outcomes for one person and for everyone, superseded outcomes, times
either side of the clock changes and cases outside the period."""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, select

from casework.domain import policy
from casework.extensions import db
from casework.models import Case, CaseCategory, Outcome
from casework.models_process import Allegation
from casework.services import summary as summary_service
from casework.services.deadlines import LONDON
from casework.services.summary import Period, WorkingDayIndex, build_summary


def _old_outcome_figures(in_period):
    """The grouped statement the summary used: findings, sanctions and (reported, decided) hour pairs."""
    reported_hour = summary_service._utc_hour(Case.created_at)
    decided_hour = summary_service._utc_hour(Outcome.decided_at)
    by_outcome, by_sanction, pairs = {}, {}, Counter()
    for finding, sanction, reported, decided, count in db.session.execute(
        select(Outcome.finding, Outcome.sanction, reported_hour, decided_hour, func.count())
        .join(Case, Case.id == Outcome.case_id)
        .where(in_period, Outcome.superseded_at.is_(None))
        .group_by(Outcome.finding, Outcome.sanction, reported_hour, decided_hour)
        .order_by(Outcome.finding, Outcome.sanction)
    ).all():
        summary_service._add(by_outcome, finding, count)
        summary_service._add(by_sanction, sanction, count)
        pairs[(reported, decided)] += count
    return by_outcome, by_sanction, pairs


def _old_consistency(in_period):
    table = {}
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
    for_everyone = (
        select(CaseCategory.category, Outcome.sanction, func.count(func.distinct(Outcome.id)))
        .select_from(Outcome)
        .join(Case, Case.id == Outcome.case_id)
        .join(CaseCategory, CaseCategory.case_id == Outcome.case_id)
        .where(in_period, Outcome.superseded_at.is_(None), Outcome.subject_id.is_(None))
        .group_by(CaseCategory.category, Outcome.sanction)
    )
    for query in (per_person, for_everyone):
        for category, sanction, count in db.session.execute(query).all():
            row = table.setdefault(category, {})
            row[sanction] = row.get(sanction, 0) + count
    return table


def test_outcome_figures_and_consistency_match_the_grouped_statements(app, make_department, make_user, make_case):
    rng = random.Random(11)
    housing = make_department("Housing")
    hr = make_user("hr")
    people = [make_user(department=housing, password=None) for _ in range(3)]
    reporter = make_user(department=housing)
    categories = sorted(policy.BREACH_CATEGORIES)
    findings, sanctions = sorted(policy.FINDINGS), sorted(policy.SANCTIONS)
    period = Period(datetime(2025, 1, 1).date(), datetime(2025, 12, 31).date())
    outcomes = 0
    for n in range(40):
        subjects = rng.sample(people, rng.randint(1, 2))
        case = make_case(reporter, subjects=subjects, categories=rng.sample(categories, rng.randint(1, 3)))
        # mostly in the period (2025), some before and after; hours near the clock changes of 2025
        case.created_at = rng.choice(
            [
                datetime(2025, 3, 30, 0, 30, tzinfo=UTC),
                datetime(2025, 3, 30, 1, 30, tzinfo=UTC),
                datetime(2025, 10, 25, 23, 30, tzinfo=UTC),
                datetime(2024, 12, 31, 23, 30, tzinfo=UTC),
                datetime(2025, 12, 31, 23, 59, tzinfo=UTC),
            ]
            + [datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randint(0, 364 * 24)) for _ in range(6)]
        )
        for subject in subjects:
            db.session.add(
                Allegation(case_id=case.id, subject_id=subject.id, category=rng.choice(categories), text="Posted")
            )
        for _ in range(rng.randint(0, 4)):
            subject = rng.choice([None, None, *subjects])
            db.session.add(
                Outcome(
                    case_id=case.id,
                    finding=rng.choice(findings),
                    sanction=rng.choice(sanctions),
                    content_removed=False,
                    summary="Decided",
                    decided_by_id=hr.id,
                    decided_at=case.created_at + timedelta(hours=rng.randint(0, 24 * 80)),
                    subject_id=subject.id if subject else None,
                    superseded_at=rng.choice([None, None, None, case.created_at + timedelta(days=90)]),
                )
            )
            outcomes += 1
    db.session.flush()
    assert outcomes > 60

    summary = build_summary(period)
    in_period = and_(Case.created_at >= period.start_at, Case.created_at < period.end_at)
    by_outcome, by_sanction, pairs = _old_outcome_figures(in_period)
    assert list(summary.by_outcome.items()) == list(by_outcome.items())
    assert list(summary.by_sanction.items()) == list(by_sanction.items())
    assert summary.consistency == _old_consistency(in_period)
    assert any(len(row) > 1 for row in summary.consistency.values())

    london = {hour: summary_service._london_date(hour) for pair in pairs for hour in pair}
    index = WorkingDayIndex(min(london.values()), max(london.values()), summary_service.bank_holidays())
    durations = Counter()
    for (reported, decided), count in pairs.items():
        durations[index.between(london[reported], london[decided])] += count
    assert summary.outcomes_timed == sum(durations.values()) > 20
    assert summary.median_working_days_to_outcome == float(summary_service._counted_percentile(durations, 0.5))
    assert summary.p90_working_days_to_outcome == summary_service._counted_percentile(durations, 0.9)


def test_london_dates_of_utc_hours_match_the_full_conversion():
    hours = []
    for start, end in (
        (datetime(1899, 12, 30, tzinfo=UTC), datetime(1900, 1, 3, tzinfo=UTC)),
        (datetime(1940, 1, 1, tzinfo=UTC), datetime(1948, 1, 1, tzinfo=UTC)),
        (datetime(2024, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)),
    ):
        moment = start
        while moment < end:
            hours.append(moment)
            moment += timedelta(hours=1)
    for moment in hours:
        assert summary_service._london_date(moment.strftime("%Y-%m-%d %H")) == moment.astimezone(LONDON).date()
