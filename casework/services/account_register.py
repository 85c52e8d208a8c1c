"""The register of council accounts as CSV (Social Networking Policy 7): one row per account.

Codes as the API gives them, dates in ISO 8601, times in London time; every
cell a spreadsheet could run as a formula is quoted (as the other CSV exports).
A case that closed an account is not named: the register is read by people
who see no case content.
"""

import csv
import io
from datetime import date

from ..reports.summary_report import safe_cell
from .accounts import list_accounts
from .deadlines import LONDON, london_today

COLUMNS = (
    "id",
    "platform",
    "handle",
    "url",
    "department",
    "status",
    "proposed_by",
    "purpose",
    "audience",
    "run_by",
    "moderation",
    "resourcing",
    "decision",
    "decided_by",
    "decided_at",
    "decision_reason",
    "went_live_on",
    "trial_ends_on",
    "trial_reviewed_at",
    "trial_review_note",
    "last_used_on",
    "flagged_for_removal",
    "closed_at",
    "closure_reason",
    "people_who_may_publish",
)


def _day(value) -> str:
    return value.isoformat() if value else ""


def _moment(value) -> str:
    return value.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") if value else ""


def _email(user) -> str:
    return user.email if user is not None else ""


def register_csv(today: date | None = None) -> bytes:
    """Every account on the register: UTF-8 with a BOM so that Excel reads it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for entry in list_accounts(today or london_today()):
        account = entry.account
        row = (
            account.id,
            account.platform,
            account.handle,
            account.url,
            account.department.name,
            account.status,
            _email(account.proposed_by),
            account.purpose,
            account.audience,
            account.run_by,
            account.moderation,
            account.resourcing,
            account.decision,
            _email(account.decided_by),
            _moment(account.decided_at),
            account.decision_reason,
            _day(account.went_live_on),
            _day(account.trial_ends_on),
            _moment(account.trial_reviewed_at),
            account.trial_review_note,
            _day(account.last_used_on),
            entry.removal_reason,
            _moment(account.closed_at),
            account.closure_reason,
            entry.publishers,
        )
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
