"""The JSON API at /api/v1 (DESIGN §8, §10): bearer tokens, JSON in and out, an OpenAPI 3 document.

It calls the same service layer as the web pages; its blueprint is exempt
from CSRF protection because it authenticates by bearer token, never by cookie.
"""

from flask import Blueprint, Flask

from ..extensions import csrf, limiter

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")


def register_api(app: Flask) -> None:
    """Mount the API on the app."""
    from ..http import limits
    from . import accounts, captures, research, views  # noqa: F401  (register the routes and error handlers on bp)

    csrf.exempt(bp)
    if not getattr(bp, "_rate_limited", False):  # the blueprint is shared by every app made in one process
        limiter.limit(limits.setting("API_LIMITS_PER_TOKEN"), key_func=limits.api_token, scope="token")(bp)
        limiter.limit(limits.setting("API_LIMITS_PER_ADDRESS"), key_func=limits.client_address, scope="address")(bp)
        bp._rate_limited = True
    app.register_blueprint(bp)
