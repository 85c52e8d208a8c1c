"""Letters to the people a case is about, as a council letter on A4 marked OFFICIAL-SENSITIVE.

The wording is kept in text templates under version control
(`templates/letters/<kind>.txt`): one paragraph per block separated by a blank
line, a block starting "## " is a heading and lines starting "- " are a list.
Templates are rendered in a sandboxed Jinja environment without autoescaping
that is given only plain strings, booleans and lists of strings; every
paragraph then goes through `text()` so that whatever people typed (names,
reasons, places) shows as text in the PDF and is never read as markup.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from .common import FONT, FONT_BOLD, GREY, STYLES, Imprint, build_pdf, text

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates" / "letters"

LETTERHEAD = ParagraphStyle("letterhead", fontName=FONT_BOLD, fontSize=16, leading=19, textColor=colors.black)
UNIT = ParagraphStyle("unit", fontName=FONT, fontSize=10, leading=13, textColor=GREY)
ADDRESS = ParagraphStyle("address", fontName=FONT, fontSize=10.5, leading=14)
ADDRESS_BOLD = ParagraphStyle("address_bold", parent=ADDRESS, fontName=FONT_BOLD)
CONFIDENTIAL = ParagraphStyle("confidential", parent=ADDRESS, fontName=FONT_BOLD, fontSize=9, spaceAfter=3)
DETAIL = ParagraphStyle("detail", fontName=FONT, fontSize=9.5, leading=13, alignment=TA_RIGHT)
BODY = ParagraphStyle("letter_body", parent=STYLES["letter"], fontSize=10.5, leading=14, spaceAfter=7)
SUBJECT_LINE = ParagraphStyle("subject_line", parent=BODY, fontName=FONT_BOLD, spaceBefore=2, spaceAfter=10)
HEADING = ParagraphStyle("letter_heading", parent=BODY, fontName=FONT_BOLD, spaceBefore=4, spaceAfter=4)
ITEM = ParagraphStyle("letter_item", parent=BODY, leftIndent=8 * mm, bulletIndent=3 * mm, spaceAfter=2)
LAST_ITEM = ParagraphStyle("letter_last_item", parent=ITEM, spaceAfter=BODY.spaceAfter + 2)


@dataclass(frozen=True)
class Block:
    """One piece of a letter's body: a paragraph, a heading or a list item."""

    kind: str
    text: str


@dataclass(frozen=True)
class LetterData:
    """Everything one letter shows, as plain data."""

    kind: str
    title: str
    council: str
    reference: str
    letter_date: date
    recipient_name: str
    recipient_lines: tuple[str, ...]
    sender_name: str
    sender_title: str
    sender_unit: str
    sender_email: str
    fields: dict = field(default_factory=dict)


def long_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _plain(name: str, value):
    """Only plain values reach a template; user text loses its line breaks so it cannot start a new block."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return [" ".join(item.split()) for item in value]
    raise TypeError(f"letter field {name!r} must be a string, a boolean or a list of strings")


def _environment(template_dir: Path) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(str(template_dir)),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def template_fields(data: LetterData) -> dict:
    """What a letter template may use: the letter's own fields and who it is from and to."""
    fields = {
        **data.fields,
        "council": data.council,
        "reference": data.reference,
        "letter_date": long_date(data.letter_date),
        "recipient_name": data.recipient_name,
        "sender_name": data.sender_name,
        "sender_title": data.sender_title,
        "sender_email": data.sender_email,
    }
    return {name: _plain(name, value) for name, value in fields.items()}


