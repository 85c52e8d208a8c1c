"""Security headers on every response (issue 6, Security 4): a strict Content-Security-Policy
with a nonce per response, no inline styles, no framing, no sniffing, no caching of anything
personal, and HSTS over HTTPS (behind a proxy only when told to trust it)."""

import io
import re

import pytest

from casework import create_app
from casework.web.security import trusted_proxies

from .test_api_fixtures import Api, api_fixture, council_fixture, png_bytes  # noqa: F401  (fixtures)

PAGE_DIRECTIVES = {
    "default-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def check_page_headers(response) -> str:
    """The page's headers are right; returns its nonce."""
    directives = policy(response)
    for name, value in PAGE_DIRECTIVES.items():
        assert directives[name] == value, (name, directives)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    match = re.fullmatch(r"'self' 'nonce-([A-Za-z0-9_-]{20,})'", directives["script-src"])
    assert match, directives["script-src"]
    nonce = match.group(1)
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the GOV.UK template's scripts are missing"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, f"a script without this response's nonce: {tag}"
    assert not re.search(r"\sstyle=", html), "an inline style attribute: the policy blocks it"
    assert not re.search(r"<style\b", html), "an inline <style> element: the policy blocks it"
    assert not re.search(r"\son[a-z]+=", html), "an inline event handler: the policy blocks it"
    check_common_headers(response)
    return nonce


def check_common_headers(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_the_sign_in_page_has_a_strict_policy_and_a_fresh_nonce(client):
    first = client.get("/sign-in")
    second = client.get("/sign-in")
    assert check_page_headers(first) != check_page_headers(second)
    assert first.headers["Cache-Control"] == "no-store"


@pytest.fixture
def case_with_everything(api: Api, council):
    """A case with notes, evidence, a link and a referral: most of what a case page can show."""
    p = council
    reference = api.report(p["reporter"], subjects=[p["subject"].email], description="Line one\nLine two")["reference"]
    api.act(p["manager"], reference, "take_ownership")
    api.act(p["manager"], reference, "suspend_rights", subject=p["subject"].email, reason="While we look")
    api.act(p["manager"], reference, "add_note", kind="note", text="A note\nover two lines")
    api.act(p["manager"], reference, "refer", agency="police", reason="Threats", agency_reference="CR/1")
    evidence_id = api.upload(p["manager"], reference, png_bytes(), "post.png").get_json()["id"]
    return reference, evidence_id


def test_signed_in_pages_have_the_policy_no_inline_styles_and_are_never_cached(
    client, login_as, council, case_with_everything
):
    reference, _ = case_with_everything
    people = council
    pages = {
        people["manager"]: [
            "/",
            "/cases",
            f"/cases/{reference}",
            f"/cases/{reference}/evidence",
            f"/cases/{reference}/actions/add_note",
            f"/cases/{reference}/actions/lift_suspension",
            "/report",
            "/report/breach",
            "/report/abuse",
            "/my-reports",
            "/notifications",
            "/cases/SMC-2026-99999",
        ],
        people["reporter"]: [f"/cases/{reference}", "/my-reports"],
        people["hr"]: ["/reports/summary", f"/cases/{reference}", "/accounts"],
    }
    for user, paths in pages.items():
        login_as(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code in (200, 404), (path, response.status_code)
            assert response.mimetype == "text/html", path
            check_page_headers(response)
            assert response.headers["Cache-Control"] == "no-store", path


def test_the_summary_charts_are_drawn_without_style_attributes(client, login_as, council, case_with_everything):
    login_as(council["hr"])
    html = client.get("/reports/summary").get_data(as_text=True)
    charts = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert charts, "no charts on the summary"
    for svg in charts:
        assert "style=" not in svg
        assert re.search(r'<rect [^>]*fill="rgb\(11%,43%,72%\)"', svg) or "No cases" in svg  # the bars keep colour


def test_downloads_and_api_answers_are_not_pages(api: Api, client, login_as, council, case_with_everything):
    reference, evidence_id = case_with_everything
    login_as(council["manager"])
    download = client.get(f"/cases/{reference}/evidence/{evidence_id}")
    assert download.status_code == 200
    # The download keeps its own, stricter policy: a sandbox in which nothing runs
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert download.headers["Cache-Control"] == "no-store"
    assert download.headers["Content-Disposition"].startswith("attachment")
    check_common_headers(download)

    for response in (
        api.get(council["manager"], f"/cases/{reference}"),
        api.get(council["manager"], "/cases/SMC-2026-99999"),
        api.get(None, "/cases"),
        client.get("/api/v1/openapi.json"),
    ):
        assert response.mimetype == "application/json"
        assert policy(response)["default-src"] == "'none'"
        assert policy(response)["frame-ancestors"] == "'none'"
        assert response.headers["Cache-Control"] == "no-store"
        check_common_headers(response)


def test_static_assets_may_be_cached_but_are_not_sniffed(client):
    response = client.get("/assets/application.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    check_common_headers(response)
    response.close()


def test_errors_have_the_headers_too(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    check_page_headers(response)
    response = client.post("/sign-in", data={"email": "x"}, csrf=False)
    assert response.status_code == 400
    check_page_headers(response)


def test_hsts_is_sent_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    secure = client.get("/sign-in", base_url="https://casework.council.example")
    hsts = secure.headers["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 365 * 24 * 60 * 60
    # A client cannot claim HTTPS for itself when no proxy is trusted
    spoofed = client.get("/sign-in", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers


def test_behind_a_trusted_proxy_its_forwarded_protocol_counts(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "proxy-test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.db'}",
            "EVIDENCE_DIR": str(tmp_path / "evidence"),
            "TRUST_PROXY": "1",
        }
    )
    client = app.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "cw.example"}
    response = client.get("/sign-in", headers=forwarded)
    assert "Strict-Transport-Security" in response.headers
    assert "; Secure" in response.headers["Set-Cookie"]  # the public host the proxy names is not this machine
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers


@pytest.mark.parametrize(
    ("value", "count"),
    [(None, 0), ("", 0), ("0", 0), ("false", 0), (False, 0), ("true", 1), (True, 1), ("2", 2), (3, 3)],
)
def test_trust_proxy_settings(value, count):
    assert trusted_proxies(value) == count


def test_a_nonsense_trust_proxy_setting_is_refused():
    with pytest.raises(ValueError, match="TRUST_PROXY"):
        trusted_proxies("sometimes")


def test_an_upload_beyond_the_request_limit_gets_the_error_page_and_saves_nothing(
    client, login_as, council, case_with_everything, app, monkeypatch, db_session
):
    from sqlalchemy import func, select

    from casework.models import CaseEvent, Evidence

    reference, _ = case_with_everything
    login_as(council["manager"])
    client.get(f"/cases/{reference}/evidence")
    before = (
        db_session.scalar(select(func.count()).select_from(Evidence)),
        db_session.scalar(select(func.count()).select_from(CaseEvent)),
    )
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    response = client.post(
        f"/cases/{reference}/evidence",
        data={"file": (io.BytesIO(b"x" * 10_000), "notes.txt"), "description": "Too big"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert "The file is too large" in html
    assert "Traceback" not in html and "RequestEntityTooLarge" not in html
    check_page_headers(response)
    after = (
        db_session.scalar(select(func.count()).select_from(Evidence)),
        db_session.scalar(select(func.count()).select_from(CaseEvent)),
    )
    assert after == before


def test_the_two_factor_set_up_page_draws_its_qr_code_within_the_policy(client, make_user, security_on):
    """The QR code is inline SVG: drawn with attributes, never a style attribute the policy would block."""
    from tests.conftest import TEST_PASSWORD

    hr = make_user("hr")
    client.get("/sign-in")
    response = client.post("/sign-in", data={"email": hr.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/sign-in/set-up-two-factor"
    page = client.get("/sign-in/set-up-two-factor")
    assert page.status_code == 200
    assert "<svg" in page.get_data(as_text=True)
    check_page_headers(page)
    assert page.headers["Cache-Control"] == "no-store"  # the page shows the secret


def test_no_template_carries_inline_style_or_script():
    """Every template, not only the pages the tests visit: the policy blocks inline styles, handlers and scripts."""
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"\sstyle=|<style\b|\son[a-z]+=", text), f"{path}: inline style or event handler"
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "nonce=" in tag, f"{path}: a script without the nonce: {tag}"
