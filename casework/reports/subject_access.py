"""The readable half of a subject access export: what Casework holds about one person."""

from dataclasses import dataclass, field

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from .common import STYLES, Imprint, build_pdf, grid_table, key_value_table, para, text

HEADING = ParagraphStyle("sar_heading", parent=STYLES["h2"], keepWithNext=1)


@dataclass(frozen=True)
class CaseBlock:
    reference: str
    rows: list[tuple[str, str]]


@dataclass
class SubjectAccessData:
    person_name: str
    person: list[tuple[str, str]]
    withheld: int
    withheld_reason: str
    disclosure_note: str
    cases: list[CaseBlock] = field(default_factory=list)
    outcomes: list[CaseBlock] = field(default_factory=list)
    allegations: list[list[str]] = field(default_factory=list)
    hearings: list[list[str]] = field(default_factory=list)
    appeals: list[list[str]] = field(default_factory=list)
    suspensions: list[list[str]] = field(default_factory=list)
    letters: list[list[str]] = field(default_factory=list)
    notes: list[list[str]] = field(default_factory=list)
    rights: list[list[str]] = field(default_factory=list)
    training: list[list[str]] = field(default_factory=list)
    access: list[list[str]] = field(default_factory=list)


def heading(title: str) -> Paragraph:
    """A section heading that never sits alone at the foot of a page."""
    return Paragraph(text(title), HEADING)


def _section(title: str, rows: list, header: list[str], widths: list, empty: str) -> list:
    story = [heading(title)]
    story.append(grid_table(header, rows, [w * mm for w in widths]) if rows else para(empty))
    return story


def build(data: SubjectAccessData, imprint: Imprint) -> bytes:
    """The export as PDF bytes, marked OFFICIAL-SENSITIVE on every page."""
    story = [
        para(f"Subject access export: {data.person_name}", "title"),
        para(
            "Everything Casework holds about this person, for a subject access request under UK GDPR Article 15. "
            "Times are UK time. The same data, machine-readable, is in subject-access.json.",
            "small",
        ),
        Spacer(1, 4 * mm),
    ]
    if data.withheld:
        story += [
            heading("Cases left out of this export"),
            para(f"{data.withheld} case(s) held about this person are not in this export. {data.withheld_reason}"),
        ]
    story += [heading("The person"), key_value_table(data.person)]
    story += [heading(f"Cases ({len(data.cases)})")]
    if not data.cases:
        story.append(para("This person is not the subject, reporter, owner or investigator of any case shown here."))
    for case in data.cases:
        story.append(KeepTogether([para(case.reference, "cell_bold"), Spacer(1, 1 * mm), key_value_table(case.rows)]))
        story.append(Spacer(1, 3 * mm))
    story += _section(
        "Allegations against this person",
        data.allegations,
        ["Case", "Category", "What is alleged", "Finding"],
        [31, 40, 73, 30],
        "None.",
    )
    story += _section(
        "Hearings this person was invited to",
        data.hearings,
        ["Case", "Hearing officer", "When", "Record"],
        [31, 32, 45, 66],
        "None.",
    )
    story.append(heading("Outcomes about this person"))
    if not data.outcomes:
        story.append(para("No outcome has been recorded about this person."))
    for outcome in data.outcomes:
        story.append(
            KeepTogether([para(outcome.reference, "cell_bold"), Spacer(1, 1 * mm), key_value_table(outcome.rows)])
        )
        story.append(Spacer(1, 3 * mm))
    story += _section(
        "Appeals by this person",
        data.appeals,
        ["Case", "Against", "Grounds", "Heard by", "Result"],
        [31, 28, 45, 32, 38],
        "None.",
    )
    story += _section(
        "Suspensions of publishing rights",
        data.suspensions,
        ["Case", "Accounts", "From", "Reason", "Status"],
        [31, 32, 24, 47, 40],
        "None.",
    )
    story += _section(
        "Letters sent to this person",
        data.letters,
        ["Case", "Letter", "Produced", "By", "SHA-256"],
        [31, 38, 33, 26, 46],
        "None.",
    )
    story += _section(
        "Notes this person wrote", data.notes, ["Case", "Kind", "When", "Text"], [31, 24, 33, 86], "None."
    )
    story += _section(
        "Rights to publish on council accounts",
        data.rights,
        ["Account", "Trained on", "Granted by", "Status"],
        [70, 30, 44, 30],
        "None.",
    )
    story += _section(
        "Social media training by the Communications team",
        data.training,
        ["Trained on", "Refresher due", "Recorded by", "Note"],
        [30, 30, 44, 70],
        "None.",
    )
    story += _section(
        "What this person opened, downloaded or exported",
        data.access,
        ["When", "Action", "Case", "Detail"],
        [33, 20, 31, 90],
        "Nothing recorded.",
    )
    story += [heading("About this export"), para(data.disclosure_note, "small")]
    return build_pdf(
        story,
        title=f"Subject access export: {data.person_name}",
        imprint=imprint,
        subject="Casework subject access export",
        keywords="OFFICIAL-SENSITIVE",
    )
