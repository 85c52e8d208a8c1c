"""Markup written out for speed is the markup GOV.UK Frontend's macros give (whitespace aside)."""

import re

import pytest
from flask import render_template_string

from casework.web.forms import CaseSearchForm


@pytest.fixture
def hr(make_department, make_user, make_case, db_session):
    housing = make_department("Housing")
    officer = make_user("hr", department=housing, name="Hana HR")
    make_case(make_user(department=housing, name="Rhys Reporter"), subjects=[make_user(department=housing)])
    db_session.commit()
    return officer


def squeeze(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r">\s+", ">", html)
    html = re.sub(r"\s+<", "<", html)
    return html.replace(" >", ">").strip()


def between(html: str, start: str, end: str) -> str:
    first = html.index(start)
    return html[first : html.index(end, first) + len(end)]


def test_the_service_navigation_is_the_macros_markup(client, hr, login_as):
    login_as(hr)
    page = client.get("/cases").get_data(as_text=True)
    written = between(page, '<div class="govuk-service-navigation"', "</ul>")
    hrefs = re.findall(r'<a class="govuk-service-navigation__link" href="([^"]+)"', written)
    texts = re.findall(
        r'aria-current="true">|<a class="govuk-service-navigation__link" href="[^"]+">([^<]+)</a>', written
    )
    assert len(hrefs) >= 5 and "/cases" in hrefs
    nav = []
    for item in re.findall(r"<li[^>]*>(.*?)</li>", written, re.S):
        href = re.search(r'href="([^"]+)"', item).group(1)
        active = "aria-current" in item
        text = re.sub(r"<[^>]+>", "", item).strip()
        nav.append({"href": href, "text": text, "active": active})
    assert [item["text"] for item in nav if item["active"]] == ["Cases"]
    assert texts
    macro = render_template_string(
        '{% from "govuk_frontend_jinja/components/service-navigation/macro.html" import govukServiceNavigation %}'
        '{{ govukServiceNavigation({"navigation": nav, "navigationClasses": "", "ariaLabel": "Menu"}) }}',
        nav=nav,
    )
    assert squeeze(written) == squeeze(between(macro, '<div class="govuk-service-navigation"', "</ul>"))


def test_the_search_box_is_the_widgets_markup(client, hr, login_as, app):
    login_as(hr)
    for query, data in (("", None), ("?q=Sam", {"q": "Sam"}), ("?q=" + "x" * 201, {"q": "x" * 201})):
        page = client.get("/cases" + query).get_data(as_text=True)
        written = between(page, '<div class="govuk-form-group', 'autocomplete="off">')
        with app.test_request_context("/cases" + query):
            from werkzeug.datastructures import MultiDict

            form = CaseSearchForm(formdata=MultiDict(data) if data is not None else None)
            if data is not None:
                form.validate()
            widget = str(form.q(params={"classes": "govuk-!-width-full", "spellcheck": False, "autocomplete": "off"}))
        widget = between(widget, '<div class="govuk-form-group', 'autocomplete="off"') + ">"
        assert squeeze(written) == squeeze(widget), query[:10]


# --- the GOV.UK page template ------------------------------------------------------


@pytest.fixture
def through_govuk_template(app):
    """Renders pages with base.html extending govuk-frontend-jinja's own page template (with its macros), as
    before the page template was written out: `with through_govuk_template(): ...`"""
    from contextlib import contextmanager

    from jinja2 import ChoiceLoader, DictLoader

    source = app.jinja_env.loader.get_source(app.jinja_env, "base.html")[0]
    assert source.startswith('{% extends "govuk_page.html" %}')
    original = source.replace(
        '{% extends "govuk_page.html" %}', '{% extends "govuk_frontend_jinja/template.html" %}', 1
    )

    @contextmanager
    def switched():
        loader = app.jinja_env.loader
        app.jinja_env.loader = ChoiceLoader([DictLoader({"base.html": original}), loader])
        app.jinja_env.cache.clear()
        try:
            yield
        finally:
            app.jinja_env.loader = loader
            app.jinja_env.cache.clear()

    return switched


def comparable(html: str) -> str:
    """A page with what differs from one response to the next (the CSP nonce, the CSRF token) taken out."""
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    html = re.sub(r'(<input[^>]*name="csrf_token"[^>]*value=")[^"]*"', r'\1"', html)
    return squeeze(html)


