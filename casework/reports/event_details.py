"""The Details column of a case report's chronology: what each audit event recorded, in sentences.

An event's data is stored as the service wrote it (e-mail addresses, codes,
ISO dates, row ids): fine for the hash chain, unreadable for a panel. Here it
is told in words: people by name, codes by their labels, dates and times in
UK time ("12 March 2026 at 10:42"), and no database ids. An action without a
sentence of its own (or data this module does not know) still reads as
"Label: value." pairs, never as raw data.
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..domain.audit import REDACTED_KEY, is_redacted
from ..domain.letters import LETTERS
from ..domain.policy import (
    AGENCIES,
    FINDINGS,
    FLAGS,
    KIND_LABELS,
    NOTE_LABELS,
    PLATFORMS,
    REFERRAL_STATUSES,
    RIGHTS_DECISIONS,
    SANCTIONS,
    SEVERITIES,
    SOURCE_LABELS,
    STAGE_LABELS,
    category_label,
    sanction_label,
)
from ..domain.routing import route_words

LONDON = ZoneInfo("Europe/London")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
LIMIT = 600

Names = Callable[[str], str]


def long_date(value) -> str:
    """An ISO date (or a date) as "12 March 2026"; anything else unchanged."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, str) and ISO_DATE.match(value):
        return long_date(date.fromisoformat(value))
    return str(value)


def london_time(value) -> str:
    """An ISO timestamp (or a datetime) in UK time, as "12 March 2026 at 10:42"."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _list(values) -> str:
    values = [str(v) for v in values if v not in (None, "")]
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " and " + values[-1]


def _short_hash(value) -> str:
    return f"{str(value)[:16]}…" if value else ""


def _sentence(text: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    return text if text[-1] in ".!?…" else text + "."


def _with_reason(text: str, reason) -> str:
    return f"{text}: {reason.strip()}" if isinstance(reason, str) and reason.strip() else text


def _value(key: str, value, names: Names) -> str:
    """Any stored value, in words."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{_key_label(k)} {_value(k, v, names)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, (list, tuple)):
        return _list(_value(key, v, names) for v in value)
    if isinstance(value, str):
        if "@" in value and " " not in value:
            return names(value)
        if ISO_DATE.match(value):
            return long_date(value)
        if ISO_TIME.match(value):
            return london_time(value)
        for labels in (STAGE_LABELS, FINDINGS, SANCTIONS, AGENCIES, REFERRAL_STATUSES):
            if key in ("stage", "finding", "sanction", "agency", "status", "from_status") and value in labels:
                return labels[value]
    return str(value)


def _key_label(key: str) -> str:
    return key.replace("_", " ")


def _generic(data: dict, names: Names) -> str:
    parts = []
    for key, value in data.items():
        if value in (None, "", [], {}) or key == "id" or key.endswith("_id") or key.endswith("_ids"):
            continue
        parts.append(_sentence(f"{_key_label(key).capitalize()}: {_value(key, value, names)}"))
    return " ".join(parts)


def _reported(data, names):
    kind = KIND_LABELS.get(data.get("kind"), "report")
    source = SOURCE_LABELS.get(data.get("source"), "")
    text = [_sentence(f"{kind}{', ' + source[0].lower() + source[1:] if source else ''}")]
    if data.get("subjects"):
        text.append(_sentence(f"About {_list(names(e) for e in data['subjects'])}"))
    if data.get("categories"):
        text.append(_sentence(f"Categories: {_list(category_label(c) for c in data['categories'])}"))
    if data.get("platform"):
        text.append(_sentence(f"Platform: {PLATFORMS.get(data['platform'], data['platform'])}"))
    if data.get("flags"):
        text.append(_sentence(f"Flagged: {_list(FLAGS.get(f, f).lower() for f in data['flags'])}"))
    return " ".join(text)


def _closed(data, names):
    text = _sentence(_with_reason("Closed", data.get("reason")))
    if data.get("retention_until"):
        text += f" The record is kept until {long_date(data['retention_until'])}."
    return text


