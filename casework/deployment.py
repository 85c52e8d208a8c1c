"""Checks made before the web server starts its workers (gunicorn.conf.py; issue 14, 3).

Flask-Limiter counts in the memory of each process unless RATELIMIT_STORAGE_URI
names a shared store: with several worker processes each would count on its
own, and a limit of 60 sign-in attempts a minute would let 60 through per
worker. So a server of several processes refuses to start that way. (Failed
sign-ins and lockouts do not depend on this: they are counted in the database.)
"""

MEMORY_STORES = ("memory://", "")


def several_workers_problem(workers: int, config) -> str | None:
    """Why `workers` processes must not serve with these settings, or None when they may."""
    if workers <= 1 or not config.get("RATELIMIT_ENABLED", True):
        return None
    store = str(config.get("RATELIMIT_STORAGE_URI") or "")
    if store not in MEMORY_STORES and not store.startswith("memory://"):
        return None
    return (
        f"Casework will not start {workers} worker processes while the rate limits are counted in memory "
        f"(RATELIMIT_STORAGE_URI={store or 'memory://'}): each process would count on its own and let "
        f"{workers} times as many sign-in attempts through. Set RATELIMIT_STORAGE_URI to a store they "
        "share (redis://host:6379/0), or run one worker process (--workers 1 --threads 8)."
    )
