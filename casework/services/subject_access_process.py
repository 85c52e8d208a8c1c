"""The fair process in a subject access export (UK GDPR Article 15): the allegations made against the
person, every outcome about them (those superseded too), their appeals and the hearings they were
invited to, only where they are the person the case is about."""

from datetime import date, datetime

from ..domain.policy import APPEAL_RESULTS, FINDINGS, category_label, sanction_label
from ..models import Case, Outcome, User
from ..reports.common import london


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def outcomes_about(case: Case, person: User) -> list[Outcome]:
    """Every outcome about the person, earliest first: their own, or one for everyone in the case."""
    return [o for o in case.outcomes if o.subject_id in (person.id, None)]


def allegations(cases: list[Case], person: User) -> list[dict]:
    return [
        {
            "reference": c.reference,
            "category": a.category,
            "text": a.text,
            "finding": a.finding,
            "made_at": _iso(a.created_at),
            "removed_at": _iso(a.removed_at),
            "removed_reason": a.removed_reason,
        }
        for c in cases
        for a in c.allegation_rows
        if a.subject_id == person.id
    ]


def appeals(cases: list[Case], person: User) -> list[dict]:
    return [
        {
            "reference": c.reference,
            "against_sanction": a.outcome.sanction if a.outcome else None,
            "grounds": a.grounds,
            "appeal_officer": a.appeal_officer.name,
            "lodged_at": _iso(a.lodged_at),
            "late_reason": a.late_reason,
            "result": a.result,
            "reason": a.reason,
            "decided_at": _iso(a.decided_at),
        }
        for c in cases
        for a in c.appeals
        if a.subject_id == person.id
    ]


def hearings(cases: list[Case], person: User) -> list[dict]:
    return [
        {
            "reference": c.reference,
            "hearing_officer": h.hearing_officer.name if h.hearing_officer else None,
            "hearing_at": _iso(h.hearing_at),
            "postponed_from": _iso(h.first_hearing_at),
            "postponed_reason": h.postponed_reason,
            "held": h.held,
            "attended": h.attended,
            "companion": h.companion,
            "what_was_said": h.subject_statement,
        }
        for c in cases
        for h in c.hearings
        if person.id in (h.subject_ids or ())
    ]


def _when(value: str | None) -> str:
    return london(datetime.fromisoformat(value)) if value else ""


def allegation_rows(items: list[dict]) -> list[list[str]]:
    return [
        [
            a["reference"],
            category_label(a["category"]),
            a["text"] + (f" (withdrawn: {a['removed_reason'] or ''})" if a["removed_at"] else ""),
            FINDINGS.get(a["finding"], "Not yet found") if a["finding"] else "Not yet found",
        ]
        for a in items
    ]


def appeal_rows(items: list[dict]) -> list[list[str]]:
    return [
        [
            a["reference"],
            sanction_label(a["against_sanction"] or ""),
            a["grounds"],
            f"{a['appeal_officer']}, lodged {_when(a['lodged_at'])}",
            f"{APPEAL_RESULTS.get(a['result'], a['result'])}: {a['reason'] or ''} ({_when(a['decided_at'])})"
            if a["result"]
            else "Not yet decided",
        ]
        for a in items
    ]


def hearing_rows(items: list[dict]) -> list[list[str]]:
    rows = []
    for h in items:
        when = _when(h["hearing_at"])
        if h["postponed_from"]:
            when += f" (postponed from {_when(h['postponed_from'])}: {h['postponed_reason'] or ''})"
        record = "; ".join(
            f"{label}: {h[key]}"
            for label, key in (("Attended", "attended"), ("Companion", "companion"), ("Said", "what_was_said"))
            if h[key]
        )
        rows.append(
            [h["reference"], h["hearing_officer"] or "", when, ("Held. " if h["held"] else "Not yet held. ") + record]
        )
    return rows
