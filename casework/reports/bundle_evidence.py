"""Evidence files as pages of the hearing bundle: images drawn by reportlab, PDF pages laid on pages
that reportlab has numbered and marked (with pypdf). A file that cannot be read is listed instead,
saying why; nothing about a file stops the bundle being made."""

import io
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps
from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import NameObject
from reportlab.lib.utils import ImageReader

from ..domain.bundle import image_layout

logger = logging.getLogger(__name__)

# Images are embedded at no more than this many dots to the inch at the size they are drawn
EMBED_DPI = 200
JPEG_QUALITY = 85
# Past this many pixels an image is not decoded (Pillow's own bomb limit is twice its default warning)
MAX_PIXELS = 50_000_000


@dataclass
class EvidenceItem:
    """One evidence item as the bundle lists it, and (for an image or a PDF) the stored file to show."""

    label: str  # E1, E2…
    name: str
    description: str
    kind: str
    size: str
    sha256: str
    added: str
    source_url: str
    # image or pdf: shown as pages; listed: by name and SHA-256; link: a web address;
    # missing, altered, unreadable: a file that cannot be shown, with `note` saying why
    placement: str
    note: str = ""
    path: Path | None = None
    # Filled in by `prepare`
    image: Image.Image | None = field(default=None, repr=False)
    jpeg: bool = False
    pdf_pages: list[PageObject] = field(default_factory=list, repr=False)
    image_parts: list | None = field(default=None, repr=False)  # (PIL image or JPEG bytes, width, height)

    @property
    def shown(self) -> bool:
        return self.placement in ("image", "pdf")


def unreadable(item: EvidenceItem, note: str) -> EvidenceItem:
    item.placement, item.note, item.image, item.pdf_pages = "unreadable", note, None, []
    return item


def prepare(item: EvidenceItem) -> EvidenceItem:
    """Open an image or PDF file for the bundle; one that cannot be opened becomes "unreadable"."""
    if item.placement == "image":
        return _prepare_image(item)
    if item.placement == "pdf":
        return _prepare_pdf(item)
    return item


def _prepare_image(item: EvidenceItem) -> EvidenceItem:
    try:
        with Image.open(item.path) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                return unreadable(item, "The image is too large to show as a page; it is listed with its SHA-256.")
            jpeg = opened.format == "JPEG"
            opened.seek(0)  # an animated GIF or WebP: its first frame
            image = ImageOps.exif_transpose(opened)  # a phone photo the right way up
            image.load()
    except Exception as error:  # a damaged or hostile file is listed, never a failed bundle
        logger.warning("Evidence %s could not be read as an image: %s", item.label, error)
        return unreadable(item, "The file could not be read as an image; it is listed with its SHA-256.")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    item.image, item.jpeg = image, jpeg
    return item


def _prepare_pdf(item: EvidenceItem) -> EvidenceItem:
    try:
        reader = PdfReader(str(item.path))
        if reader.is_encrypted and not reader.decrypt(""):
            return unreadable(item, "The PDF is protected by a password; it is listed with its SHA-256.")
        pages = []
        for page in PdfWriter(clone_from=reader).pages:  # a page is changed (turned) only in a writer
            if page.rotation:
                page.transfer_rotation_to_content()
            if NameObject("/Annots") in page:
                del page[NameObject("/Annots")]  # links, form fields and comments: the page's own content only
            box = page.cropbox
            if float(box.width) <= 0 or float(box.height) <= 0:
                raise ValueError("a page without size")
            page.get_contents()  # reads (and so checks) the page's content now rather than when merging
            pages.append(page)
        if not pages:
            return unreadable(item, "The PDF has no pages; it is listed with its SHA-256.")
    except Exception as error:  # a damaged or hostile file is listed, never a failed bundle
        logger.warning("Evidence %s could not be read as a PDF: %s", item.label, error)
        return unreadable(item, "The file could not be read as a PDF; it is listed with its SHA-256.")
    item.pdf_pages = pages
    return item


def image_pages(item: EvidenceItem, box_width: float, box_height: float) -> list[tuple[ImageReader, float, float]]:
    """The image cut into the pages it runs over: (image, width, height in points) for each page."""
    if item.image_parts is None:
        item.image_parts = _cut(item, box_width, box_height)
    return [(_reader(source), width, height) for source, width, height in item.image_parts]


def _cut(item: EvidenceItem, box_width: float, box_height: float) -> list:
    image = item.image
    layout = image_layout(image.width, image.height, box_width, box_height)
    most_pixels = math.ceil(layout.width / 72 * EMBED_DPI)
    if image.width > most_pixels:
        image = image.resize((most_pixels, max(1, round(image.height * most_pixels / image.width))), Image.LANCZOS)
    rows = math.ceil(image.height / layout.slices)
    parts = []
    for start in range(0, image.height, rows):
        part = image.crop((0, start, image.width, min(start + rows, image.height)))
        height = layout.height * part.height / image.height
        if item.jpeg:  # a photo goes in as JPEG (far smaller); a screenshot or drawing losslessly
            data = io.BytesIO()
            part.save(data, "JPEG", quality=JPEG_QUALITY)
            part = data.getvalue()
        parts.append((part, layout.width, height))
    return parts


def _reader(source) -> ImageReader:
    return ImageReader(io.BytesIO(source) if isinstance(source, bytes) else source)


def pdf_page_size(page: PageObject) -> tuple[float, float]:
    return float(page.cropbox.width), float(page.cropbox.height)


def lay_pdf_page(target: PageObject, page: PageObject, origin: tuple[float, float], scale: float) -> None:
    """Draw an evidence PDF page on a bundle page, its lower left corner at `origin` (points), at `scale`;
    pypdf clips it to its own crop box."""
    crop = page.cropbox
    transform = (
        Transformation()
        .translate(-float(crop.left), -float(crop.bottom))
        .scale(scale, scale)
        .translate(origin[0], origin[1])
    )
    target.merge_transformed_page(page, transform)
