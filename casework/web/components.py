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


# What govukAttributes gives for no attributes, where the macros below call it
_NO_ATTRIBUTES = "\n    \n  "


def _form_field_params(field) -> None:
    """Refuse a field these functions would not render as its govuk-frontend-wtf widget does: one that is
    required (its widget adds an attribute) or is rendered with other parameters."""
    if "required" in getattr(field, "flags", ()):
        raise ValueError(f"{field.name}: a required field has attributes; render it with its widget")


def textarea(field, *, rows: int, label_classes: str | None = None, hint: str | None = None) -> Markup:
    """`field(params={"label": {"classes": label_classes}, "hint": {"text": hint}, "rows": rows})` for a
    TextAreaField with govuk-frontend-wtf's GovTextArea widget (govukTextarea): the field's label, the hint
    (or else the field's description), its first error and its value. tests/web/test_components.py compares
    them."""
    _form_field_params(field)
    hint = field.description if hint is None else hint
    error = field.errors[0] if field.errors else None
    field_id = escape(field.id)
    described = []
    label = (
        f'<label class="{_classes("govuk-label", label_classes)}" for="{field_id}">\n'
        f"  {escape(field.label.text)}\n"
        "</label>"
    )
    parts = [
        "\n\n\n\n\n",
        f'<div class="govuk-form-group{" govuk-form-group--error" if error else ""}">\n',
        f"  {do_indent(label, 2)}\n",
    ]
    if hint:
        described.append(f"{field_id}-hint")
        hint_html = f'<div id="{field_id}-hint" class="govuk-hint">\n  {escape(hint)}\n</div>'
        parts.append(f"\n  \n  \n  {do_indent(hint_html, 2)}\n")
    parts.append("\n")
    if error:
        described.append(f"{field_id}-error")
        error_html = (
            f'<p id="{field_id}-error" class="govuk-error-message">\n'
            "  \n"
            f'  <span class="govuk-visually-hidden">Error:</span> {escape(error)}\n'
            "  \n"
            "</p>"
        )
        parts.append(f"\n  \n  \n  {do_indent(error_html, 2)}\n")
    parts.append("\n")
    describedby = f' aria-describedby="{" ".join(described)}"' if described else ""
    parts.append(
        f'\n  <textarea class="govuk-textarea{" govuk-textarea--error" if error else ""}" id="{field_id}" '
        f'name="{escape(field.name)}" rows="{escape(rows or 5)}"{describedby}{_NO_ATTRIBUTES}>'
        f"{escape(field._value())}</textarea>\n"
        "\n</div>\n"
    )
    return Markup("".join(parts))  # noqa: S704  # nosec B704: every value above is escaped


def submit_button(field, classes: str | None = None) -> Markup:
    """`field(params={"classes": classes})` for a SubmitField with govuk-frontend-wtf's GovSubmitInput
    widget (govukButton): a button named after the field that shows its label."""
    _form_field_params(field)
    value = field._value()
    value = f' value="{escape(value)}"' if value else ""
    return Markup(  # noqa: S704  # nosec B704: every value is escaped
        f"\n\n\n{'  ' + chr(10) + chr(10) if classes else ''}"
        f'<button type="submit"{value} name="{escape(field.name)}" class="{_classes("govuk-button", classes)}" '
        f'data-module="govuk-button"{_NO_ATTRIBUTES} id="{escape(field.id)}">\n'
        f"  {escape(field.label.text)}\n"
        "</button>\n"
    )


def hidden_input(field) -> Markup:
    """`field` for a HiddenField (or the CSRF token's field): wtforms' HiddenInput."""
    return Markup(  # noqa: S704  # nosec B704: every value is escaped
        f'<input id="{escape(field.id)}" name="{escape(field.name)}" type="hidden" value="{escape(field._value())}">'
    )
