"""gunicorn.conf.py (issue 14, 3; issue 15, 2): several workers never count rate limits in memory,
at start or when workers are added later; gunicorn itself believes no forwarded header."""

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

from casework.deployment import several_workers_problem

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.fixture
def conf(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Server:
    """What the hooks use of gunicorn's Arbiter."""

    def __init__(self, workers: int, conf):
        self.cfg = SimpleNamespace(workers=workers)
        self.errors = []
        self.log = SimpleNamespace(error=self.errors.append)
        self._conf = conf
        self._workers = workers

    @property
    def num_workers(self):
        return self._workers

    @num_workers.setter
    def num_workers(self, value):
        old, self._workers = self._workers, value
        self._conf.nworkers_changed(self, value, old)


def test_gunicorn_believes_no_forwarded_header(conf):
    assert conf.forwarded_allow_ips == "" and conf.secure_scheme_headers == {}


def test_several_workers_counting_in_memory_do_not_start(conf):
    with pytest.raises(SystemExit) as refused:
        conf.on_starting(Server(2, conf))
    assert "RATELIMIT_STORAGE_URI=memory://" in str(refused.value)
    conf.on_starting(Server(1, conf))  # one process may count in its own memory


def test_workers_added_later_are_held_to_the_same_rule(conf):
    server = Server(1, conf)
    server.num_workers = 3  # as `kill -TTIN` or gunicornc would
    assert server.num_workers == 1
    assert "will not start 3 worker processes" in server.errors[0]


def test_with_a_shared_store_or_no_limits_several_workers_start(conf, tmp_path, monkeypatch):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://redis.internal:6379/0")
    conf.on_starting(Server(4, conf))
    server = Server(1, conf)
    server.num_workers = 4
    assert server.num_workers == 4 and server.errors == []
    assert several_workers_problem(4, {"RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://"}) is None
    assert several_workers_problem(4, {"RATELIMIT_STORAGE_URI": "memory://"})
