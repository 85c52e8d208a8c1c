"""A report sent several times at once with one Idempotency-Key makes one case (issue 6, "Bad input":
duplicate submissions), on a real threaded server over a committed database, SQLite or PostgreSQL.

The parallel requests race past the "was this key used?" look-up; the unique key on cases lets
exactly one insert win, and every loser answers the winner's case.
"""

import json
import threading
import urllib.request
from datetime import date

from sqlalchemy import func, select
from werkzeug.serving import make_server

from casework.extensions import db
from casework.models import Case

from .fresh_database import fresh_app

CLIENTS = 8


def post(url: str, token: str, key: str, body: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(  # noqa: S310 (a server on this machine)
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, dict(response.headers), json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.load(error)


def test_parallel_requests_with_one_key_make_one_case(tmp_path):
    from casework.services import users as user_service

    with fresh_app(tmp_path, "double") as app:
        with app.app_context():
            user_service.create_department("Housing")
            user_service.create_user("subject@test.invalid", name="Sam Subject", department="Housing")
            reporter = user_service.create_user("reporter@test.invalid", name="Rita Reporter", department="Housing")
            # A token per client: a shared token's row, updated on each use, would queue the requests
            tokens = [user_service.issue_api_token(reporter) for _ in range(CLIENTS)]
            db.session.commit()
            db.session.remove()

        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.server_port}/api/v1/cases"
        body = {
            "kind": "breach",
            "subjects": ["subject@test.invalid"],
            "categories": ["disrepute"],
            "platform": "x",
            "incident_date": date(2026, 1, 8).isoformat(),
            "description": "Posted about a resident.",
        }
        start = threading.Barrier(CLIENTS)
        results = []

        def client(number: int):
            start.wait()
            results.append(post(url, tokens[number], "double-click-0001", body))

        try:
            clients = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
            for each in clients:
                each.start()
            for each in clients:
                each.join(timeout=120)
        finally:
            server.shutdown()
            server.server_close()

        assert len(results) == CLIENTS
        assert {status for status, _, _ in results} == {201}, results
        references = {answer["reference"] for _, _, answer in results}
        assert len(references) == 1, references
        replayed = [headers for _, headers, _ in results if headers.get("Idempotent-Replayed") == "true"]
        assert len(replayed) == CLIENTS - 1
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Case)) == 1
            db.session.remove()
