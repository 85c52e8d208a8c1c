"""The HR summary as PDF and CSV, from the summary's plain data (a dict as in the JSON API)."""

import csv
import io
from collections.abc import Callable

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from ..domain.text import looks_like_formula
from . import charts
from .common import Imprint, build_pdf, grid_table, key_value_table, para

# The appeals figures (lodged in the period; decided in it, by result)
APPEAL_LABELS = {
    "lodged": "Lodged",
    "upheld": "Upheld: the outcome stands",
    "varied": "Varied: a different sanction",
    "overturned": "Overturned: the outcome is set aside",
}

SECTIONS = [
    ("by_stage", "Cases by stage"),
    ("by_kind", "Cases by kind"),
    ("by_category", "Cases by category"),
    ("by_platform", "Cases by platform"),
    ("by_department", "Cases by department"),
    ("by_staff_type", "Cases by staff type of the people concerned"),
    ("by_outcome", "Outcomes by finding"),
    ("by_sanction", "Outcomes by sanction"),
    ("by_route", "Reports routed to another procedure (Acceptable Use of Social Media Policy 2 and 3)"),
]


def ranked(counts: dict[str, int], label: Callable[[str], str]) -> list[tuple[str, int]]:
    return sorted(((label(k), v) for k, v in counts.items()), key=lambda item: (-item[1], item[0]))


def build_pdf_report(data: dict, labels: dict[str, Callable[[str], str]], imprint: Imprint) -> bytes:
    period = data["period"]
    durations = data["durations"]
    story = [
        para("HR summary of social media cases", "title"),
        para(f"Cases reported from {period['from']} to {period['to']}", "small"),
        Spacer(1, 4 * mm),
        key_value_table(
            [
                ("Cases opened", data["opened"]),
                ("Cases closed", data["closed"]),
                ("Outcomes timed", durations["outcomes_timed"]),
                ("Median working days, report to outcome", _number(durations["median_working_days_to_outcome"])),
                ("90th percentile working days, report to outcome", _number(durations["p90_working_days_to_outcome"])),
                ("Open cases with an overdue deadline (today)", data["overdue"]["total"]),
                ("Suspensions active longer than 20 working days", len(data["long_suspensions"])),
            ],
            widths=(90 * mm, 80 * mm),
        ),
        Spacer(1, 4 * mm),
        charts.horizontal_bars("Cases by category", ranked(data["by_category"], labels["category"])),
        Spacer(1, 4 * mm),
        charts.horizontal_bars("Cases by platform", ranked(data["by_platform"], labels["platform"])),
        Spacer(1, 4 * mm),
        charts.vertical_bars("Cases opened per month", list(data["opened_per_month"].items())),
    ]
    for key, title in SECTIONS:
        rows = ranked(data.get(key) or {}, labels.get(key.removeprefix("by_"), str))
        story.append(
            KeepTogether(
                [
                    para(title, "h2"),
                    grid_table(
                        ["", "Cases"], [[label, count] for label, count in rows] or [["None", 0]], [120 * mm, 30 * mm]
                    ),
                ]
            )
        )
    story.append(para("Consistency: sanctions given for each category", "h2"))
    story.append(para("Acceptable Use of Social Media Policy 9: like misconduct should get like outcomes.", "intro"))
    sanctions = sorted({s for row in data["consistency"].values() for s in row})
    if sanctions:
        header = ["Category"] + [labels["sanction"](s) for s in sanctions]
        width = (174 * mm - 50 * mm) / len(sanctions)
        rows = [
            [labels["category"](category)] + [data["consistency"][category].get(s, 0) for s in sanctions]
            for category in sorted(data["consistency"])
        ]
        story.append(grid_table(header, rows, [50 * mm] + [width] * len(sanctions)))
    else:
        story.append(para("No outcomes in this period."))
    appeals = data.get("appeals") or {}
    story.append(
        KeepTogether(
            [
                para("Appeals", "h2"),
                para("Lodged in the period, and decided in it by their result.", "intro"),
                grid_table(
                    ["Appeals", "Number"],
                    [[APPEAL_LABELS[figure], appeals.get(figure, 0)] for figure in APPEAL_LABELS],
                    [130 * mm, 30 * mm],
                ),
            ]
        )
    )
    story.append(para("Referrals by agency and status", "h2"))
    referral_rows = [
        [labels["agency"](agency), labels["referral_status"](status), count]
        for agency, statuses in sorted(data["referrals"].items())
        for status, count in sorted(statuses.items())
    ]
    story.append(
        grid_table(["Agency", "Status", "Referrals"], referral_rows or [["None", "", 0]], [70 * mm, 60 * mm, 30 * mm])
    )
    story.append(para("Overdue deadlines", "h2"))
    story.append(
        grid_table(
            ["Deadline", "Cases"],
            [[k, v] for k, v in sorted(data["overdue"]["by_deadline"].items())] or [["None", 0]],
            [130 * mm, 30 * mm],
        )
    )
    story.append(para("Suspensions active longer than 20 working days", "h2"))
    story.append(
        grid_table(
            ["Case", "Person", "Since", "Working days"],
            [[s["reference"], s["person"], s["since"][:10], s["working_days"]] for s in data["long_suspensions"]]
            or [["None", "", "", ""]],
            [40 * mm, 60 * mm, 40 * mm, 30 * mm],
        )
    )
    return build_pdf(story, title="HR summary", imprint=imprint, subject="Casework HR summary")


