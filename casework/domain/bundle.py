"""The hearing bundle (issue 13, 4): who may have it, when there is one to make, and how each evidence
file goes into it. Pure rules over the case's attributes; the service reads the files and builds the PDF.

The bundle is for the people who take part in a hearing or an appeal and may see the whole case: the
case's owner, HR, the investigator, the hearing officer and the appeal officer (ACAS Code of Practice:
the employee is given copies of the written evidence before the hearing; the council hands it over).
"""

from dataclasses import dataclass

from . import process
from .permissions import Relationship, View, relationships, view_level

# Who takes part in the hearing or the appeal, among those who may see the whole case
BUNDLE_RELATIONSHIPS = frozenset(
    {
        Relationship.OWNER,
        Relationship.HR,
        Relationship.INVESTIGATOR,
        Relationship.HEARING_OFFICER,
        Relationship.APPEAL_OFFICER,
    }
)

NO_HEARING = (
    "There is no hearing or appeal on this case yet: the hearing bundle is made for one. "
    "Arrange the hearing (or lodge the appeal) first."
)
NOT_YOURS = (
    "Only the case's owner, HR, the investigator, the hearing officer and the appeal officer "
    "can download the hearing bundle"
)
CONFLICTED = (
    "You have declared a conflict of interest on this case that HR has not yet dealt with: "
    "you cannot download its hearing bundle"
)

# How an evidence file goes into the bundle, by its content type (sniffed from content when it was stored)
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
PDF_TYPES = frozenset({"application/pdf"})


def may_download(actor, case) -> bool:
    """Does `actor` get the hearing bundle of `case`? (Never a reporter, a subject or an admin.)"""
    return refusal(actor, case) is None


def refusal(actor, case) -> str | None:
    """Why `actor` may not have the bundle of a case they can see, or None when they may."""
    if view_level(actor, case) != View.FULL:
        return NOT_YOURS
    if process.unresolved_conflict(case, actor.id):
        return CONFLICTED
    if not relationships(actor, case) & BUNDLE_RELATIONSHIPS:
        return NOT_YOURS
    return None


def has_hearing_or_appeal(case) -> bool:
    return bool(case.hearings) or bool(case.appeals)


def problem(case) -> str | None:
    """Why no bundle can be made for this case now, or None."""
    return None if has_hearing_or_appeal(case) else NO_HEARING


def title(case) -> str:
    """ "Appeal bundle" once an appeal is lodged (it is what the appeal officer hears), else "Hearing bundle"."""
    return "Appeal bundle" if case.appeals else "Hearing bundle"


def placement(content_type: str | None) -> str:
    """How a file of this type appears: "image" or "pdf" as pages of the bundle, "listed" by name and SHA-256."""
    if content_type in IMAGE_TYPES:
        return "image"
    if content_type in PDF_TYPES:
        return "pdf"
    return "listed"


@dataclass(frozen=True)
class ImageLayout:
    """An image on the bundle's pages: its drawn size (points) and the slices it is cut into, top to bottom."""

    width: float
    height: float
    slices: int  # pages it runs over (a full-page capture of a long web page runs over several)


# A tall image is cut across at most this many pages; past that it is shrunk to fit them
MAX_IMAGE_PAGES = 8
# Pixels are drawn at no more than this size (a small screenshot is not blown up): 96 to the inch
POINTS_PER_PIXEL = 0.75


def image_layout(pixels_wide: int, pixels_high: int, box_width: float, box_height: float) -> ImageLayout:
    """Fit an image into pages whose free space is `box_width` × `box_height` points.

    It is drawn at most at its natural size and never wider than the box. If it is then taller than the box
    and it would shrink to less than half the box's width to fit one page, it runs over several pages instead
    (a full-page capture of a long web page stays readable), up to MAX_IMAGE_PAGES.
    """
    if pixels_wide <= 0 or pixels_high <= 0:
        raise ValueError("an image has a size")
    scale = min(POINTS_PER_PIXEL, box_width / pixels_wide)
    width, height = pixels_wide * scale, pixels_high * scale
    if height <= box_height:
        return ImageLayout(width, height, 1)
    one_page = box_height / height
    if width * one_page >= box_width / 2:
        return ImageLayout(width * one_page, box_height, 1)
    pages = -(-height // box_height)
    if pages > MAX_IMAGE_PAGES:
        shrink = MAX_IMAGE_PAGES * box_height / height
        return ImageLayout(width * shrink, height * shrink, MAX_IMAGE_PAGES)
    return ImageLayout(width, height, int(pages))
