"""gunicorn's settings for Casework, read by `gunicorn app:app` run in this folder (issues 14 and 15).

- gunicorn believes no X-Forwarded-* header from anyone: behind a reverse
  proxy the app believes them, and only when TRUST_PROXY says how many
  proxies are in front (werkzeug's ProxyFix, casework.web.security). So a
  client cannot make a plain-HTTP request look like HTTPS.
- Several worker processes are refused while the rate limits are counted in
  memory (see casework.deployment): set RATELIMIT_STORAGE_URI to Redis.
"""

forwarded_allow_ips = ""
secure_scheme_headers: dict = {}


def on_starting(server):
    """Before any worker starts: refuse settings under which the workers would not count together."""
    from casework import settings
    from casework.deployment import several_workers_problem

    problem = several_workers_problem(server.cfg.workers, settings())
    if problem:
        server.log.error(problem)
        raise SystemExit(problem)


def nworkers_changed(server, new_value, old_value):
    """Workers added while running (TTIN, gunicornc) are held to the same rule as at start."""
    if new_value <= (old_value or 0):
        return
    from casework import settings
    from casework.deployment import several_workers_problem

    problem = several_workers_problem(new_value, settings())
    if problem:
        server.log.error(problem)
        server.num_workers = old_value
