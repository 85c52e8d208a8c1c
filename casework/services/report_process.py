"""The fair process in the case report (ACAS Code of Practice on disciplinary and grievance procedures):
allegations with their findings, the investigation report, HR's advice, hearings, the outcome of each
person, appeals, every separation-of-duties override and every declared conflict, so a panel or a
tribunal can see from the report alone that each person was treated fairly."""

from ..domain.policy import (
    APPEAL_RESULTS,
    CASE_ROLES,
    FINDINGS,
    RECOMMENDATIONS,
    RIGHTS_DECISIONS,
    category_label,
    sanction_label,
)
from ..domain.text import sentences
from ..models import Case, Outcome, User
from ..reports.case_report import Record, ReportSection
from ..reports.common import london


def _day(value) -> str:
    return value.strftime("%d %B %Y") if value else ""


def _name(user: User | None) -> str:
    return user.name if user is not None else ""


def _names(case: Case, ids) -> str:
    people = {s.id: s.name for s in case.subjects}
    return "; ".join(people.get(i, "someone no longer on the case") for i in ids or ())


def _finding(code) -> str:
    return FINDINGS.get(code, "Not yet found") if code else "Not yet found"


def allegations(case: Case) -> ReportSection | None:
    rows = [a for a in case.allegation_rows]
    if not rows:
        return None
    records = []
    for a in rows:
        details = [
            ("Category", category_label(a.category)),
            ("What is alleged", a.text),
            ("Finding", _finding(a.finding)),
        ]
        if a.removed_at is not None:
            details.append(("Withdrawn", f"{london(a.removed_at)}: {a.removed_reason or ''}"))
        records.append(Record(_name(a.subject), details))
    return ReportSection("Allegations and findings", records)


def investigation_report(case: Case) -> ReportSection | None:
    if not case.investigation_reports:
        return None
    records = [
        Record(
            "",
            [
                ("Recommendation", RECOMMENDATIONS.get(r.recommendation, r.recommendation)),
                ("Summary", r.summary),
                ("Submitted", f"{_name(r.submitted_by)}, {london(r.submitted_at)}"),
            ],
        )
        for r in case.investigation_reports
    ]
    return ReportSection("Investigation report", records)


def hr_advice(case: Case) -> ReportSection | None:
    if not case.hr_advice:
        return None
    return ReportSection(
        "HR advice",
        [
            Record("", [("Advice", a.text), ("Given", f"{_name(a.given_by)}, {london(a.given_at)}")])
            for a in case.hr_advice
        ],
        "Acceptable Use of Social Media Policy 10: HR advises the person deciding.",
    )


def hearings(case: Case) -> ReportSection | None:
    if not case.hearings:
        return None
    records = []
    for number, h in enumerate(case.hearings, start=1):
        rows = [
            ("Hearing officer", _name(h.hearing_officer)),
            ("When", london(h.hearing_at)),
            ("Invited", _names(case, h.subject_ids)),
        ]
        if h.postponed:
            rows.append(
                ("Postponed", f"From {london(h.first_hearing_at)}, on {london(h.postponed_at)}: {h.postponed_reason}")
            )
        rows.append(("Held", "Yes" if h.held else "Not yet"))
        for label, value in (
            ("Attended", h.attended),
            ("Companion", h.companion),
            ("What was said", h.subject_statement),
        ):
            if value:
                rows.append((label, value))
        records.append(Record(f"Hearing {number}", rows))
    return ReportSection("Hearings", records)


def _outcome_text(case: Case, o: Outcome) -> str:
    parts = [FINDINGS.get(o.finding, o.finding), sanction_label(o.sanction)]
    if o.live_until:
        parts.append(f"live until {_day(o.live_until)}")
    if o.rights_decision:
        parts.append(RIGHTS_DECISIONS.get(o.rights_decision, o.rights_decision).lower())
    parts.append(f"decided by {_name(o.decided_by)}, {london(o.decided_at)}")
    hearing = next((h for h in case.hearings if h.id == o.hearing_id), None)
    if hearing is not None and (o.subject_id is None or o.subject_id in (hearing.subject_ids or ())):
        parts.append("after a hearing")
    if o.appeal_waived_at:
        parts.append(f"appeal waived {london(o.appeal_waived_at)}: {o.appeal_waived_reason or ''}")
    elif o.appeal_due_on:
        parts.append(f"appeal by {_day(o.appeal_due_on)}")
    return "; ".join(parts)


