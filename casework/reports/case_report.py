"""The case report: everything about one case for a panel, a tribunal or an auditor."""

from dataclasses import dataclass, field
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from .common import Imprint, build_pdf, grid_table, key_value_table, london, para


@dataclass(frozen=True)
class EventRow:
    seq: int
    at: datetime
    actor: str
    action: str
    stage: str
    details: str
    hash: str


@dataclass(frozen=True)
class EvidenceRow:
    name: str
    kind: str
    size: str
    sha256: str
    added: str


@dataclass(frozen=True)
class SuspensionRow:
    person: str
    accounts: str
    started: str
    reason: str
    status: str


@dataclass(frozen=True)
class ReferralRow:
    agency: str
    reason: str
    agency_reference: str
    status: str
    result: str
    referred: str


@dataclass(frozen=True)
class NoteRow:
    kind: str
    author: str
    at: str
    text: str


@dataclass
class CaseReportData:
    reference: str
    kind: str
    stage: str
    source: str
    categories: list[str]
    platform: str
    content_url: str
    incident_date: date | None
    reported_at: datetime
    description: str
    flags: list[str]
    severity: str
    subjects: list[str]
    reporter: str
    complainant: str
    owner: str
    investigator: str
    version: int
    chain_head: str
    events: list[EventRow] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)
    suspensions: list[SuspensionRow] = field(default_factory=list)
    outcome: list[tuple[str, str]] = field(default_factory=list)
    referrals: list[ReferralRow] = field(default_factory=list)
    notes: list[NoteRow] = field(default_factory=list)


def _fit(value: str, limit: int) -> str:
    """Short cell text on up to two lines, broken at a space."""
    value = value or ""
    if len(value) <= limit:
        return value
    cut = value.rfind(" ", 0, limit)
    first, rest = (value[:cut], value[cut + 1 :]) if cut > 0 else (value[:limit], value[limit:])
    return first + "\n" + (rest if len(rest) <= limit else rest[: limit - 1] + "…")


def build(data: CaseReportData, imprint: Imprint, *, seal: str = "") -> bytes:
    """The case report as PDF bytes (not yet sealed: see casework.services.exports)."""
    story = [
        para(f"Case report {data.reference}", "title"),
        para(f"{data.kind} · stage: {data.stage} · case version {data.version}", "small"),
        Spacer(1, 4 * mm),
        para("Details", "h2"),
        key_value_table(
            [
                ("Reference", data.reference),
                ("Kind", data.kind),
                ("Stage", data.stage),
                ("Source", data.source),
                ("Categories", "; ".join(data.categories)),
                ("Platform", data.platform),
                ("Web address", data.content_url or "Not given"),
                ("Date of incident", data.incident_date.strftime("%d %B %Y") if data.incident_date else "Not given"),
                ("Reported", london(data.reported_at)),
                ("Severity", data.severity),
                ("Flags", "; ".join(data.flags) or "None"),
            ]
        ),
        para("What was reported", "h2"),
        para(data.description),
        para("Parties", "h2"),
        key_value_table(
            [
                ("About", "; ".join(data.subjects) or "None named"),
                ("Reported by", data.reporter),
                ("Complainant", data.complainant or "None"),
                ("Owner", data.owner or "Not assigned"),
                ("Investigator", data.investigator or "Not assigned"),
            ]
        ),
    ]
    if data.suspensions:
        story += [
            para("Suspensions of publishing rights", "h2"),
            grid_table(
                ["Person", "Accounts", "From", "Reason", "Status"],
                [[s.person, s.accounts, s.started, s.reason, s.status] for s in data.suspensions],
                [32 * mm, 32 * mm, 24 * mm, 50 * mm, 36 * mm],
            ),
        ]
    story += [para("Evidence", "h2")]
    if data.evidence:
        story.append(
            grid_table(
                ["Item", "Type", "Size", "SHA-256", "Added"],
                [[e.name, e.kind, e.size, e.sha256, e.added] for e in data.evidence],
                [40 * mm, 22 * mm, 16 * mm, 58 * mm, 38 * mm],
            )
        )
    else:
        story.append(para("No evidence recorded."))
    if data.notes:
        story.append(para("Notes, interviews and support", "h2"))
        for note in data.notes:
            story.append(
                KeepTogether(
                    [para(f"{note.kind} – {note.author}, {note.at}", "cell_bold"), para(note.text), Spacer(1, 2 * mm)]
                )
            )
    story.append(para("Outcome", "h2"))
    story.append(key_value_table(data.outcome) if data.outcome else para("No outcome recorded."))
    if data.referrals:
        story += [
            para("Referrals", "h2"),
            grid_table(
                ["Agency", "Reason", "Their reference", "Status", "Result", "Referred"],
                [[r.agency, r.reason, r.agency_reference, r.status, r.result, r.referred] for r in data.referrals],
                [26 * mm, 42 * mm, 24 * mm, 22 * mm, 34 * mm, 26 * mm],
            ),
        ]
    story += [
        para("Chronology", "h2"),
        para("From the case's audit trail, oldest first. Times are UK time.", "small"),
        Spacer(1, 2 * mm),
        grid_table(
            ["#", "When", "Who", "What", "Stage", "Details"],
            [
                [
                    str(e.seq),
                    london(e.at, "%d %b %Y\n%H:%M"),
                    _fit(e.actor, 22),
                    _fit(e.action, 22),
                    _fit(e.stage, 16),
                    e.details,
                ]
                for e in data.events
            ],
            [10 * mm, 25 * mm, 30 * mm, 31 * mm, 22 * mm, 56 * mm],
            plain_columns=(0, 1, 2, 3, 4),
        ),
        Spacer(1, 4 * mm),
        para("Integrity", "h2"),
        para(f"Audit-chain head: {data.chain_head}", "small"),
        para(
            f"Case version at export: {data.version}. This document carries a keyed digest of its contents; "
            "check it with: flask --app app casework verify-report FILE",
            "small",
        ),
    ]
    return build_pdf(
        story,
        title=f"Case report {data.reference}",
        imprint=imprint,
        subject=f"Casework case report {data.reference}",
        keywords=seal or "OFFICIAL-SENSITIVE",
    )
