"""The hearing bundle (issue 13, 4): one PDF for a hearing or an appeal.

A contents page, the allegations, the investigation report, the notes and interview records, the
hearing and appeal, the chronology, an index of the evidence, then every image and PDF evidence file
as pages. Every page is numbered "Page n of m" and marked OFFICIAL-SENSITIVE, the pages of evidence
PDFs included. The document is built by reportlab (with a page held for each evidence PDF page), then
pypdf lays the evidence pages on the pages held for them. The seal is written into a stream of its
own, where no writer escapes it.
"""

import io
import logging
from dataclasses import dataclass
from datetime import datetime

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from .bundle_evidence import EvidenceItem, image_pages, lay_pdf_page, pdf_page_size, unreadable
from .case_report import ReportSection
from .common import GREY, Imprint, PageMark, build_pdf, grid_table, key_value_table, london, para

logger = logging.getLogger(__name__)

SECTIONS = (
    ("allegations", "Allegations"),
    ("investigation", "Investigation report"),
    ("notes", "Notes and interview records"),
    ("hearing", "Hearing and appeal"),
    ("chronology", "Chronology"),
    ("evidence", "Evidence: index"),
)
CAPTION_ROOM = 15 * mm  # above an evidence page's content: what it is and its SHA-256
MOST_PASSES = 4


@dataclass(frozen=True)
class ChronologyRow:
    at: datetime
    actor: str
    label: str
    details: str


@dataclass
class BundleData:
    reference: str
    title: str  # Hearing bundle, Appeal bundle
    kind: str
    version: int
    chain_head: str
    purpose: list[tuple[str, str]]  # what the bundle is for: the hearing, the appeal
    allegations: ReportSection | None
    investigation: ReportSection | None
    hearing: list[ReportSection]
    outcome: list[tuple[str, str]]
    notes: list[tuple[str, str]]  # (who wrote what kind of note, when; its text), oldest first
    chronology: list[ChronologyRow]
    evidence: list[EvidenceItem]
    signing: str  # how the bundle is signed, or that it is not


class _EvidencePage(Flowable):
    """A whole page for (part of) an evidence file: its caption, then the file's content below it, framed.

    An image part is drawn here at the size given. For a PDF page the space is held: the page is scaled
    down to fit it (never up), and where it goes is noted in `holds` for pypdf to lay it there.
    """

    def __init__(self, caption: str, detail: str, size, marks: dict, key: str, *, image=None, holds=None):
        super().__init__()
        self.caption, self.detail, self.size, self.marks, self.key = caption, detail, size, marks, key
        self.image, self.holds = image, holds

    def wrap(self, available_width, available_height):
        self.width, self.height = available_width, available_height
        return available_width, available_height

    def draw(self):
        canvas = self.canv
        top = self.height
        for text_, style in ((self.caption, "cell_bold"), (self.detail, "small")):
            paragraph = para(text_, style)
            _, used = paragraph.wrap(self.width, top)
            paragraph.drawOn(canvas, 0, top - used)
            top -= used + 1
        box_height = self.height - CAPTION_ROOM
        content_width, content_height = self.size
        scale = 1.0 if self.image is not None else min(1.0, self.width / content_width, box_height / content_height)
        width, height = content_width * scale, content_height * scale
        left, bottom = (self.width - width) / 2, box_height - height
        if self.image is not None:
            canvas.drawImage(self.image, left, bottom, width, height)
        canvas.saveState()
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.4)
        canvas.rect(left, bottom, width, height, stroke=1, fill=0)
        canvas.restoreState()
        page = canvas.getPageNumber()
        self.marks.setdefault(self.key, page)
        self.marks[self.key + ":last"] = page
        if self.holds is not None:
            self.holds.append((page, canvas.absolutePosition(left, bottom), scale))


