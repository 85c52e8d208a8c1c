"""pip-audit over the pinned requirements, when its advisory source can be reached (`make test` runs this).

pip-audit asks PyPI's JSON API (https://pypi.org/pypi/NAME/VERSION/json) for the
known vulnerabilities of each pinned version. Where that API cannot be reached
(a network that lets through only package downloads, say) the audit cannot be
done: this prints "pip-audit: skipped: ..." with the reason and exits 0. A real
finding always fails (exit 1), naming the package, the advisory and the fixed
versions.

    python scripts/audit_dependencies.py [requirements.txt]
"""

import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "https://pypi.org/pypi/pip-audit/2.10.1/json"  # the kind of request pip-audit makes, for a release that exists
PROBE_SECONDS = 8
AUDIT_SECONDS = 180


def reach_advisory_source(url: str = PROBE, timeout: float = PROBE_SECONDS) -> str | None:
    """None when PyPI's per-release JSON (with its `vulnerabilities`) answers; else why not."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (a fixed https URL)
            body = json.load(response)
    except urllib.error.HTTPError as error:
        return f"{url} answered HTTP {error.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return f"{url} could not be reached ({getattr(error, 'reason', error)})"
    except ValueError:
        return f"{url} did not answer JSON"
    if "vulnerabilities" not in body:
        return f"{url} answered without a list of vulnerabilities"
    return None


def verdict(report: dict) -> tuple[int, str]:
    """(exit status, message) for pip-audit's JSON report."""
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if vulnerable:
        lines = [f"pip-audit: {sum(len(d['vulns']) for d in vulnerable)} known vulnerabilities:"]
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
                name = f"{dependency['name']} {dependency.get('version', '?')}"
                lines.append(f"  {name}: {vuln['id']} (fixed in {fixed})")
        return 1, "\n".join(lines)
    if dependencies and len(skipped) == len(dependencies):
        reason = skipped[0]["skip_reason"]
        return 0, (
            f"pip-audit: skipped: the advisory source answered for none of the {len(dependencies)} "
            f"requirements (for example: {reason})"
        )
    audited = len(dependencies) - len(skipped)
    message = f"pip-audit: no known vulnerabilities in {audited} pinned requirements"
    if skipped:
        names = ", ".join(f"{d['name']} ({d['skip_reason']})" for d in skipped)
        message += f"; not audited: {names}"
    return 0, message


def main(argv: list[str]) -> int:
    requirements = Path(argv[1]) if len(argv) > 1 else ROOT / "requirements.txt"
    problem = reach_advisory_source()
    if problem:
        print(f"pip-audit: skipped: its advisory source, PyPI's JSON API, cannot be read from here: {problem}")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "audit.json"
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(requirements),
            "--no-deps",  # every requirement is pinned, dependencies included
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--timeout",
            "15",
            "--format",
            "json",
            "--output",
            str(output),
        ]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=AUDIT_SECONDS)  # noqa: S603
        except subprocess.TimeoutExpired:
            print(f"pip-audit: skipped: no answer from the advisory source within {AUDIT_SECONDS} seconds")
            return 0
        if not output.exists() or not output.read_text().strip():
            text = (run.stderr or run.stdout).strip()
            if any(sign in text for sign in ("ConnectionError", "Max retries", "timed out", "NameResolution")):
                print(f"pip-audit: skipped: the advisory source failed mid-way: {text.splitlines()[-1]}")
                return 0
            print(f"pip-audit failed (exit {run.returncode}):\n{text}")
            return run.returncode or 1
        status, message = verdict(json.loads(output.read_text()))
    print(message)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
