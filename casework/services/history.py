"""What the person deciding an outcome must see: the subject's warnings and
the sanctions given in similar past cases (Acceptable Use of Social Media Policy 9:
like misconduct gets like outcomes)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..models import Case, CaseCategory, Outcome, case_subjects
from .deadlines import london_today

WARNING_SANCTIONS = ("first_written_warning", "final_written_warning")


@dataclass(frozen=True)
class WarningOnRecord:
    reference: str
    subject_name: str
    sanction: str
    decided_on: date
    live_until: date | None
    live: bool


def subject_warnings(case: Case, today: date | None = None) -> list[WarningOnRecord]:
    """Written warnings given to this case's subjects in other cases, live ones first."""
    today = today or london_today()
    subject_ids = [s.id for s in case.subjects]
    if not subject_ids:
        return []
    names = {s.id: s.name for s in case.subjects}
    rows = db.session.execute(
        select(Case.reference, case_subjects.c.user_id, Outcome.sanction, Outcome.decided_at, Outcome.live_until)
        .join(Outcome, Outcome.case_id == Case.id)
        .join(case_subjects, case_subjects.c.case_id == Case.id)
        .where(
            case_subjects.c.user_id.in_(subject_ids),
            Case.id != case.id,
            Outcome.sanction.in_(WARNING_SANCTIONS),
            Outcome.superseded_at.is_(None),
        )
        .order_by(Outcome.decided_at.desc())
    ).all()
    found = [
        WarningOnRecord(
            r.reference,
            names[r.user_id],
            r.sanction,
            r.decided_at.date(),
            r.live_until,
            r.live_until is not None and r.live_until >= today,
        )
        for r in rows
    ]
    return sorted(found, key=lambda w: (not w.live, w.decided_on), reverse=False)


def similar_sanctions(case: Case) -> dict[str, dict[str, int]]:
    """For each category of this case: how many past outcomes gave each sanction."""
    categories = case.categories
    if not categories:
        return {}
    rows = db.session.execute(
        select(CaseCategory.category, Outcome.sanction, func.count())
        .join(Outcome, (Outcome.case_id == CaseCategory.case_id) & Outcome.superseded_at.is_(None))
        .join(Case, Case.id == CaseCategory.case_id)
        .where(CaseCategory.category.in_(categories), Case.id != case.id, Case.kind == case.kind)
        .group_by(CaseCategory.category, Outcome.sanction)
    ).all()
    table: dict[str, dict[str, int]] = {c: {} for c in categories}
    for category, sanction, count in rows:
        table[category][sanction] = count
    return table