def _accounts(value) -> str:
    if value in (None, "all", ["all"], []):
        return "every council account"
    count = len(value) if isinstance(value, list) else 1
    return f"{count} council account{'' if count == 1 else 's'}"


def _suspended(data, names):
    text = _sentence(
        _with_reason(
            f"Publishing rights of {names(data.get('subject', ''))} suspended on {_accounts(data.get('accounts'))}",
            data.get("reason"),
        )
    )
    if data.get("next_review_on"):
        text += f" Next review by {long_date(data['next_review_on'])}."
    return text


def _reviewed(data, names):
    text = _sentence(_with_reason(f"Suspension of {names(data.get('subject', ''))} reviewed", data.get("reason")))
    if data.get("next_review_on"):
        text += f" Next review by {long_date(data['next_review_on'])}."
    return text


def _investigation(data, names):
    text = _sentence(f"{names(data.get('investigator', ''))} appointed to investigate")
    if data.get("no_suspension_reason"):
        text += " " + _sentence(f"Publishing rights not suspended because: {data['no_suspension_reason'].strip()}")
    return text


def _note(data, names):
    label = NOTE_LABELS.get(data.get("kind"), "Note")
    role = data.get("interviewee_role")
    who = data.get("interviewee_name")
    about = f" with {who}, {role}" if who and role else (f" (the {role})" if role else "")
    return f"{label}{about} added; its text is under Notes."


def _outcome(data, names):
    text = []
    if data.get("finding"):
        text.append(_sentence(f"Finding: {FINDINGS.get(data['finding'], data['finding']).lower()}"))
    if data.get("sanction"):
        sanction = sanction_label(data["sanction"])
        live = f", live until {long_date(data['live_until'])}" if data.get("live_until") else ""
        text.append(_sentence(f"Sanction: {sanction.lower()}{live}"))
    if data.get("rights_decision"):
        text.append(_sentence(RIGHTS_DECISIONS.get(data["rights_decision"], "")))
    if "content_removed" in data:
        text.append("The content was removed." if data["content_removed"] else "The content was not removed.")
    if data.get("appeal_due_on"):
        text.append(f"Appeal by {long_date(data['appeal_due_on'])}.")
    earlier = data.get("supersedes")
    if isinstance(earlier, dict) and earlier.get("sanction"):
        text.append(_sentence(f"This supersedes the earlier outcome ({sanction_label(earlier['sanction']).lower()})"))
    return " ".join(text)


def _ico(data, names):
    decided = "to report" if data.get("decision") == "reported" else "not to report"
    text = _sentence(_with_reason(f"Decided {decided} the breach to the ICO", data.get("reason")))
    if data.get("ico_reference"):
        text += f" ICO reference: {data['ico_reference']}."
    return text


def _police(data, names):
    decided = "to refer" if data.get("decision") == "refer" else "not to refer"
    return _sentence(_with_reason(f"Decided {decided} the case to the police", data.get("reason")))


def _lifted(data, names):
    text = _sentence(_with_reason(f"Suspension of {names(data.get('subject', ''))} lifted", data.get("reason")))
    if data.get("rights_still_suspended_by_other_cases"):
        text += " Publishing rights stay suspended where another case still suspends them."
    return text


def _referred(data, names):
    agency = AGENCIES.get(data.get("agency"), "another agency")
    reference = f" (their reference {data['agency_reference']})" if data.get("agency_reference") else ""
    return _sentence(_with_reason(f"Referred to {agency}{reference}", data.get("reason")))


def _referral_updated(data, names):
    agency = AGENCIES.get(data.get("agency"), "Agency")
    before = REFERRAL_STATUSES.get(data.get("from_status"), "")
    after = REFERRAL_STATUSES.get(data.get("status"), "")
    text = _sentence(f"{agency} referral {'now ' if not before else f'from {before.lower()} to '}{after.lower()}")
    if data.get("result"):
        text += " " + _sentence(f"Result: {data['result'].strip()}")
    if data.get("agency_reference"):
        text += f" Their reference: {data['agency_reference']}."
    return text


def _resumed(data, names):
    stage = STAGE_LABELS.get(data.get("resumed_stage"), "")
    return f"Resumed at the {stage.lower()} stage." if stage else "Resumed."


