"""A person's record for HR (issue 12, item 4): `/people/<id>`.

Every case the person is a subject of, reported, owns or investigates, of
those HR may see (HR never sees a case in which they are a subject); their
written warnings, live and spent; their rights to publish and the
suspensions of them; and whether they are a repeat subject. The search
behind the subject pickers (`search_people`) answers any signed-in person,
with names, e-mail addresses and departments only.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..domain.policy import Role
from ..extensions import db
from ..models import Case, Outcome, PublishingRight, Suspension, User, case_subjects
from .deadlines import london_today
from .errors import NotFound
from .history import WARNING_SANCTIONS
from .visibility import full_view_filter

ROLES_IN_CASES = ("subject", "reporter", "owner", "investigator")
REPEAT_SUBJECT_CASES = 2
SEARCH_LIMIT = 10


def may_see_records(user: User) -> bool:
    return user.role == Role.HR


@dataclass
class Warning:
    reference: str
    sanction: str
    decided_on: date
    live_until: date | None
    live: bool


@dataclass
class PersonRecord:
    person: User
    cases: dict[str, list[Case]] = field(default_factory=dict)  # role → cases
    warnings: list[Warning] = field(default_factory=list)
    rights: list[PublishingRight] = field(default_factory=list)
    suspensions: list[Suspension] = field(default_factory=list)
    hidden_cases: int = 0  # cases about them that this HR officer may not see (they are a subject too)

    @property
    def repeat_subject(self) -> bool:
        return len(self.cases.get("subject", [])) >= REPEAT_SUBJECT_CASES


def person_record(viewer: User, person_id: int, today: date | None = None) -> PersonRecord:
    """Everything HR may see about one person; NotFound for anyone else, or no such person."""
    if not may_see_records(viewer):
        raise NotFound("No such page")
    person = db.session.get(User, person_id)
    if person is None:
        raise NotFound("No such person")
    today = today or london_today()
    visible = full_view_filter(viewer)
    as_subject = select(case_subjects.c.case_id).where(case_subjects.c.user_id == person.id)
    conditions = {
        "subject": Case.id.in_(as_subject),
        "reporter": Case.reporter_id == person.id,
        "owner": Case.owner_id == person.id,
        "investigator": Case.investigator_id == person.id,
    }
    record = PersonRecord(person=person)
    for role, condition in conditions.items():
        record.cases[role] = list(
            db.session.scalars(
                select(Case)
                .where(condition, visible)
                .options(selectinload(Case.outcomes))
                .order_by(Case.created_at.desc(), Case.id.desc())
            ).all()
        )
    any_part = or_(*conditions.values())
    total = db.session.scalar(select(func.count()).select_from(Case).where(any_part)) or 0
    seen = db.session.scalar(select(func.count()).select_from(Case).where(any_part, visible)) or 0
    record.hidden_cases = total - seen
    rows = db.session.execute(
        select(Case.reference, Outcome.sanction, Outcome.decided_at, Outcome.live_until)
        .join(Outcome, Outcome.case_id == Case.id)
        .where(
            Case.id.in_(as_subject), visible, Outcome.sanction.in_(WARNING_SANCTIONS), Outcome.superseded_at.is_(None)
        )
        .order_by(Outcome.decided_at.desc())
    ).all()
    record.warnings = sorted(
        (
            Warning(
                r.reference, r.sanction, r.decided_at.date(), r.live_until, bool(r.live_until and r.live_until >= today)
            )
            for r in rows
        ),
        key=lambda w: (not w.live, -w.decided_on.toordinal()),
    )
    record.rights = list(
        db.session.scalars(
            select(PublishingRight)
            .where(PublishingRight.user_id == person.id)
            .options(selectinload(PublishingRight.account))
            .order_by(PublishingRight.granted_at.desc())
        ).all()
    )
    record.suspensions = list(
        db.session.scalars(
            select(Suspension)
            .join(Case, Case.id == Suspension.case_id)
            .where(Suspension.subject_id == person.id, visible)
            .options(selectinload(Suspension.case), selectinload(Suspension.account))
            .order_by(Suspension.started_at.desc())
        ).all()
    )
    return record


def _escaped(text: str) -> str:
    return text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(text: str) -> str:
    return f"%{_escaped(text)}%"


def search_people(text: str, *, limit: int = SEARCH_LIMIT) -> list[User]:
    """People whose name, e-mail or employee number matches `text` (2 characters or more), best first.

    Leavers are included: the duty of confidentiality continues after
    employment ends (Social Networking Policy appendix A 13), so a leaver can
    still be the subject of a report."""
    text = (text or "").strip()[:100]
    if len(text) < 2:
        return []
    pattern = _like(text)
    lowered = text.lower()
    return list(
        db.session.scalars(
            select(User)
            .where(
                or_(
                    func.lower(User.name).like(pattern, escape="\\"),
                    User.email.like(pattern, escape="\\"),
                    func.lower(User.employee_number) == lowered,
                )
            )
            .options(selectinload(User.department))
            .order_by(
                User.active.desc(),
                func.lower(User.name).like(f"{_escaped(text)}%", escape="\\").desc(),
                User.name,
                User.email,
            )
            .limit(limit)
        ).all()
    )
