"""The home page's tables and lists, read as plain rows with their references and tags written out, are the
markup the case records and the reference, stage_tag and status_tag macros gave (whitespace aside)."""

# ruff: noqa: E501 (the templates as they were, line for line)

from datetime import timedelta

from flask import render_template_string

from casework.models import Case, Suspension, utcnow
from casework.services import dashboard, workflow
from casework.services.cases import my_reports

from .test_written_out_markup import between, squeeze

# The home page's templates as they were, from the records and with a macro call for each reference and tag
MACROS = '{% from "cases/_macros.html" import reference, stage_tag, status_tag, scrolling_table %}'
CASE_TABLE = (
    MACROS
    + """
{% call scrolling_table(caption) %}
<table class="govuk-table">
  <caption class="govuk-table__caption govuk-visually-hidden">{{ caption }}</caption>
  <thead class="govuk-table__head">
    <tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">Reference</th>
      <th scope="col" class="govuk-table__header">Kind</th>
      <th scope="col" class="govuk-table__header">Stage</th>
      <th scope="col" class="govuk-table__header">Next deadline</th>
    </tr>
  </thead>
  <tbody class="govuk-table__body">
  {% for case in cases %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ case_path(case.reference) }}">{{ reference(case.reference) }}</a></td>
      <td class="govuk-table__cell">{{ 'Breach' if case.kind == 'breach' else 'Abuse' }}</td>
      <td class="govuk-table__cell">{{ stage_tag(case.stage) }}</td>
      <td class="govuk-table__cell">{% if case.next_deadline_at %}{{ case.next_deadline_label }}: {{ case.next_deadline_at | london_time('%d %b %Y %H:%M') }}{% else %}–{% endif %}</td>
    </tr>
  {% endfor %}
  </tbody>
</table>
{% endcall %}"""
)
REVIEWS = (
    MACROS
    + """
  {% for suspension in reviews %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ url_for('cases.show', reference=suspension.case.reference) }}">{{ reference(suspension.case.reference) }}</a></td>
      <td class="govuk-table__cell">{{ suspension.subject.name }}</td>
      <td class="govuk-table__cell">{{ suspension.started_at | london_time('%d %b %Y') }}</td>
      <td class="govuk-table__cell">{{ suspension.next_review_on | long_date }}{% if suspension.next_review_on and suspension.next_review_on < today %} <strong class="govuk-tag govuk-tag--red">Overdue</strong>{% endif %}</td>
    </tr>
  {% endfor %}"""
)
REPORTS = (
    MACROS
    + """
<ul class="govuk-list">
  {% for case in reports %}
  <li><a class="govuk-link" href="{{ case_path(case.reference) }}">{{ reference(case.reference) }}</a> {{ status_tag(case.stage) }}</li>
  {% endfor %}
</ul>"""
)


def test_the_home_pages_written_out_rows_are_the_macros_markup(
    app, client, login_as, make_department, make_user, make_case, db_session
):
    from casework.services.deadlines import london_today

    housing = make_department("Housing")
    manager = make_user("manager", department=housing, name="Mo Manager")
    subject = make_user(department=housing, line_manager=manager, password=None, name="Sam <Subject> & Co")
    reporter = make_user(department=housing)
    now = utcnow()
    owned = []
    for number, stage in enumerate(["assessment", "investigation", "outcome", "rights_suspended", "referred"]):
        case = make_case(reporter, subjects=[subject], owner=manager, kind="abuse" if number % 2 else "breach")
        case.stage = stage
        case.next_deadline_at = now + timedelta(days=number - 2, hours=3) if number != 4 else None
        case.next_deadline_label = f"Step <{number}> & more"
        owned.append(case)
    for _ in range(3):  # new reports waiting for an owner
        make_case(reporter, subjects=[subject])
    mine = [make_case(manager, subjects=[reporter]) for _ in range(3)]
    mine[1].stage, mine[2].stage = "investigation", "closed"
    db_session.flush()
    workflow.perform(
        owned[0], manager, "suspend_rights", {"subject": subject.email, "reason": "Pending"}, version=owned[0].version
    )
    db_session.commit()

    login_as(manager)
    page = client.get("/").get_data(as_text=True)
    db_session.expire_all()
    # Which cases each list holds is tested elsewhere (tests/web/test_home_lists.py): here, their markup
    records = {case.id: case for case in db_session.query(Case)}
    tables = {
        "Your cases with a deadline that has passed": dashboard.overdue_cases(manager),
        "New reports you could take on": dashboard.awaiting_owner(manager),
        "Cases you own or investigate": dashboard.my_open_cases(manager),
    }
    assert all(tables.values()) and len(tables["Cases you own or investigate"]) == 5
    with app.test_request_context("/"):
        for caption, rows in tables.items():
            written = between(page, f'<div class="app-table-scroll" role="region" aria-label="{caption}"', "</div>")
            expected = render_template_string(CASE_TABLE, cases=[records[row.id] for row in rows], caption=caption)
            assert squeeze(written) == squeeze(expected), caption
        reviews = db_session.query(Suspension).all()
        assert len(reviews) == 1
        written = between(between(page, "Suspensions under review</h2>", "</table>"), "<tbody", "</tbody>")
        expected = render_template_string(REVIEWS, reviews=reviews, today=london_today())
        assert squeeze(written) == squeeze(between(written, "<tbody", ">") + expected + "</tbody>")
        written = between(between(page, "Your reports</h2>", "</ul>"), '<ul class="govuk-list">', "</ul>")
        reports = [records[row.id] for row in my_reports(manager, limit=10)]
        assert len(reports) == 3
        expected = render_template_string(REPORTS, reports=reports)
        assert squeeze(written) == squeeze(expected)
        assert "Concluded" in written and "Received" in written and "Being looked into" in written
