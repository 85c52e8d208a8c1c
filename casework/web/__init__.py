"""Web pages: blueprints, template helpers, error pages and cookie policy."""

from datetime import date, datetime
from functools import lru_cache
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Flask, g, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..domain import policy, text
from ..domain import routing as routing_rules
from ..extensions import db, login_manager
from . import components

LONDON = ZoneInfo("Europe/London")


DATE_AND_TIME = "%d %B %Y %H:%M"
MONTHS = tuple(date(2026, month, 1).strftime("%B") for month in range(1, 13))


def london_time(value: datetime | None, fmt: str = DATE_AND_TIME) -> str:
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    if fmt == DATE_AND_TIME:  # as strftime writes it, a few times faster: a case page shows a hundred
        return f"{local.day} {MONTHS[local.month - 1]} {local.year} {local.hour:02d}:{local.minute:02d}"
    return local.strftime(fmt).lstrip("0")


def long_date(value: date | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


@login_manager.user_loader
def load_user(user_id: str):
    """The signed-in person, while their session is still good (see casework.web.sessions)."""
    from ..services import user_sessions
    from . import sessions

    try:
        number = int(user_id)
    except (TypeError, ValueError, OverflowError):
        number = None
    found = user_sessions.load(number, session.get(sessions.SESSION_ID)) if number is not None else None
    if found is None or found.user is None:
        sessions.end()
        return None
    if not sessions.check(found.user, found.record):
        return None
    # The unread count in the header, read with the person (still read afresh on every request)
    g.unread_notifications = found.unread
    return found.user


def signed_in_person():
    """The signed-in person's own record rather than Flask-Login's `current_user`: each attribute read through
    that proxy finds the person again, and a case page's permission checks read about a hundred."""
    return current_user._get_current_object()


@lru_cache(maxsize=256)
def _page_url(script_root: str, endpoint: str) -> str:
    return url_for(endpoint)


def register_web(app: Flask) -> None:
    from ..http import limits
    from . import (
        account_cases,
        accounts,
        auth,
        captures,
        cases,
        letters,
        main,
        passwords,
        people,
        reports,
        sso,
        subject_access,
        two_factor,
        your_account,
    )
    from . import admin as admin_pages
    from . import research as research_pages
    from . import staff_import as staff_import_pages
    from .security import init_security

    init_security(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(main.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(admin_pages.bp)
    app.register_blueprint(staff_import_pages.bp)
    app.register_blueprint(passwords.bp)
    app.register_blueprint(sso.bp)
    app.register_blueprint(people.bp)
    app.register_blueprint(letters.bp)
    app.register_blueprint(subject_access.bp)
    app.register_blueprint(two_factor.bp)
    app.register_blueprint(your_account.bp)
    app.register_blueprint(research_pages.bp)
    research_pages.register_template_helpers(app)
    accounts.register_template_helpers(app)
    account_cases.register(app)
    captures.register(app)
    app.register_error_handler(429, limits.too_many_requests)

    app.add_template_filter(london_time, "london_time")
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(text.sentences, "sentences")

    app.add_template_global(policy, "policy")
    app.add_template_global(routing_rules, "routing")
    app.add_template_global(components.summary_list, "summary_list")
    app.add_template_global(components.STATUS_TAGS, "status_tags")
    # The form fields the case page writes out (components.textarea, submit_button, hidden_input)
    app.add_template_global(components, "components")

    @app.template_global()
    def route_contact(case) -> str | None:
        """Who a routed report's contact is, from the configuration (Acceptable Use of Social Media Policy 2, 3)."""
        from ..services.routing import contact_for

        return contact_for(case.route, case.school_name) if case.route else None

    @app.template_global()
    def nav_url(endpoint: str) -> str:
        """url_for(endpoint) for a page that takes no values (the header's links), worked out once for each
        address the service is served under rather than on every page."""
        return _page_url(request.script_root, endpoint)

    @app.template_global()
    def case_path(reference: str) -> str:
        """A case page's address, as url_for gives it, for lists of many cases: url_for once a request."""
        prefix = g.get("case_path_prefix")
        if prefix is None:
            prefix = g.case_path_prefix = url_for("cases.show", reference="0")[:-1]
        return prefix + quote(reference, safe="")

    @app.template_global()
    def unread_notifications() -> int:
        from flask_login import current_user

        from ..services.dashboard import unread_count

        if not current_user.is_authenticated:
            return 0
        known = g.get("unread_notifications")
        return known if known is not None else unread_count(current_user)

    @app.context_processor
    def inject_names():
        return {"council_name": app.config["COUNCIL_NAME"], "service_name": app.config["SERVICE_NAME"]}

    def error_page(status: int, heading: str, message: str):
        return render_template("error.html", heading=heading, message=message), status

    @app.errorhandler(404)
    def not_found(error):
        return error_page(
            404,
            "Page not found",
            "If you typed the web address, check it is correct. "
            "If you followed a link to a case, you may not have access to it.",
        )

    @app.errorhandler(403)
    def forbidden(error):
        return error_page(
            403,
            "You cannot do that on this case",
            "Only the people responsible for the case can do this. Ask its owner or HR.",
        )

    @app.errorhandler(405)
    def method_not_allowed(error):
        return error_page(405, "That action is not available here", "Go back and use the buttons on the page.")

    @app.errorhandler(413)
    def too_large(error):
        return error_page(413, "The file is too large", "Choose a smaller file and try again.")

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if request.endpoint == "two_factor.set_up":  # the recovery codes' page refreshed: its session has moved on
            explained = two_factor.already_set_up()
            if explained is not None:
                return explained
        return error_page(400, "Your form has expired", "Go back, reload the page and try again. Nothing was saved.")

    @app.errorhandler(400)
    def bad_request(error):
        return error_page(
            400, "Sorry, there is a problem with that request", "Go back and try again. Nothing was saved."
        )

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return error_page(500, "Sorry, there is a problem with the service", "Nothing was saved. Try again later.")
