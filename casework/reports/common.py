"""What every Casework PDF shares: fonts, styles, the protective marking on
every page, "page n of m", and who generated it and when."""

import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

LONDON = ZoneInfo("Europe/London")
MARKING = "OFFICIAL-SENSITIVE"
FONT = "Vera"
FONT_BOLD = "Vera-Bold"

_fonts = Path(reportlab.__file__).parent / "fonts"
if FONT not in pdfmetrics.getRegisteredFontNames():
    # Bitstream Vera (shipped with reportlab) covers far more of Unicode than the PDF base fonts
    pdfmetrics.registerFont(TTFont(FONT, str(_fonts / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_fonts / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)

BLACK = colors.HexColor("#0b0c0c")
GREY = colors.HexColor("#505a5f")
RED = colors.HexColor("#d4351c")
LIGHT = colors.HexColor("#f3f2f1")
BLUE = colors.HexColor("#1d70b8")

STYLES = {
    "title": ParagraphStyle("title", fontName=FONT_BOLD, fontSize=18, leading=22, spaceAfter=6, textColor=BLACK),
    # A heading is never the last thing on a page: it goes over with what it heads
    "h2": ParagraphStyle(
        "h2",
        fontName=FONT_BOLD,
        fontSize=13,
        leading=16,
        spaceBefore=10,
        spaceAfter=4,
        textColor=BLACK,
        keepWithNext=1,
    ),
    "body": ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, alignment=TA_LEFT, textColor=BLACK),
    "small": ParagraphStyle("small", fontName=FONT, fontSize=8, leading=10, textColor=GREY),
    # A line introducing a table: kept with the table, like a heading
    "intro": ParagraphStyle(
        "intro", fontName=FONT, fontSize=8, leading=10, spaceAfter=4, textColor=GREY, keepWithNext=1
    ),
    "cell": ParagraphStyle("cell", fontName=FONT, fontSize=8.5, leading=10.5, textColor=BLACK),
    "cell_bold": ParagraphStyle("cell_bold", fontName=FONT_BOLD, fontSize=8.5, leading=10.5, textColor=BLACK),
    "letter": ParagraphStyle("letter", fontName=FONT, fontSize=11, leading=15, spaceAfter=8, textColor=BLACK),
}


def text(value) -> str:
    """User text made safe for a reportlab Paragraph: markup escaped, line breaks kept."""
    if value is None:
        return ""
    cleaned = "".join(c for c in str(value) if c in "\n\t" or (ord(c) >= 32 and ord(c) != 127))
    return escape(cleaned).replace("\n", "<br/>")


def para(value, style="body") -> Paragraph:
    return Paragraph(text(value), STYLES[style])


def london(moment: datetime | None, fmt: str = "%d %b %Y %H:%M") -> str:
    return moment.astimezone(LONDON).strftime(fmt) if moment else ""


def key_value_table(rows: list[tuple[str, object]], widths=(45 * mm, 125 * mm)) -> Table:
    data = [[para(k, "cell_bold"), para(v, "cell")] for k, v in rows]
    table = Table(data, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def grid_table(header: list[str], rows: list[list[object]], widths, *, plain_columns=()) -> Table:
    """A table with a header row. Columns in `plain_columns` hold short text drawn
    without wrapping (much faster for long tables); the rest wrap as paragraphs."""
    data = [[para(h, "cell_bold") for h in header]] + [
        [_plain(c) if index in plain_columns else para(c, "cell") for index, c in enumerate(row)] for row in rows
    ]
    table = Table(data, colWidths=widths, hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 1), (-1, -1), FONT, 8.5, 10.5),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def fit_lines(value, width: float, *, font: str = FONT, size: float = 8.5, max_lines: int = 4) -> str:
    """Short text for a plain (unwrapped) table cell, broken into lines that fit `width` points.

    A plain cell is drawn as it is given, never wrapped: a line wider than its
    column would print over the next one. Words longer than a line are cut.
    """

    def fits(candidate: str) -> bool:
        return pdfmetrics.stringWidth(candidate, font, size) <= width

    lines: list[str] = []
    for paragraph in _plain(value).split("\n"):
        line = ""
        # Words, and the parts of a hyphenated word (a line may end after its hyphen)
        tokens = [
            (part, index > 0) for word in paragraph.split() for index, part in enumerate(re.findall(r"[^-]+-?|-", word))
        ]
        for token, joined in tokens:
            candidate = f"{line}{'' if joined else ' '}{token}" if line else token
            if fits(candidate):
                line = candidate
                continue
            if line:
                lines.append(line)
            while not fits(token):
                cut = len(token)
                while cut > 1 and not fits(token[:cut]):
                    cut -= 1
                lines.append(token[:cut])
                token = token[cut:]
            line = token
        lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and pdfmetrics.stringWidth(last + "…", font, size) > width:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last + "…"]
    return "\n".join(lines)