def both_ways(through_govuk_template, fetch) -> tuple[str, str]:
    written = fetch()
    with through_govuk_template():
        original = fetch()
    return comparable(written), comparable(original)


def test_signed_in_pages_are_the_govuk_templates_markup(client, hr, login_as, through_govuk_template, db_session):
    from casework.models import Case

    login_as(hr)
    reference = db_session.query(Case.reference).scalar()
    for path in ("/", "/cases", f"/cases/{reference}", "/notifications", "/my-reports", "/report"):
        written, original = both_ways(through_govuk_template, lambda: client.get(path).get_data(as_text=True))
        assert 'class="govuk-skip-link"' in written and "Hana HR" in written, path
        assert written == original, path


def test_signed_out_pages_flashes_and_errors_are_the_govuk_templates_markup(client, hr, through_govuk_template):
    def sign_in_page():
        return client.get("/sign-in").get_data(as_text=True)

    written, original = both_ways(through_govuk_template, sign_in_page)
    assert "Sign in" in written and written == original

    def failed_sign_in():
        client.fetch_csrf_token()
        return client.post("/sign-in", data={"email": hr.email, "password": "not the password"}).get_data(as_text=True)

    written, original = both_ways(through_govuk_template, failed_sign_in)
    assert "govuk-error-summary" in written and written == original


def test_flashed_messages_and_a_forms_errors_are_the_govuk_templates_markup(app, through_govuk_template):
    from flask import flash
    from werkzeug.datastructures import MultiDict

    page = (
        '{% extends "base.html" %}{% block title %}Checked{% endblock %}'
        "{% block main_content %}<p>Body</p>{% endblock %}"
    )

    def render():
        with app.test_request_context("/cases"):
            flash("Saved.", "success")
            flash("Look again.", "warning")
            form = CaseSearchForm(formdata=MultiDict({"q": "x" * 201}))
            assert not form.validate()
            return render_template_string(page, form=form)

    written, original = both_ways(through_govuk_template, render)
    assert "govuk-notification-banner--success" in written and "Look again." in written
    assert "govuk-error-summary" in written
    assert written == original


# The case page's "add information" form as it was made with the fields' govuk-frontend-wtf widgets
CASE_FORM_WIDGETS = """{{ form.csrf_token }}
      {{ form.version }}
      {{ form.seen_event }}
      {{ form.text(params={"label": {"classes": "govuk-label--m"},
                           "hint": {"text": "Anything new about this case"}, "rows": 4}) }}
      {{ form.submit(params={"classes": "govuk-button--secondary"}) }}"""


def test_the_case_pages_form_is_the_widgets_markup(client, hr, login_as, app, db_session):
    """Shown afresh, sent back with an error (what was typed kept), and sent on an older version of the case."""
    from werkzeug.datastructures import MultiDict

    from casework.models import Case
    from casework.web.forms import AddInformationForm

    case = db_session.query(Case).one()
    login_as(hr)
    path = f"/cases/{case.reference}"
    too_long = 'Too "long" <b>\n' + "x" * 20_000
    sent = [
        (None, 200),
        ({"text": too_long, "version": str(case.version), "submit": "y"}, 422),
        ({"text": "Typed <i>before</i>\n& kept", "version": "0", "seen_event": "0", "submit": "y"}, 409),
    ]
    for data, status in sent:
        response = client.get(path) if data is None else client.post(f"{path}/information", data=data)
        assert response.status_code == status
        page = response.get_data(as_text=True)
        start = f'<form method="post" action="{path}/information" novalidate>'
        written = between(page, start, "</form>")[len(start) : -len("</form>")].strip()
        with app.test_request_context(method="POST" if data else "GET"):
            form = AddInformationForm(formdata=MultiDict(data) if data else None)
            if data:
                form.validate()
            form.version.data = str(case.version)
            form.seen_event.data = re.search(r'name="seen_event" type="hidden" value="(\d*)"', written).group(1)
            widgets = render_template_string(CASE_FORM_WIDGETS, form=form)
        token = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]*')
        assert token.sub(r"\1", written) == token.sub(r"\1", widgets.strip()), status
        if data:
            assert "Typed &lt;i&gt;before&lt;/i&gt;\n&amp; kept" in written or "Too &#34;long&#34;" in written