def _contents(data: BundleData, pages: dict) -> list:
    def at(key: str) -> str:
        first, last = pages.get(key), pages.get(key + ":last")
        if first is None:
            return ""
        return f"{first}–{last}" if last and last != first else str(first)

    rows = [[f"{number}. {title}", at(key)] for number, (key, title) in enumerate(SECTIONS, start=1)]
    for item in data.evidence:
        where = at(item.label) if item.shown else f"listed ({at('evidence')})"
        rows.append([f"\u00a0\u00a0\u00a0\u00a0{item.label}\u00a0\u00a0{item.name} – {item.kind}", where])
    story = [
        para(f"{data.title} – case {data.reference}", "title"),
        para(f"{data.kind} · case version {data.version} · OFFICIAL-SENSITIVE", "small"),
        Spacer(1, 4 * mm),
        key_value_table(data.purpose),
        para("Contents", "h2"),
        grid_table(["Section", "Page"], rows, [150 * mm, 24 * mm]),
        para("About this bundle", "h2"),
        para(
            "Every page is numbered and marked OFFICIAL-SENSITIVE. Image and PDF evidence files are shown as "
            "pages; every other file is listed in the evidence index with its SHA-256, which identifies the "
            "exact file kept by the council.",
            "small",
        ),
        Spacer(1, 2 * mm),
        para(
            "Casework sealed this bundle with a keyed digest of every byte: check it with "
            "flask --app app casework verify-report FILE.",
            "small",
        ),
        Spacer(1, 2 * mm),
        para(data.signing, "small"),
    ]
    return story


def _section(story: list, pages: dict, key: str, title: str, number: int, body: list) -> None:
    story += [PageBreak(), PageMark(pages, key), para(f"{number}. {title}", "title"), *body]


def _records(section: ReportSection | None, empty: str) -> list:
    if section is None:
        return [para(empty)]
    story: list = []
    if section.intro:
        story.append(para(section.intro, "intro"))
    for record in section.records:
        heading = [para(record.heading, "cell_bold")] if record.heading else []
        story.append(KeepTogether([*heading, key_value_table(record.rows), Spacer(1, 3 * mm)]))
    return story


def _evidence_index(data: BundleData, pages: dict) -> list:
    if not data.evidence:
        return [para("No evidence is recorded on this case.")]
    rows = []
    for item in data.evidence:
        what = item.name
        if item.description:
            what += f"\n{item.description}"
        if item.source_url and item.placement != "link":
            what += f"\nFrom {item.source_url}"
        what += f"\nAdded by {item.added}"
        if item.shown:
            where = f"Pages {pages.get(item.label, '')}–{pages.get(item.label + ':last', '')}"
            if pages.get(item.label) == pages.get(item.label + ":last"):
                where = f"Page {pages.get(item.label, '')}"
        elif item.placement == "link":
            where = "A web address: not a file"
        else:
            where = item.note or "Listed only"
        rows.append([item.label, what, f"{item.kind}\n{item.size}".strip(), item.sha256 or "–", where])
    return [
        para("Each file is identified by its SHA-256: the same file always gives the same value.", "intro"),
        grid_table(
            ["Ref", "Item", "Type", "SHA-256", "In this bundle"],
            rows,
            [10 * mm, 55 * mm, 24 * mm, 45 * mm, 40 * mm],
        ),
    ]


def _evidence_pages(data: BundleData, pages: dict, holds: dict, box: tuple[float, float]) -> list:
    story: list = []
    for item in data.evidence:
        if not item.shown:
            continue
        detail = f"SHA-256 {item.sha256} · added by {item.added}"
        if item.placement == "image":
            parts = image_pages(item, *box)
            for number, (reader, width, height) in enumerate(parts, start=1):
                part = f" – part {number} of {len(parts)}" if len(parts) > 1 else ""
                caption = f"{item.label}: {item.name}{part}"
                story += [PageBreak(), _EvidencePage(caption, detail, (width, height), pages, item.label, image=reader)]
        else:
            held = holds.setdefault(item.label, [])
            count = len(item.pdf_pages)
            for number, page in enumerate(item.pdf_pages, start=1):
                caption = f"{item.label}: {item.name} – page {number} of {count}"
                size = pdf_page_size(page)
                story += [PageBreak(), _EvidencePage(caption, detail, size, pages, item.label, holds=held)]
    return story