def _plain(value) -> str:
    return "".join(c for c in str(value if value is not None else "") if c == "\n" or ord(c) >= 32)


@dataclass(frozen=True)
class Imprint:
    """Who produced a document, when, for which council."""

    council: str
    generated_by: str
    generated_at: datetime
    marking: str = MARKING


class _Timestamp:
    """What reportlab's PDFDate reads: the local date and time and its offset from UTC."""

    def __init__(self, moment: datetime):
        local = moment.astimezone(LONDON)
        offset = int(local.utcoffset().total_seconds() // 60)
        self.t = moment.timestamp()
        self.YMDhms = (local.year, local.month, local.day, local.hour, local.minute, local.second)
        self.dhh, self.dmm = divmod(offset, 60)
        self.tzname = local.tzname()


def _timestamp(moment: datetime) -> _Timestamp:
    return _Timestamp(moment)


def _numbered_canvas(imprint: Imprint):
    class NumberedCanvas(canvas.Canvas):
        """Draws the marking, the imprint and "Page n of m" once the page count is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages = []
            # The PDF's creation and modification dates: when it was generated, in UK time. (Invariant
            # mode stays on for everything else, so the same input gives the same bytes.)
            self._doc._timeStamp = _timestamp(imprint.generated_at)

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int):
            width, height = A4
            self.saveState()
            if imprint.marking:
                self.setFont(FONT_BOLD, 10)
                self.setFillColor(RED)
                self.drawCentredString(width / 2, height - 12 * mm, imprint.marking)
                self.drawCentredString(width / 2, 8 * mm, imprint.marking)
            self.setFont(FONT, 7.5)
            self.setFillColor(GREY)
            self.drawString(
                18 * mm,
                13 * mm,
                f"{imprint.council} – generated by {imprint.generated_by} "
                f"on {london(imprint.generated_at, '%d %B %Y at %H:%M')}",
            )
            self.drawRightString(width - 18 * mm, 13 * mm, f"Page {self._pageNumber} of {total}")
            self.restoreState()

    return NumberedCanvas


def build_pdf(story: list, *, title: str, imprint: Imprint, subject: str = "", keywords: str = "") -> bytes:
    """Render `story` to PDF bytes on A4 with the marking and page numbers on every page.

    Page streams are not compressed, so the text of an export can be checked
    byte for byte by `flask casework verify-report`.
    """
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=f"{imprint.generated_by}, {imprint.council}",
        subject=subject,
        keywords=keywords,
        creator="Casework",
        pageCompression=0,
        invariant=1,
    )
    document.build(story, canvasmaker=_numbered_canvas(imprint))
    return buffer.getvalue()


class PageMark(Flowable):
    """Takes no room; notes in `pages` the page it lands on, under `name` (for a contents page)."""

    def __init__(self, pages: dict, name: str):
        super().__init__()
        self.pages, self.name = pages, name

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        self.pages[self.name] = self.canv.getPageNumber()