def _number(value) -> str:
    return "–" if value is None else f"{value:g}"


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (a quote before = + - @, their
    full-width forms, tab or carriage return: casework.domain.text.looks_like_formula)."""
    cell = "" if value is None else str(value)
    return "'" + cell if looks_like_formula(cell) else cell


def build_csv(data: dict, labels: dict[str, Callable[[str], str]]) -> bytes:
    """Long-format CSV (section, item, code, value): UTF-8 with a BOM so Excel reads it, ISO dates."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "item", "code", "value"])
    period = data["period"]
    for row in (
        ("period", "from", "", period["from"]),
        ("period", "to", "", period["to"]),
        ("totals", "opened", "", data["opened"]),
        ("totals", "closed", "", data["closed"]),
        ("durations", "outcomes timed", "", data["durations"]["outcomes_timed"]),
        (
            "durations",
            "median working days to outcome",
            "",
            _number(data["durations"]["median_working_days_to_outcome"]),
        ),
        ("durations", "p90 working days to outcome", "", _number(data["durations"]["p90_working_days_to_outcome"])),
        ("overdue", "total", "", data["overdue"]["total"]),
    ):
        writer.writerow([safe_cell(c) for c in row])
    for key, _title in SECTIONS:
        label = labels.get(key.removeprefix("by_"), str)
        for code, count in sorted((data.get(key) or {}).items()):
            writer.writerow([key, safe_cell(label(code)), safe_cell(code), count])
    for month, count in data["opened_per_month"].items():
        writer.writerow(["opened_per_month", month, month, count])
    for category, row in sorted(data["consistency"].items()):
        for sanction, count in sorted(row.items()):
            writer.writerow(
                [
                    "consistency",
                    safe_cell(f"{labels['category'](category)} / {labels['sanction'](sanction)}"),
                    f"{category}/{sanction}",
                    count,
                ]
            )
    for figure, label in APPEAL_LABELS.items():
        writer.writerow(["appeals", label, figure, (data.get("appeals") or {}).get(figure, 0)])
    for agency, statuses in sorted(data["referrals"].items()):
        for status, count in sorted(statuses.items()):
            writer.writerow(
                ["referrals", safe_cell(f"{labels['agency'](agency)} / {status}"), f"{agency}/{status}", count]
            )
    for deadline, count in sorted(data["overdue"]["by_deadline"].items()):
        writer.writerow(["overdue", safe_cell(deadline), "", count])
    for s in data["long_suspensions"]:
        writer.writerow(
            ["long_suspensions", safe_cell(f"{s['reference']} {s['person']}"), s["since"][:10], s["working_days"]]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
