"""Background jobs (Huey): web captures run here, not in the request that asked for them.

The queue is SQLite in `instance/tasks.db` by default (embedded, no server),
or Redis when TASK_QUEUE_URL is `redis://host:6379/0` (several app servers
and workers). `flask --app app casework worker` runs the jobs; with
HUEY_IMMEDIATE a job runs at once in the process that queued it (tests).
"""

from pathlib import Path

from flask import Flask, current_app, has_app_context


def make_huey(app: Flask):
    from huey import RedisHuey, SqliteHuey

    config = app.config
    url = config.get("TASK_QUEUE_URL")
    immediate = bool(config.get("HUEY_IMMEDIATE"))
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        huey = RedisHuey("casework", url=url, immediate=immediate)
    else:
        path = url.removeprefix("sqlite:///") if url else str(Path(app.instance_path) / "tasks.db")
        huey = SqliteHuey("casework", filename=path, immediate=immediate)

    @huey.task(name="capture_web_page")
    def capture_web_page(capture_id: int) -> str:
        from .services.capture import run_capture

        if has_app_context() and current_app._get_current_object() is app:
            return run_capture(capture_id)
        with app.app_context():
            return run_capture(capture_id)

    huey.casework_tasks = {"capture_web_page": capture_web_page}
    return huey


def huey_for(app: Flask):
    """The app's queue, made on first use (so an app that queues nothing opens no queue)."""
    queues = app.extensions.setdefault("casework_huey", {})
    key = (app.config.get("TASK_QUEUE_URL"), bool(app.config.get("HUEY_IMMEDIATE")))
    if key not in queues:
        queues[key] = make_huey(app)
    return queues[key]


def enqueue(name: str, *args) -> None:
    """Queue a job by name; with HUEY_IMMEDIATE it runs now."""
    huey = huey_for(current_app._get_current_object())
    huey.casework_tasks[name](*args)


def run_worker(app: Flask, workers: int = 1) -> None:
    """Run queued jobs until stopped (Ctrl+C or SIGTERM)."""
    huey = huey_for(app)
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=False)
    consumer.run()
