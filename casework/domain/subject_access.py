"""Who may answer a subject access request (UK GDPR Article 15), and what they may put in it."""

from .permissions import View, view_level
from .policy import Role

WITHHELD_REASON = (
    "You are a person one or more of these cases is about, and a subject never sees their own case "
    "(Casework design §4). Ask another member of HR to run this export so that nothing is left out."
)


def may_export_subject_access(actor) -> bool:
    """HR answers subject access requests; nobody else learns that the page exists."""
    return actor.role == Role.HR


def may_include(actor, case) -> bool:
    """A case goes into the export only if the person running it may see it in full.

    HR sees every case except those they are a subject of, so an HR officer
    cannot use the export to read their own case, whoever the request is for.
    """
    return view_level(actor, case) == View.FULL
