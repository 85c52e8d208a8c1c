"""The disciplinary hearing: its officer, date and time and who is invited, and postponing it once
(Employment Relations Act 1999 s10(4))."""

from .investigation import OVERRIDE_REASON
from .params import ActionParams, Email, Emails, LocalDateTime, Reason, need

HEARING_AT_NEEDED = "Enter the date and time of the hearing"


class ArrangeHearingParams(ActionParams):
    hearing_officer: Email("E-mail of the hearing officer") = need("Choose the hearing officer")
    hearing_at: LocalDateTime(
        "When, London time, as YYYY-MM-DDTHH:MM",
        unreadable="Enter the date and time of the hearing, like 2026-12-10T10:00",
    ) = need(HEARING_AT_NEEDED)
    subjects: Emails("E-mails of the people invited", unreadable="Choose people the case is about") = need(
        "Choose who is invited to the hearing"
    )
    override_reason: Reason(OVERRIDE_REASON) = None


class PostponeHearingParams(ActionParams):
    hearing_at: LocalDateTime(
        "The new date and time, London time", unreadable="Enter the new date and time, like 2026-12-10T10:00"
    ) = need(HEARING_AT_NEEDED)
    reason: Reason() = need("Enter the reason")
