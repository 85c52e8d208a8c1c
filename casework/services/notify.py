"""In-app notices and e-mail, written in the same transaction as the change
that causes them (transactional outbox). `flask casework send-mail` sends."""

from ..extensions import db
from ..models import Case, Notification, OutboxEmail, User


def notify(
    people,
    case: Case | None,
    message: str,
    *,
    subject: str | None = None,
    exclude: User | None = None,
    dedup_key: str | None = None,
    footer: str = "Sign in to Casework to see the case.",
) -> list[User]:
    """Tell each active person once, in the app and by e-mail. Returns who was told.

    E-mails name the case reference only: case details stay inside Casework.
    """
    told: dict[int, User] = {}
    for person in people:
        if person is None or not person.active or person.id in told:
            continue
        if exclude is not None and person.id == exclude.id:
            continue
        told[person.id] = person
    for person in told.values():
        db.session.add(Notification(user_id=person.id, case_id=case.id if case else None, message=message))
        db.session.add(
            OutboxEmail(
                to_address=person.email,
                subject=subject or (f"Casework: {case.reference}" if case else "Casework"),
                body=f"{message}\n\n{footer}\n",
                case_id=case.id if case else None,
                dedup_key=f"{dedup_key}:{person.id}" if dedup_key else None,
            )
        )
    return list(told.values())


def notify_address(address: str, case: Case, message: str, *, dedup_key: str | None = None) -> None:
    """E-mail someone outside Casework (the Monitoring Officer, a school, the LADO) through the outbox.

    Like every Casework e-mail it names the case reference only: the report itself is passed on by HR.
    """
    db.session.add(
        OutboxEmail(
            to_address=address,
            subject=f"{case.reference}: a report for you from the council",
            body=f"{message}\n",
            case_id=case.id,
            dedup_key=dedup_key,
        )
    )
