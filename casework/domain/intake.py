"""What a report of a breach or of online abuse must contain.

One set of checks for the web form and the API, with GOV.UK-style messages
keyed by field name.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from .policy import (
    CATEGORIES_BY_KIND,
    COMPLAINT_SOURCES,
    FLAGS,
    PLATFORMS,
    SEVERITIES,
    Kind,
    Source,
)

DESCRIPTION_MAX = 20_000
URL_MAX = 2_000
NAME_MAX = 200
CONTACT_MAX = 300


@dataclass
class ReportInput:
    """A report as typed: strings and lists, nothing trusted yet."""

    kind: str = ""
    source: str = Source.EMPLOYEE_REPORT
    subjects: list[str] = field(default_factory=list)  # e-mail addresses
    categories: list[str] = field(default_factory=list)
    platform: str = ""
    content_url: str = ""
    incident_date: date | None = None
    description: str = ""
    severity: str = ""
    flags: list[str] = field(default_factory=list)
    complainant_name: str = ""
    complainant_contact: str = ""
    # Scope questions (Acceptable Use of Social Media Policy 2 and 3), see casework.domain.routing
    scope: str = "council_staff"
    whistleblowing: bool = False
    children_at_risk: bool | None = None
    person_name: str = ""
    school_name: str = ""
    route: str | None = None

    @property
    def scope_answers(self):
        from .routing import ScopeAnswers

        return ScopeAnswers(
            scope=self.scope,
            whistleblowing=self.whistleblowing,
            children_at_risk=self.children_at_risk,
            person_name=self.person_name,
            school_name=self.school_name,
            route=self.route,
        )


def report_fingerprint(report: ReportInput) -> str:
    """A digest of everything a report says, so a resubmission under the same key can be told from a new report."""
    body = asdict(report)
    body["incident_date"] = report.incident_date.isoformat() if report.incident_date else None
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


def report_likeness(kind: str, subject_emails, description: str) -> tuple:
    """What makes two reports "the same report": the kind, the people named and the description,
    ignoring letter case, spacing and the order the people were named in."""
    subjects = frozenset(email.strip().lower() for email in subject_emails if email and email.strip())
    return (kind, subjects, " ".join((description or "").split()).casefold())


def is_repeat_of(
    earlier_likeness: tuple, earlier_sent_at: datetime, report: ReportInput, now: datetime, window: timedelta
) -> bool:
    """Whether `report` repeats one the same person sent within `window` (a resend after Back, say)."""
    if not timedelta(0) <= now - earlier_sent_at <= window:
        return False
    return earlier_likeness == report_likeness(report.kind, report.subjects, report.description)


def has_control_characters(text: str) -> bool:
    """C0 and C1 control characters and DEL (NUL included); tabs and line breaks are text."""
    return any((ord(ch) < 32 and ch not in "\r\n\t") or 127 <= ord(ch) <= 159 for ch in text)


# Explicit bidirectional formatting: embeddings, overrides, isolates and marks. Names in
# Arabic or Hebrew need none of them (the Unicode bidi algorithm orders them); in a name
# they only serve to make text display in another order than it is stored ("Trojan
# Source"), so names refuse them. Emoji, their joiners and combining marks are accepted.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_bidi_controls(text: str) -> bool:
    return any(ch in BIDI_CONTROLS for ch in text)


def validate_report(
    report: ReportInput,
    *,
    today: date,
    may_log_complaint: bool,
    known_subjects: set[str],
    reporter_email: str,
) -> dict[str, str]:
    """Errors by field name; empty when the report may be saved.

    `known_subjects` are the lower-cased e-mails found in the staff directory.
    """
    errors: dict[str, str] = {}
    if report.kind not in (Kind.BREACH, Kind.ABUSE):
        errors["kind"] = "Select whether this is a breach of policy or online abuse"
        return errors

    valid_sources = {Source.EMPLOYEE_REPORT, *(COMPLAINT_SOURCES if may_log_complaint else ())}
    if report.source not in valid_sources:
        errors["source"] = (
            "Select where the report came from"
            if may_log_complaint
            else "Only managers and HR can log a complaint for someone else"
        )

    subjects = [s.strip().lower() for s in report.subjects if s and s.strip()]
    unknown = [s for s in subjects if s not in known_subjects]
    if unknown:
        errors["subjects"] = "Choose people from the staff directory"
    elif report.kind == Kind.BREACH and not subjects and report.scope == "council_staff" and not report.whistleblowing:
        errors["subjects"] = "Choose who the report is about"
    elif reporter_email.lower() in subjects:
        errors["subjects"] = "You cannot report yourself as the person concerned"
    elif len(set(subjects)) != len(subjects):
        errors["subjects"] = "Choose each person once"

    allowed = CATEGORIES_BY_KIND[Kind(report.kind)]
    if not report.categories:
        errors["categories"] = "Select at least one category"
    elif any(c not in allowed for c in report.categories):
        errors["categories"] = "Select categories from the list"

    if report.platform not in PLATFORMS:
        errors["platform"] = "Select the platform"

    url = report.content_url.strip()
    if url:
        parts = urlsplit(url)
        if len(url) > URL_MAX:
            errors["content_url"] = f"Web address must be {URL_MAX} characters or fewer"
        elif (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or has_control_characters(url)
            or any(ch.isspace() for ch in url)
        ):
            errors["content_url"] = "Enter a web address starting with http:// or https://"

    if report.incident_date is None:
        errors["incident_date"] = "Enter the date of the incident"
    elif report.incident_date > today:
        errors["incident_date"] = "Date of the incident must be today or in the past"
    elif report.incident_date.year < 1990:
        errors["incident_date"] = "Date of the incident must be after 1990"

    description = report.description.strip()
    if not description:
        errors["description"] = "Describe what happened"
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = f"Description must be {DESCRIPTION_MAX:,} characters or fewer"
    elif "\x00" in description or has_control_characters(description):
        errors["description"] = "Description must not contain control characters"

    if report.severity and report.severity not in SEVERITIES:
        errors["severity"] = "Select a severity from the list"

    if any(f not in FLAGS for f in report.flags):
        errors["flags"] = "Select flags from the list"

    if report.source in COMPLAINT_SOURCES and report.source in valid_sources:
        if report.source == Source.PUBLIC_COMPLAINT and not report.complainant_name.strip():
            errors["complainant_name"] = "Enter the complainant's name"
        for name, limit, label in (
            ("complainant_name", NAME_MAX, "Complainant's name"),
            ("complainant_contact", CONTACT_MAX, "Complainant's contact details"),
        ):
            value = getattr(report, name)
            if len(value) > limit:
                errors[name] = f"{label} must be {limit} characters or fewer"
            elif has_control_characters(value) or any(ch in value for ch in "\r\n\t"):
                errors[name] = f"{label} must not contain control characters"
            elif has_bidi_controls(value):
                errors[name] = f"{label} must not contain formatting characters such as right-to-left overrides"

    from .routing import scope_errors

    for name, message in scope_errors(report.scope_answers, kind=report.kind, subjects=subjects).items():
        errors.setdefault(name, message)
    return errors
