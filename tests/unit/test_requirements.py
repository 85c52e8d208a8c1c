"""What `make run` installs (requirements.txt) is what the app needs to run, and no more.

The tools for tests and checks live in requirements-dev.txt, which includes
requirements.txt. Every pin is exact. Every package the app's code imports,
and every package those need in turn, is pinned in requirements.txt, so a
fresh `.venv` made from requirements.txt alone runs the app and gunicorn.
"""

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "requirements.txt"
DEV = ROOT / "requirements-dev.txt"
# The app's own code: what runs in production (tests, scripts and migrations' tooling aside)
APP_CODE = [ROOT / "app.py", *sorted((ROOT / "casework").rglob("*.py")), *sorted((ROOT / "migrations").rglob("*.py"))]
TEST_TOOLS = {
    "pytest",
    "schemathesis",
    "hypothesis",
    "bandit",
    "ruff",
    "pip-audit",
    "aiosmtpd",
    "openapi-spec-validator",
}


def pins(path: Path) -> dict[str, str]:
    """{canonical name: version} of a requirements file's own lines (not those it includes)."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r "):
            continue
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"{path.name}: {line!r} is not pinned with =="
        name = canonicalize_name(requirement.name)
        assert name not in found, f"{path.name}: {requirement.name} is pinned twice"
        found[name] = specifiers[0].version
    return found


def test_runtime_and_dev_requirements_are_split_and_pinned():
    runtime, dev = pins(RUNTIME), pins(DEV)
    assert "-r requirements.txt" in DEV.read_text().splitlines()
    assert not set(runtime) & set(dev), "a package is pinned in both files"
    leaked = sorted(TEST_TOOLS & set(runtime))
    assert not leaked, f"test tools in requirements.txt (make run would install them): {leaked}"
    assert {"pytest", "schemathesis", "ruff", "bandit"} <= set(dev)
    assert "gunicorn" in runtime  # the production server
    # Casework captures web pages itself: the browser driver, the job queue and the WARC writer run in production
    assert {"playwright", "huey", "warcio"} <= set(runtime)
    # The hearing bundle lays evidence PDFs on its pages and is signed as a PDF in production
    assert {"pypdf", "pyhanko"} <= set(runtime)


def _imported_top_level_modules() -> set[str]:
    names = set()
    for path in APP_CODE:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {name for name in names if name not in sys.stdlib_module_names and name not in {"casework", "app"}}


def _runtime_closure(roots: set[str]) -> set[str]:
    """The named distributions and everything they require (for this Python, with no extras)."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for text in metadata.distribution(name).requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(requirement.name))
    return seen


def test_every_module_the_app_imports_comes_from_requirements_txt():
    runtime = set(pins(RUNTIME))
    providers = metadata.packages_distributions()
    missing = {}
    for module in sorted(_imported_top_level_modules()):
        distributions = {canonicalize_name(name) for name in providers.get(module, [])}
        assert distributions, f"nothing installed provides the module {module!r}"
        if not distributions & runtime:
            missing[module] = sorted(distributions)
    assert not missing, f"imported by the app but pinned only for tests (or not at all): {missing}"


def test_everything_the_runtime_packages_need_is_pinned_in_requirements_txt():
    runtime = set(pins(RUNTIME))
    closure = _runtime_closure(runtime)
    unpinned = sorted(closure - runtime)
    assert not unpinned, f"needed at run time but not pinned in requirements.txt: {unpinned}"


def test_make_run_installs_only_requirements_txt():
    makefile = (ROOT / "Makefile").read_text()
    run_chain = re.search(r"^run: (.+)$", makefile, re.M).group(1).split()
    assert run_chain == ["db"]
    assert re.search(r"^db: install$", makefile, re.M)
    assert re.search(r"^install: \$\(BIN\)/activate assets$", makefile, re.M)
    activate = re.search(r"^\$\(BIN\)/activate:.*?(?=^\S)", makefile, re.M | re.S).group(0)
    assert "requirements.txt" in activate and "requirements-dev.txt" not in activate
    for target in ("test", "test-postgres", "lint", "bench-reports", "security-checks"):
        assert re.search(rf"^{target}: setup\b", makefile, re.M), f"make {target} must install the dev tools"