def _story(data: BundleData, known: dict, marks: dict, holds: dict) -> list:
    """The document; `known` holds the pages found by the pass before (for the contents and the index),
    `marks` is filled with the pages things land on in this pass."""
    frame = (174 * mm - 12, 257 * mm - 12 - CAPTION_ROOM)  # a SimpleDocTemplate frame pads 6 points a side
    story = _contents(data, known)
    chronology = [
        [london(row.at, "%d %b %Y\n%H:%M"), row.actor, f"{row.label}. {row.details}".strip()] for row in data.chronology
    ]
    hearing = []
    for section in data.hearing:
        hearing += [para(section.title, "h2"), *_records(section, "")]
    if data.outcome:
        hearing += [para("Outcome", "h2"), key_value_table(data.outcome)]
    bodies = {
        "allegations": _records(data.allegations, "No allegations are recorded."),
        "investigation": _records(data.investigation, "No investigation report has been recorded."),
        "notes": [
            KeepTogether([para(heading, "cell_bold"), para(text_), Spacer(1, 3 * mm)]) for heading, text_ in data.notes
        ]
        or [para("No notes or interview records are recorded.")],
        "hearing": hearing or [para("No hearing has been arranged.")],
        "chronology": [
            para("From the case's audit trail, oldest first. Times are UK time.", "intro"),
            grid_table(["When", "Who", "What happened"], chronology, [24 * mm, 34 * mm, 116 * mm], plain_columns=(0,)),
        ],
        "evidence": _evidence_index(data, known),
    }
    for number, (key, title) in enumerate(SECTIONS, start=1):
        _section(story, marks, key, title, number, bodies[key])
    story += _evidence_pages(data, marks, holds, frame)
    return story


def _render(data: BundleData, imprint: Imprint) -> tuple[bytes, dict]:
    """Lay the document out again until the pages its contents page states are the pages things land on."""
    known: dict = {}
    for _ in range(MOST_PASSES):
        marks: dict = {}
        holds: dict = {}
        pdf = build_pdf(
            _story(data, known, marks, holds),
            title=f"{data.title} {data.reference}",
            imprint=imprint,
            subject=f"{data.title} of case {data.reference} at version {data.version} (OFFICIAL-SENSITIVE)",
            keywords="OFFICIAL-SENSITIVE",
        )
        if marks == known:
            return pdf, holds
        known = marks
    raise RuntimeError("the bundle's page numbers did not settle")


def build(data: BundleData, imprint: Imprint, seal: str, *, signature_field: str = "") -> bytes:
    """The bundle as PDF bytes, carrying `seal` (not yet filled in) in a stream of its own, and an empty
    signature field of that name when it is to be signed (so the signing only fills it in).

    An evidence PDF whose pages cannot be laid on the bundle after all is listed instead and the
    bundle made again without it.
    """
    for _ in range(len(data.evidence) + 1):
        pdf, holds = _render(data, imprint)
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
        failed = None
        for item in data.evidence:
            if item.placement != "pdf":
                continue
            try:
                for (page_number, origin, scale), page in zip(holds.get(item.label, []), item.pdf_pages, strict=True):
                    lay_pdf_page(writer.pages[page_number - 1], page, origin, scale)
            except Exception as error:  # a hostile file is listed, never a failed bundle
                logger.warning("Evidence %s could not be laid into the bundle: %s", item.label, error)
                failed = item
                break
        if failed is None:
            return _with_seal(writer, seal, signature_field)
        unreadable(failed, "The PDF's pages could not be copied into the bundle; it is listed with its SHA-256.")
    raise RuntimeError("the bundle could not be made")


def _with_seal(writer: PdfWriter, seal: str, signature_field: str) -> bytes:
    root = writer.root_object
    stream = DecodedStreamObject()
    stream.set_data(seal.encode("ascii"))
    root[NameObject("/CaseworkSeal")] = writer._add_object(stream)
    if signature_field:
        first = writer.pages[0]
        field_ = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/FT"): NameObject("/Sig"),
                    NameObject("/T"): TextStringObject(signature_field),
                    NameObject("/Type"): NameObject("/Annot"),
                    NameObject("/Subtype"): NameObject("/Widget"),
                    NameObject("/F"): NumberObject(132),  # hidden and locked: the signature is not drawn
                    NameObject("/Rect"): ArrayObject([FloatObject(0)] * 4),
                    NameObject("/P"): first.indirect_reference,
                }
            )
        )
        first[NameObject("/Annots")] = ArrayObject([field_])
        root[NameObject("/AcroForm")] = writer._add_object(
            DictionaryObject({NameObject("/Fields"): ArrayObject([field_]), NameObject("/SigFlags"): NumberObject(3)})
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
