"""The static checks of `make test` (issue 6, Security 7): bandit finds nothing of high
severity, and the dependency audit fails on a real finding but skips, saying why, when
its advisory source cannot be read."""

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("audit_dependencies", ROOT / "scripts" / "audit_dependencies.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def dependency(name, version="1.0", vulns=(), skip_reason=None):
    found = {"name": name, "version": version}
    if skip_reason:
        found["skip_reason"] = skip_reason
    else:
        found["vulns"] = list(vulns)
    return found


def test_a_known_vulnerability_fails_the_audit():
    status, message = audit.verdict(
        {
            "dependencies": [
                dependency("flask", "3.1.3"),
                dependency(
                    "jinja2",
                    "3.1.2",
                    vulns=[{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "description": "sandbox"}],
                ),
            ]
        }
    )
    assert status == 1
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in message


def test_a_clean_audit_passes():
    status, message = audit.verdict({"dependencies": [dependency("flask"), dependency("jinja2")]})
    assert status == 0
    assert message == "pip-audit: no known vulnerabilities in 2 pinned requirements"


def test_an_audit_that_reached_nothing_is_a_skip_not_a_pass():
    reason = "Dependency not found on PyPI and could not be audited: flask (3.1.3)"
    status, message = audit.verdict({"dependencies": [dependency("flask", skip_reason=reason)] * 3})
    assert status == 0
    assert message.startswith("pip-audit: skipped:") and "none of the 3" in message


def test_a_partial_audit_names_what_it_could_not_audit():
    status, message = audit.verdict(
        {"dependencies": [dependency("flask"), dependency("private-thing", skip_reason="not on PyPI")]}
    )
    assert status == 0
    assert "1 pinned requirements" in message and "private-thing (not on PyPI)" in message


def test_an_unreachable_advisory_source_is_reported():
    problem = audit.reach_advisory_source("https://127.0.0.1:9/pypi/x/1/json", timeout=2)
    assert problem and "could not be reached" in problem


def test_bandit_finds_nothing_of_high_severity():
    run = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", str(ROOT / "casework"), "-lll"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
