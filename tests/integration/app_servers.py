"""Real app servers for the tests that need them: gunicorn on free ports, a Redis of their own, and
clients that speak plain HTTP to them (a browser with its cookies, and an API client with a token).

Every server logs each request it answered as `served-by <pid> METHOD PATH STATUS`, so a test can
tell which worker process answered what.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30
REQUEST_TIMEOUT = 30
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
ACCESS_LOG = "served-by %(p)s %(m)s %(U)s %(s)s"
SIGN_IN_FAILED = "Enter a correct email address and password"
SIGN_IN_LOCKED = "There have been too many attempts to sign in with this email address"
CSRF_TOKEN = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout} s")


@contextmanager
def running_redis(directory: Path):
    """A real Redis on a free port (no persistence), stopped afterwards unless the test stopped it sooner.

    Yields {"port", "url", "client", "process"}. Without redis-server the test is skipped (failed in CI)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5)

    def answering() -> bool:
        try:
            return client.ping()
        except redis.exceptions.RedisError:
            return False

    try:
        wait_for(answering, 10, "redis-server did not answer")
        yield {"port": port, "url": f"redis://127.0.0.1:{port}/0", "client": client, "process": process}
    finally:
        client.close()
        if process.poll() is None:
            process.terminate()
        process.wait(10)


@dataclass
class AppServer:
    """One gunicorn (a master and its workers) on 127.0.0.1:port, as one machine would run it."""

    process: subprocess.Popen
    port: int
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def served_by(self, method: str, path: str, since: int = 0) -> set[str]:
        """The worker processes that answered `method path` (after byte `since` of the log)."""
        with self.log_path.open("rb") as log:
            log.seek(since)
            text = log.read().decode("utf-8", "replace")
        return set(re.findall(rf"served-by <?(\d+)>? {re.escape(method)} {re.escape(path)} ", text))


def start_gunicorn(
    directory: Path, url: str, workers: int, *, settings: str = "", environment: dict | None = None
) -> AppServer:
    """gunicorn (this checkout's gunicorn.conf.py) on a free port, in an instance folder of its own under
    `directory` holding `settings` as config.py. It is not waited for: see `serving`."""
    instance = directory / f"instance-{workers}-{len(list(directory.iterdir()))}"
    instance.mkdir()
    (instance / "config.py").write_text(settings)
    port = free_port()
    log_path = instance / "gunicorn.log"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test-secret-key", "CASEWORK_INSTANCE_PATH": str(instance)}
    for name in ("TRUST_PROXY", "RATELIMIT_STORAGE_URI"):
        env.pop(name, None)
    env.update(environment or {})
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--no-control-socket",
                "--access-logfile",
                "-",
                "--access-logformat",
                ACCESS_LOG,
                "app:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return AppServer(process, port, log_path)


def serving(server: AppServer, path: str = "/sign-in") -> None:
    """Wait until `server` answers `path` with 200; fail with its log if it exits or never does."""

    def answers() -> bool:
        if server.process.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.process.returncode}:\n{server.log()[-3000:]}")
        try:
            return fetch(server.port, "GET", path)[0] == 200
        except OSError:
            return False

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if answers():
            return
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within {START_TIMEOUT} s:\n{server.log()[-3000:]}")


def stop(*servers: AppServer) -> None:
    """Stop the servers (all asked at once, so their graceful shutdowns overlap)."""
    running = [server.process for server in servers if server.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    for process in running:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def fetch(port: int, method: str, path: str, *, headers: dict | None = None, body: str | bytes | None = None):
    """(status, headers, text) over a new connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def api(port: int, method: str, path: str, token: str | None = None, body: dict | None = None):
    """(status, parsed JSON answer) of one API request with a bearer token."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    status, _, text = fetch(port, method, path, headers=headers, body=payload)
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text[:500]


def from_every_worker(server: AppServer, send, method: str, path: str, *, workers: int, rounds: int = 3):
    """The answers to `send()`, called `workers * 2` at a time until every worker of `server` has
    answered `method path` at least once (at most `rounds` times)."""
    start = server.log_size()
    answers = []
    with ThreadPoolExecutor(workers * 2) as pool:
        for _ in range(rounds):
            answers += pool.map(lambda _: send(), range(workers * 2))
            deadline = time.monotonic() + 1  # the access log is written just after the answer is sent
            while time.monotonic() < deadline:
                if len(server.served_by(method, path, since=start)) >= workers:
                    return answers
                time.sleep(0.05)
    pytest.fail(f"only workers {server.served_by(method, path, since=start)} answered {method} {path}")


class Browser:
    """A browser speaking to one or more servers: one cookie jar, and the CSRF token of the last form seen.

    Sessions on the server are bound to no address or port: the same cookies go to every server."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.token = None
        self._lock = threading.Lock()
        if cookies is None:
            status, _, _ = self.get("/sign-in")
            assert status == 200

    def request(self, method: str, path: str, *, port: int | None = None, form: dict | None = None):
        """(status, headers, text); keeps the cookies the answer sets and the CSRF token on its page."""
        headers = {"User-Agent": USER_AGENT}
        with self._lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            body = None
            if form is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                body = urlencode({"csrf_token": self.token or "", **form})
        status, answer_headers, text = fetch(port or self.port, method, path, headers=headers, body=body)
        with self._lock:
            for cookie in answer_headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                value = rest.split(";", 1)[0]
                if not value or "max-age=0" in cookie.lower():
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value
            token = CSRF_TOKEN.search(text)
            if token:
                self.token = token.group(1)
        return status, answer_headers, text

    def get(self, path: str, *, port: int | None = None):
        return self.request("GET", path, port=port)

    def post(self, path: str, form: dict, *, port: int | None = None):
        return self.request("POST", path, port=port, form=form)

    def sign_in(self, email: str, password: str = "wrong-password-123", *, port: int | None = None):
        """The answer as a letter (W wrong, L locked, R rate-limited, S signed in) and the page."""
        status, _, html = self.post("/sign-in", {"email": email, "password": password}, port=port)
        if status == 429:
            return "R", html
        if status == 302:
            return "S", html
        assert status == 200, (status, html[:500])
        if SIGN_IN_LOCKED in html:
            return "L", html
        assert SIGN_IN_FAILED in html, html[:2000]
        return "W", html
