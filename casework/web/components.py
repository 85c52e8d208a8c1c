"""GOV.UK components made in Python for the pages that show many of them.

govuk-frontend-jinja's macros cost a case page more than the rest of its
template (each call builds its own namespace, nested macros and filters).
These give the same HTML, character for character, for the parameters they
accept; tests/web/test_components.py compares them with the macros.
"""

from jinja2.filters import do_indent
from markupsafe import Markup, escape

from ..domain import policy
from ..domain.policy import Stage


def _classes(base: str, extra) -> str:
    return f"{base} {escape(extra)}" if extra else base


def _content(part: dict) -> str:
    """A key's or value's `html` (trusted, trimmed and indented as the macro does) or else its `text`."""
    html = part.get("html")
    if html:
        return do_indent(Markup(html).strip(), 6)  # noqa: S704  # nosec B704: `html` is trusted, as `| safe` in the macro
    return escape(part["text"]) if "text" in part else ""


def summary_list(rows, classes: str | None = None) -> Markup:
    """govukSummaryList({"rows": rows, "classes": classes}) for rows without actions, outside a card:
    each row a dict with `key` and `value` ({"text": ...} or {"html": ...}, and `classes`) and its own
    `classes`; a row that is None or empty is left out, as the macro does."""
    if any(row and row.get("actions") for row in rows):
        raise ValueError("summary_list makes rows without actions; use govukSummaryList")
    parts = ["\n\n", "\n  \n" * len(rows), f'<dl class="{_classes("govuk-summary-list", classes)}">\n']
    for row in rows:
        parts.append("\n  ")
        if row:
            key, value = row["key"], row["value"]
            parts.append(
                f'\n  <div class="{_classes("govuk-summary-list__row", row.get("classes"))}">\n'
                f'    <dt class="{_classes("govuk-summary-list__key", key.get("classes"))}">\n'
                f"      {_content(key)}\n"
                "    </dt>\n"
                f'    <dd class="{_classes("govuk-summary-list__value", value.get("classes"))}">\n'
                f"      {_content(value)}\n"
                "    </dd>\n"
                "    \n"
                "  </div>\n  "
            )
        parts.append("\n")
    parts.append("\n</dl>\n")
    return Markup("".join(parts))  # noqa: S704  # nosec B704: every value above is escaped or trusted `html`


def _status_tag(stage: str) -> Markup:
    status = policy.reporter_status(stage)
    colour = (
        "govuk-tag--grey"
        if status == "Concluded"
        else ("govuk-tag--light-blue" if status == "Received" else "govuk-tag--blue")
    )
    # The macro's output begins with the newline after its `set`
    return Markup(f'\n<strong class="govuk-tag {colour}">{escape(status)}</strong>')  # noqa: S704  # nosec B704: escaped


# The status a reporter sees for each stage, as cases/_macros.html's status_tag gives it, made once
STATUS_TAGS = {str(stage): _status_tag(stage) for stage in Stage}
