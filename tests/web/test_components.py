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