def _evidence(data, names):
    size = f"{data['size'] / 1024:.1f} KB" if isinstance(data.get("size"), int) else ""
    about = ", ".join(x for x in (size, data.get("content_type")) if x)
    text = f"File {data.get('name') or ''}{f' ({about})' if about else ''} added."
    if data.get("sha256"):
        text += f" SHA-256 {_short_hash(data['sha256'])} (in full under Evidence)."
    return text


def _link(data, names):
    captured = f", captured {london_time(data['captured_at'])}" if data.get("captured_at") else ""
    return f"Link {data.get('url') or ''}{captured}."


def _letter(data, names):
    spec = LETTERS.get(data.get("letter"))
    title = spec.title if spec else "Letter"
    recipient = data.get("recipient_name") or names(data.get("recipient", ""))
    text = f"{title} to {recipient}."
    meeting = data.get("meeting")
    if isinstance(meeting, dict) and meeting.get("date"):
        place = f", {meeting['place']}" if meeting.get("place") else ""
        text += f" Meeting on {long_date(meeting['date'])} at {meeting.get('time', '')}{place}."
    if data.get("sha256"):
        text += f" SHA-256 {_short_hash(data['sha256'])}."
    if data.get("appeal_due_on"):
        text += f" The appeal window runs from this letter: appeal by {long_date(data['appeal_due_on'])}."
    return text


# How a changed field reads ("Categories: Defamation → Harassment")
FIELD_LABELS = {
    "categories": "Categories",
    "platform": "Platform",
    "severity": "Severity",
    "kind": "Kind",
    "source": "Source",
    "owner": "Owner",
    "investigator": "Investigator",
    "subjects": "People the case is about",
    "incident_date": "Date of incident",
    "content_url": "Web address",
    "description": "What happened",
}
NOBODY = {"owner": "nobody", "investigator": "nobody", "subjects": "nobody"}


def _changed_value(key: str, value, names: Names) -> str:
    if value in (None, "", []):
        return NOBODY.get(key, "none")
    if key == "categories":
        return _list(category_label(code) for code in (value if isinstance(value, list) else [value]))
    if key == "platform":
        return PLATFORMS.get(value, value)
    if key == "kind":
        return KIND_LABELS.get(value, value)
    if key == "source":
        return SOURCE_LABELS.get(value, value)
    if key == "severity":
        return SEVERITIES.get(value, value)
    if key in FLAGS:
        return "yes" if value else "no"
    return _value(key, value, names)


def _changes(data, names):
    """A change recorded as {"before": {...}, "after": {...}}, one sentence a field: "Owner: Ann → Bo"."""
    before, after = data.get("before") or {}, data.get("after") or {}
    parts = []
    for key in dict.fromkeys([*before, *after]):
        label = FIELD_LABELS.get(key) or FLAGS.get(key) or _key_label(key).capitalize()
        old, new = _changed_value(key, before.get(key), names), _changed_value(key, after.get(key), names)
        if old != new:
            parts.append(f"{label}: {old} → {new}")
    extra = {k: v for k, v in data.items() if k not in ("before", "after")}
    text = " ".join(_sentence(p) for p in parts)
    if extra.get("reason"):
        text += " " + _sentence(f"Reason: {str(extra['reason']).strip()}")
    return text.strip() or _generic(data, names)


_reassigned = _changes


def _legal_hold(data, names):
    state = "placed" if data.get("on") else "removed"
    return _sentence(_with_reason(f"Legal hold {state}", data.get("reason")))


def _anonymised(data, names):
    kept = f" (its retention period ended {long_date(data['retention_until'])})" if data.get("retention_until") else ""
    return f"Personal data removed under the retention policy{kept}."


def _routed(data, names):
    """Acceptable Use of Social Media Policy 2 and 3: where the report went, and why."""
    text = f"Routed to {route_words(data.get('route'))}. {data.get('reason') or ''}"
    if data.get("contact"):
        text += f" {data['contact']} was told."
    if data.get("lado_referral_id"):
        text += " A referral to the LADO was opened."
    return text


