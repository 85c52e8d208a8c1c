"""Chronology sentences for the events of the fair disciplinary process (ACAS Code of Practice): the case
corrected, the investigation report, HR's advice, hearings, outcomes per person, appeals, conflicts,
reassignments and every separation-of-duties override. Part of casework.reports.event_details."""

from ..domain.policy import (
    CASE_ROLES,
    CONTENT_REMOVAL,
    FINDINGS,
    RECOMMENDATIONS,
    RIGHTS_DECISIONS,
    category_label,
    sanction_label,
)
from ..domain.text import clauses
from .event_details import Names, _changes, _list, _sentence, _with_reason, london_time, long_date


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text else ""


def _finding(code) -> str:
    return _lower(FINDINGS.get(code, str(code or "")))


def _role(code) -> str:
    return _lower(CASE_ROLES.get(code, str(code or "").replace("_", " ")))


def override_sentence(data: dict, names: Names) -> str:
    """A separation-of-duties rule set aside, with the reason (recorded on the event as "override")."""
    override = data.get("override")
    if not isinstance(override, dict):
        return ""
    rules = override.get("rules") or []
    rules = clauses(rules) if isinstance(rules, list) else str(rules)
    who = names(override.get("person", ""))
    text = f"Separation of duties set aside for {who} as {_role(override.get('role'))}"
    if rules:
        text += f" ({rules})"
    return " " + _sentence(_with_reason(text, override.get("reason")))


def _allegation(item: dict, names: Names) -> str:
    return f"{names(item.get('subject', ''))}, {_lower(category_label(item.get('category', '')))}"


def update_case(data, names):
    before, after = data.get("before") or {}, data.get("after") or {}
    parts = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if key == "allegations":
            now = [f"{_allegation(a, names)}: {a.get('text', '')}" for a in (new or []) if isinstance(a, dict)]
            parts.append(f"Allegations now: {'; '.join(now) or 'none'}")
        elif key == "aware_at":
            was = f" (was {london_time(old)})" if old else ""
            parts.append(f"The council became aware on {london_time(new)}{was}")
        elif key == "content_removal":
            parts.append(CONTENT_REMOVAL.get(new, str(new)))
        elif key == "content_removal_reason":
            parts.append(f"Content decision because: {new}")
        else:
            parts.append(_changes({"before": {key: old}, "after": {key: new}}, names))
    text = " ".join(_sentence(p) for p in parts if p)
    if str(data.get("reason") or "").strip():
        text += " " + _sentence(f"Reason: {str(data['reason']).strip()}")
    return text.strip()


def investigation_report(data, names):
    findings = [
        f"{_allegation(item, names)}: {_finding(item.get('finding'))}"
        for item in data.get("findings") or []
        if isinstance(item, dict)
    ]
    text = _sentence(f"Findings: {'; '.join(findings)}") if findings else ""
    recommendation = RECOMMENDATIONS.get(data.get("recommendation"), "")
    if recommendation:
        text += " " + _sentence(f"Recommendation: {_lower(recommendation)}")
    if data.get("summary"):
        text += " " + _sentence(f"Summary: {str(data['summary']).strip()}")
    return text.strip()


def hr_advice(data, names):
    return _sentence(f"HR advised: {str(data.get('text') or '').strip()}")


def arrange_hearing(data, names):
    invited = _list(names(e) for e in data.get("subjects") or [])
    text = _sentence(
        f"Hearing of {invited or 'the people the case is about'} arranged for {london_time(data.get('hearing_at'))}, "
        f"heard by {names(data.get('hearing_officer', ''))}"
    )
    return text + override_sentence(data, names)


def postpone_hearing(data, names):
    moved = f" from {london_time(data['from'])}" if data.get("from") else ""
    return _sentence(
        _with_reason(f"Hearing postponed{moved} to {london_time(data.get('hearing_at'))}", data.get("reason"))
    )


def _one_outcome(item: dict, names: Names) -> str:
    parts = [_finding(item.get("finding")), _lower(sanction_label(item.get("sanction") or ""))]
    if item.get("live_until"):
        parts.append(f"live until {long_date(item['live_until'])}")
    if item.get("rights_decision"):
        parts.append(_lower(RIGHTS_DECISIONS.get(item["rights_decision"], "")))
    if item.get("appeal_due_on"):
        parts.append(f"appeal by {long_date(item['appeal_due_on'])}")
    return f"{names(item.get('subject', ''))}: {', '.join(p for p in parts if p)}"


def record_outcome(data, names, single):
    """Per person when the event lists `outcomes`; the single-subject wording otherwise."""
    outcomes = [item for item in data.get("outcomes") or [] if isinstance(item, dict)]
    if len(outcomes) <= 1:
        return single(data, names)
    text = " ".join(_sentence(_one_outcome(item, names)) for item in outcomes)
    if "content_removed" in data:
        text += " The content was removed." if data["content_removed"] else " The content was not removed."
    earlier = data.get("supersedes")
    if earlier:
        text += " This supersedes the earlier outcomes."
    return text


def lodge_appeal(data, names):
    text = _sentence(
        f"{names(data.get('subject', ''))} appealed, to be heard by {names(data.get('appeal_officer', ''))}. "
        f"Grounds: {str(data.get('grounds') or '').strip()}"
    )
    if data.get("late_reason"):
        text += " " + _sentence(f"Lodged after the appeal window because: {data['late_reason'].strip()}")
    return text + override_sentence(data, names)


def decide_appeal(data, names):
    who = names(data.get("subject", ""))
    result = data.get("result")
    if result == "varied":
        head = f"Appeal of {who} varied: the sanction is now {_lower(sanction_label(data.get('sanction') or ''))}"
    elif result == "overturned":
        head = f"Appeal of {who} overturned: the outcome is set aside"
    else:
        head = f"Appeal of {who} upheld: the outcome stands"
    earlier = data.get("supersedes")
    if isinstance(earlier, dict) and earlier.get("sanction"):
        head += f" (was {_lower(sanction_label(earlier['sanction']))})"
    return _sentence(_with_reason(head, data.get("reason")))


def waive_appeal(data, names):
    return _sentence(
        _with_reason(f"{names(data.get('subject', ''))} said in writing they will not appeal", data.get("reason"))
    )


def declare_conflict(data, names):
    roles = _list(_role(r) for r in data.get("roles") or [])
    as_roles = f" as {roles}" if roles else ""
    if data.get("conflict"):
        return _sentence(_with_reason(f"Declared a conflict of interest{as_roles}", data.get("text")))
    return _sentence(_with_reason(f"Declared no conflict of interest{as_roles}", data.get("text")))


def reassign(data, names):
    before = _list(names(e) for e in data.get("before") or []) or "nobody"
    text = _sentence(f"{CASE_ROLES.get(data.get('role'), 'Role')}: {before} → {names(data.get('person', ''))}")
    if data.get("reason"):
        text += " " + _sentence(f"Reason: {str(data['reason']).strip()}")
    return text + override_sentence(data, names)