def outcome_rows(case: Case) -> list[tuple[str, str]]:
    """The outcome of each person that stands, then every earlier one kept as superseded."""
    rows = []
    current = case.current_outcomes
    if not current:
        return rows
    for o in current:
        rows.append((o.subject.name if o.subject else "Everyone in the case", _outcome_text(case, o)))
    outcome = case.outcome
    rows += [
        ("Content removed", "Yes" if outcome.content_removed else "No"),
        ("Summary", outcome.summary),
    ]
    for earlier in case.superseded_outcomes:
        who = _name(earlier.superseded_by) or "unknown"
        person = f"{earlier.subject.name}: " if earlier.subject else ""
        rows.append(
            (
                "Earlier outcome (superseded)",
                f"{person}{FINDINGS.get(earlier.finding, earlier.finding)}, {sanction_label(earlier.sanction)}; "
                f"decided by {_name(earlier.decided_by)}, {london(earlier.decided_at)}. Superseded by {who}, "
                f"{london(earlier.superseded_at)}: {earlier.superseded_reason or ''}",
            )
        )
    for action in case.contractor_actions:
        rows.append(
            (
                "Contractor's action",
                f"{action.text} (recorded by {_name(action.recorded_by)}, {london(action.recorded_at)})",
            )
        )
    return rows


def appeals(case: Case) -> ReportSection | None:
    if not case.appeals:
        return None
    records = []
    for a in case.appeals:
        rows = [
            ("Against", sanction_label(a.outcome.sanction) if a.outcome else ""),
            ("Grounds", a.grounds),
            ("Appeal officer", _name(a.appeal_officer)),
            ("Lodged", london(a.lodged_at)),
        ]
        if a.late_reason:
            rows.append(("Lodged late because", a.late_reason))
        if a.result:
            replacement = next((o for o in case.outcomes if o.id == a.new_outcome_id), None)
            result = APPEAL_RESULTS.get(a.result, a.result)
            if replacement is not None:
                result += f" – now {sanction_label(replacement.sanction)}"
            rows += [("Result", result), ("Reasons", a.reason or ""), ("Decided", london(a.decided_at))]
        else:
            rows.append(("Result", "Not yet decided"))
        records.append(Record(_name(a.subject), rows))
    return ReportSection("Appeals", records)


def overrides(case: Case) -> ReportSection | None:
    if not case.overrides:
        return None
    records = [
        Record(
            f"{_name(o.person)} as {CASE_ROLES.get(o.role, o.role).lower()}",
            [
                ("Rules set aside", sentences(o.rules)),
                ("Reason", o.reason),
                ("By", f"{_name(o.by)}, {london(o.at)}"),
            ],
        )
        for o in case.overrides
    ]
    return ReportSection(
        "Separation of duties set aside",
        records,
        "Where another person was not practicable (ACAS Code of Practice), with the reason given.",
    )


def conflicts(case: Case) -> ReportSection | None:
    if not case.conflicts:
        return None
    records = [
        Record(
            _name(c.user),
            [
                ("Roles", ", ".join(CASE_ROLES.get(r, r) for r in c.roles or []) or "None"),
                ("Conflict of interest", "Yes" if c.conflict else "No"),
                ("Details", c.text),
                ("Declared", london(c.declared_at)),
                *([("Role reassigned", london(c.resolved_at))] if c.resolved_at else []),
            ],
        )
        for c in case.conflicts
    ]
    return ReportSection("Conflicts of interest declared", records)


def sections(case: Case) -> tuple[list[ReportSection], list[ReportSection]]:
    """The fair process's sections: those before the outcome, and those after it."""
    before = [allegations(case), investigation_report(case), hr_advice(case), hearings(case)]
    after = [appeals(case), overrides(case), conflicts(case)]
    return [s for s in before if s], [s for s in after if s]