def split_blocks(rendered: str) -> list[Block]:
    """Blank lines separate blocks; lines of a block are joined, so templates can wrap freely."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", rendered.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            blocks.append(Block("heading", " ".join(lines)[3:].strip()))
        elif lines[0].startswith("- "):
            items: list[str] = []
            for line in lines:
                if line.startswith("- "):
                    items.append(line[2:].strip())
                else:
                    items[-1] += " " + line
            blocks.extend(Block("item", item) for item in items)
        else:
            blocks.append(Block("paragraph", " ".join(lines)))
    return blocks


def render_blocks(data: LetterData, template_dir: Path = TEMPLATE_DIR) -> list[Block]:
    """The body of the letter from its template, as blocks of plain text."""
    template = _environment(template_dir).get_template(f"{data.kind}.txt")
    return split_blocks(template.render(template_fields(data)))


def blocks_to_text(blocks: list[Block]) -> str:
    """Blocks as the text HR edits: paragraphs apart by a blank line, "## " headings, "- " list items."""
    parts: list[str] = []
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            parts.append(f"## {block.text}")
        elif block.kind == "item":
            line = f"- {block.text}"
            if index and blocks[index - 1].kind == "item":
                parts[-1] += "\n" + line
            else:
                parts.append(line)
        else:
            parts.append(block.text)
    return "\n\n".join(parts)


def draft_text(data: LetterData, template_dir: Path = TEMPLATE_DIR) -> str:
    """The letter's body drafted from its template and the case, as editable text."""
    return blocks_to_text(render_blocks(data, template_dir))


def _flowables(blocks: list[Block]) -> list:
    flowables = []
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            flowables.append(Paragraph(text(block.text), HEADING))
        elif block.kind == "item":
            last = index + 1 == len(blocks) or blocks[index + 1].kind != "item"
            flowables.append(Paragraph(text(block.text), LAST_ITEM if last else ITEM, bulletText="•"))
        else:
            flowables.append(Paragraph(text(block.text), BODY))
    return flowables


def _letterhead(data: LetterData) -> list:
    head = Table(
        [[Paragraph(text(data.council), LETTERHEAD)], [Paragraph(text(data.sender_unit), UNIT)]],
        colWidths=[174 * mm],
        hAlign="LEFT",
    )
    head.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return [head, Spacer(1, 2 * mm), HRFlowable(width="100%", thickness=1.2, color=colors.black), Spacer(1, 6 * mm)]


def _address_block(data: LetterData) -> Table:
    recipient = [
        Paragraph("PRIVATE AND CONFIDENTIAL – ADDRESSEE ONLY", CONFIDENTIAL),
        Paragraph(text(data.recipient_name), ADDRESS_BOLD),
        *[Paragraph(text(line), ADDRESS) for line in data.recipient_lines if line],
    ]
    details = [
        Paragraph(f"<b>Our reference:</b> {text(data.reference)}", DETAIL),
        Paragraph(f"<b>Date:</b> {text(long_date(data.letter_date))}", DETAIL),
        Spacer(1, 2 * mm),
        Paragraph(f"<b>Contact:</b> {text(data.sender_name)}", DETAIL),
        Paragraph(text(data.sender_email), DETAIL),
    ]
    table = Table([[recipient, details]], colWidths=[100 * mm, 74 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def build(data: LetterData, imprint: Imprint, template_dir: Path = TEMPLATE_DIR, *, body: str | None = None) -> bytes:
    """The letter as PDF bytes: letterhead, address, date and reference, salutation, body, sign-off.

    `body` is the text as edited and issued; without it the body is drafted from the template."""
    body = _flowables(split_blocks(body) if body is not None else render_blocks(data, template_dir))
    sign_off = [
        Spacer(1, 2 * mm),
        Paragraph("Yours sincerely,", BODY),
        Spacer(1, 10 * mm),
        Paragraph(text(data.sender_name), ADDRESS_BOLD),
        Paragraph(text(data.sender_title), ADDRESS),
        Paragraph(text(data.council), ADDRESS),
    ]
    story = [
        *_letterhead(data),
        _address_block(data),
        Spacer(1, 9 * mm),
        Paragraph(f"Dear {text(data.recipient_name)},", BODY),
        Paragraph(text(f"{data.title} – case {data.reference}"), SUBJECT_LINE),
        *body[:-1],
        KeepTogether(body[-1:] + sign_off),  # never a signature alone on the last page
    ]
    return build_pdf(
        story,
        title=f"{data.title} – {data.reference}",
        imprint=imprint,
        subject=f"Letter to {data.recipient_name} about case {data.reference}",
        keywords="OFFICIAL-SENSITIVE",
    )
