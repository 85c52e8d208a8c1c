"""Security headers on every response (issue 6, Security 4).

Pages get a strict Content-Security-Policy: scripts only from this site or
carrying the request's nonce (the GOV.UK template's one inline script), styles
only from this site (no inline `style` attributes), no plugins, no framing, no
<base>, forms posting only here. Everything that is not a page (JSON, files,
PDFs) gets a policy that allows nothing at all. Nothing dynamic is cached:
pages, case records, downloads and API answers are `no-store`.

Behind a reverse proxy, `TRUST_PROXY` (the number of proxies in front) lets
X-Forwarded-For/-Proto/-Host/-Port through werkzeug's ProxyFix, so that
`request.is_secure` sees HTTPS and HSTS is sent; without it those headers are
ignored, since any client could send them.
"""

import secrets

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

HSTS_SECONDS = 365 * 24 * 60 * 60
NOT_A_PAGE_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def csp_nonce() -> str:
    """This request's nonce for inline scripts, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def page_policy(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def trusted_proxies(value) -> int:
    """TRUST_PROXY as a count of proxies: off (0) unless set to a number or to true."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return max(0, value)
    text = str(value or "").strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return 0
    if text in ("true", "yes", "on"):
        return 1
    try:
        return max(0, int(text))
    except ValueError:
        raise ValueError(f"TRUST_PROXY must be a number of proxies or true/false, not {value!r}") from None


def add_security_headers(response):
    headers = response.headers
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", page_policy(csp_nonce()))
    else:
        headers.setdefault("Content-Security-Policy", NOT_A_PAGE_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}; includeSubDomains")
    if request.endpoint != "static":
        # Signed-in pages, case records, downloads and API answers: never kept by a browser or a proxy
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
        headers.pop("ETag", None)
        headers.pop("Last-Modified", None)
    return response


def init_security(app: Flask) -> None:
    proxies = trusted_proxies(app.config.get("TRUST_PROXY"))
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    app.add_template_global(csp_nonce, "csp_nonce")
    app.after_request(add_security_headers)
