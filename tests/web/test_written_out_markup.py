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