def _handoff(data, names):
    text = _sentence(f"Handed off to {route_words(data.get('route'))}: {(data.get('text') or '').strip()}")
    if data.get("handoff_reference"):
        text += f" Their reference: {data['handoff_reference']}."
    return text


def _rerouted(data, names):
    added = data.get("subjects_added") or []
    about = f" It is about {_list([names(email) for email in added])}." if added else ""
    text = _with_reason(
        f"Returned from {route_words(data.get('from_route'))} to the disciplinary process", data.get("reason")
    )
    return _sentence(text) + about


SENTENCES: dict[str, Callable[[dict, Names], str]] = {
    "reported": _reported,
    "information_added": lambda data, names: "Information added by the reporter; its text is under Notes.",
    "take_ownership": lambda data, names: _sentence(f"{names(data.get('owner', ''))} took the case on"),
    "close_no_further_action": _closed,
    "close": _closed,
    "suspend_rights": _suspended,
    "lift_suspension": _lifted,
    "review_suspension": _reviewed,
    "start_investigation": _investigation,
    "add_note": _note,
    "record_outcome": _outcome,
    "record_contractor_action": lambda data, names: _sentence(
        f"The contractor's action: {(data.get('text') or '').strip()}"
    ),
    "acknowledge_contractor_case": lambda data, names: "The head of service acknowledged the contractor case.",
    "record_ico_decision": _ico,
    "record_police_decision": _police,
    "refer": _referred,
    "update_referral": _referral_updated,
    "resume": _resumed,
    "record_support": lambda data, names: "Support recorded; its text is under Notes.",
    "reopen": lambda data, names: _sentence(_with_reason("Reopened", data.get("reason"))),
    "routed": _routed,
    "record_handoff": _handoff,
    "close_routed": lambda data, names: _closed(data, names).replace("Closed", "Closed, dealt with elsewhere", 1),
    "reroute": _rerouted,
    "evidence_added": _evidence,
    "evidence_link_added": _link,
    "letter_generated": _letter,
    "letter_issued": _letter,
    "letter_drafted": lambda data, names: "Drafted: " + _letter(data, names),
    "reassigned": _reassigned,
    "legal_hold_set": _legal_hold,
    "legal_hold_cleared": _legal_hold,
    "anonymised": _anonymised,
}


def _process_sentences() -> dict[str, Callable[[dict, Names], str]]:
    """The fair process's sentences (casework.reports.process_details), which build on this module's helpers."""
    from . import process_details as p

    return {
        "update_case": p.update_case,
        "record_investigation_report": p.investigation_report,
        "record_hr_advice": p.hr_advice,
        "arrange_hearing": p.arrange_hearing,
        "postpone_hearing": p.postpone_hearing,
        "record_outcome": lambda data, names: p.record_outcome(data, names, _outcome),
        "lodge_appeal": p.lodge_appeal,
        "decide_appeal": p.decide_appeal,
        "waive_appeal": p.waive_appeal,
        "declare_conflict": p.declare_conflict,
        "reassign": p.reassign,
        "start_investigation": lambda data, names: _investigation(data, names) + p.override_sentence(data, names),
    }


def describe(action: str, data: dict | None, names: Names = lambda email: email) -> str:
    """The event's data in sentences, at most LIMIT characters. `names` turns an e-mail address into a name."""
    data = data or {}
    if is_redacted(data):
        kept = _generic({k: v for k, v in data.items() if k != REDACTED_KEY}, names)
        return (kept + " Personal details removed under the retention policy.").strip()
    sentences = SENTENCES | _process_sentences()
    try:
        if action in sentences:
            text = sentences[action](data, names)
        elif isinstance(data.get("before"), dict) or isinstance(data.get("after"), dict):
            text = _changes(data, names)
        else:
            text = _generic(data, names)
    except (KeyError, TypeError, ValueError, AttributeError):
        text = _generic(data, names)
    if data.get("warnings") and "separation_of_duties_overridden" in data["warnings"]:
        text += " The investigator also decided the outcome (separation of duties overridden)."
    text = " ".join(text.split())
    return text if len(text) <= LIMIT else text[: LIMIT - 1] + "…"
