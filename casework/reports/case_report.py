"""The case report: everything about one case for a panel, a tribunal or an auditor."""

from dataclasses import dataclass, field
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from .common import Imprint, PageMark, build_pdf, fit_lines, grid_table, key_value_table, london, para

# The chronology's columns (174 mm across), and the room for text in each (reportlab pads a cell 6 points a side)
CHRONOLOGY_WIDTHS = [9 * mm, 22 * mm, 27 * mm, 28 * mm, 25 * mm, 63 * mm]
CELL_PADDING = 12
# When the integrity note would stand alone on the last page, this many chronology rows go over with it
ROWS_WITH_NOTE = 3


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


@dataclass(frozen=True)
class Record:
    """One thing of the fair process (an allegation, a hearing, an appeal…): a heading and its details."""

    heading: str
    rows: list[tuple[str, str]]


@dataclass(frozen=True)
class ReportSection:
    title: str
    records: list[Record]
    intro: str = ""


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
    # The fair process: allegations, investigation report, HR advice, hearings (before the outcome);
    # outcomes per person, appeals, overrides and conflicts (after it)
    process_before_outcome: list[ReportSection] = field(default_factory=list)
    process_after_outcome: list[ReportSection] = field(default_factory=list)
    # Acceptable Use of Social Media Policy 2 and 3: where a routed report went and why, as (label, text)
    routing: list[tuple[str, str]] = field(default_factory=list)


def _chronology_rows(events: list[EventRow]) -> list[list[str]]:
    room = [width - CELL_PADDING for width in CHRONOLOGY_WIDTHS]
    return [
        [
            fit_lines(str(e.seq), room[0]),
            london(e.at, "%d %b %Y\n%H:%M"),
            fit_lines(e.actor, room[2]),
            fit_lines(e.action, room[3]),
            fit_lines(e.stage, room[4]),
            e.details,
        ]
        for e in events
    ]


def _chronology_table(rows: list[list[str]]):
    return grid_table(
        ["#", "When", "Who", "What", "Stage", "Details"], rows, CHRONOLOGY_WIDTHS, plain_columns=(0, 1, 2, 3, 4)
    )


def _sections(sections: list[ReportSection]) -> list:
    story: list = []
    for section in sections:
        story.append(para(section.title, "h2"))
        if section.intro:
            story.append(para(section.intro, "intro"))
        for record in section.records:
            heading = [para(record.heading, "cell_bold")] if record.heading else []
            story.append(KeepTogether([*heading, key_value_table(record.rows), Spacer(1, 3 * mm)]))
    return story


def build(data: CaseReportData, imprint: Imprint, *, seal: str = "") -> bytes:
    """The case report as PDF bytes (not yet sealed: see casework.services.exports).

    The integrity note ends the report. Where it would stand alone on a last
    page, the last few rows of the chronology go over with it.
    """
    pages: dict[str, int] = {}
    pdf = _build(data, imprint, seal, pages, rows_with_note=0)
    if len(data.events) > ROWS_WITH_NOTE and pages.get("note", 0) > pages.get("chronology", 0):
        pdf = _build(data, imprint, seal, {}, rows_with_note=ROWS_WITH_NOTE)
    return pdf


def _build(data: CaseReportData, imprint: Imprint, seal: str, pages: dict, *, rows_with_note: int) -> bytes:
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
        *([para("Scope and routing", "h2"), key_value_table(data.routing)] if data.routing else []),
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
    story += _sections(data.process_before_outcome)
    story.append(para("Outcome", "h2"))
    story.append(key_value_table(data.outcome) if data.outcome else para("No outcome recorded."))
    story += _sections(data.process_after_outcome)
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
        para("From the case's audit trail, oldest first. Times are UK time.", "intro"),
    ]
    rows = _chronology_rows(data.events)
    split = len(rows) - rows_with_note if rows_with_note else len(rows)
    if split:
        story.append(_chronology_table(rows[:split]))
    story.append(PageMark(pages, "chronology"))
    note = [
        para("Integrity", "h2"),
        para(f"Audit-chain head: {data.chain_head}", "small"),
        para(
            f"Case version at export: {data.version}. This document carries a keyed digest of its contents; "
            "check it with: flask --app app casework verify-report FILE",
            "small",
        ),
        PageMark(pages, "note"),
    ]
    if split < len(rows):
        note = [_chronology_table(rows[split:]), Spacer(1, 4 * mm), *note]
    else:
        note = [Spacer(1, 4 * mm), *note]
    story.append(KeepTogether(note))
    return build_pdf(
        story,
        title=f"Case report {data.reference}",
        imprint=imprint,
        subject=f"{data.kind}: the case report of {data.reference} at version {data.version} (OFFICIAL-SENSITIVE)",
        keywords=seal or "OFFICIAL-SENSITIVE",
    )
