"""The summary list made in Python gives govuk-frontend-jinja's macro's HTML, character for character."""

import pytest
from markupsafe import Markup

from casework.domain.policy import Stage
from casework.web.components import STATUS_TAGS, summary_list

MACRO = (
    '{% from "govuk_frontend_jinja/components/summary-list/macro.html" import govukSummaryList %}'
    '{{ govukSummaryList({"rows": rows, "classes": classes}) }}'
)

ROWS = [
    [],
    [{"key": {"text": "Stage"}, "value": {"text": "Investigation"}}],
    [{"key": {"text": "A <b> & c"}, "value": {"text": "x\ny", "classes": "app-wrap"}}],
    [{"key": {"html": Markup("<i>key</i>")}, "value": {"html": Markup("one<br>\ntwo\n\nthree\n")}}],
    [None, {"key": {"text": "Owner"}, "value": {"text": None}}, {}],
    [{"key": {"text": "Number"}, "value": {"text": 3}, "classes": "app-row"}],
    [{"key": {"text": "Empty html"}, "value": {"html": "", "text": "the text"}}],
    [{"key": {"text": "Only classes"}, "value": {"classes": "a<b"}}],
    [{"key": {"text": "Padded"}, "value": {"html": Markup("  <p>z</p>  ")}}, {"key": {"text": "b"}, "value": {}}],
]


@pytest.mark.parametrize("rows", ROWS)
@pytest.mark.parametrize("classes", [None, "", "govuk-!-margin-bottom-9"])
def test_summary_list_is_the_macro(app, rows, classes):
    with app.test_request_context():
        expected = app.jinja_env.from_string(MACRO).render(rows=rows, classes=classes)
    assert str(summary_list(rows, classes)) == expected


def test_summary_list_refuses_rows_with_actions():
    with pytest.raises(ValueError):
        summary_list([{"key": {"text": "a"}, "value": {"text": "b"}, "actions": {"items": [{"href": "/x"}]}}])


@pytest.mark.parametrize("stage", [str(stage) for stage in Stage])
def test_status_tags_are_the_macros(app, stage):
    with app.test_request_context():
        expected = app.jinja_env.from_string(
            '{% from "cases/_macros.html" import status_tag %}{{ status_tag(stage) }}'
        ).render(stage=stage)
    assert str(STATUS_TAGS[stage]) == expected


# The case page's form, written out: each state its fields can be in (empty, sent back with what was typed,
# with an error) gives the govuk-frontend-wtf widget's HTML, character for character
TYPED = [None, "", "x", 'A <b> & "quoted"\nsecond line\n\n  indented', "  "]
ERRORS = [None, "Information must be 20,000 characters or fewer", 'Not <b>this</b> & "that"', "Two\nlines"]


def _form(app, data: dict | None, errors=None):
    from werkzeug.datastructures import MultiDict

    from casework.web.forms import AddInformationForm

    form = AddInformationForm(formdata=MultiDict(data) if data is not None else None, version=7, seen_event=3)
    if errors:
        form.text.errors = [errors]
    return form


@pytest.mark.parametrize("typed", TYPED)
@pytest.mark.parametrize("error", ERRORS)
@pytest.mark.parametrize(
    "params",
    [
        {"label_classes": "govuk-label--m", "hint": "Anything new about this case", "rows": 4},
        {"label_classes": "govuk-label--m", "rows": 4},
        {"rows": 6},
        {"label_classes": "a<b", "hint": "Two\nlines & <more>", "rows": 4},
    ],
)
def test_the_written_out_textarea_is_the_widget(app, typed, error, params):
    from casework.web.components import textarea

    macro_params = {"rows": params["rows"]}
    if "label_classes" in params:
        macro_params["label"] = {"classes": params["label_classes"]}
    if "hint" in params:
        macro_params["hint"] = {"text": params["hint"]}
    with app.test_request_context(method="POST"):
        form = _form(app, {"text": typed} if typed is not None else None, error)
        assert str(textarea(form.text, **params)) == str(form.text(params=macro_params))


@pytest.mark.parametrize("sent", [None, "y", 'a"<b>', ""])
@pytest.mark.parametrize("classes", [None, "govuk-button--secondary"])
def test_the_written_out_submit_button_is_the_widget(app, sent, classes):
    from casework.web.components import submit_button

    with app.test_request_context(method="POST"):
        form = _form(app, {"submit": sent} if sent is not None else None)
        widget = form.submit(params={"classes": classes}) if classes else form.submit()
        assert str(submit_button(form.submit, classes)) == str(widget)


@pytest.mark.parametrize("sent", [None, "12", '"><script>', ""])
def test_the_written_out_hidden_inputs_are_the_widgets(app, sent):
    from casework.web.components import hidden_input

    with app.test_request_context(method="POST"):
        form = _form(app, {"version": sent, "seen_event": sent} if sent is not None else None)
        for field in (form.version, form.seen_event):
            assert str(hidden_input(field)) == str(field)
        if hasattr(form, "csrf_token"):
            assert str(hidden_input(form.csrf_token)) == str(form.csrf_token)


def test_the_written_out_csrf_token_is_the_widget(app, monkeypatch):
    from casework.web.components import hidden_input

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    with app.test_request_context():
        form = _form(app, None)
        assert 'name="csrf_token"' in str(form.csrf_token)
        assert str(hidden_input(form.csrf_token)) == str(form.csrf_token)


def test_a_required_field_is_left_to_its_widget(app):
    from wtforms import Form, TextAreaField
    from wtforms.validators import DataRequired

    from casework.web.components import textarea

    class Required(Form):
        text = TextAreaField("Text", validators=[DataRequired()])

    with pytest.raises(ValueError):
        textarea(Required().text, rows=4)
