"""The domain layer decides; it never reaches for Flask or the database (CONVENTIONS)."""

import ast
from pathlib import Path

import pytest

import casework.domain

DOMAIN = Path(casework.domain.__file__).parent
FORBIDDEN = {"flask", "flask_login", "flask_wtf", "flask_sqlalchemy", "flask_migrate", "sqlalchemy", "werkzeug"}
MODULES = sorted(DOMAIN.rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved to absolute names."""
    package = ["casework", *path.relative_to(DOMAIN.parent).parent.parts]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            found.add(".".join([*base, *([node.module] if node.module else [])]))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("__import__", "import_module"):
            if node.args and isinstance(node.args[0], ast.Constant):
                found.add(str(node.args[0].value))
    return found


def test_the_domain_has_modules():
    assert {"permissions.py", "audit.py", "intake.py", "policy.py"} <= {p.name for p in MODULES}


def test_relative_imports_are_resolved():
    assert "casework.domain.policy" in imported_modules(DOMAIN / "permissions.py")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(DOMAIN)))
def test_domain_module_imports_neither_flask_nor_sqlalchemy(path):
    imported = imported_modules(path)
    assert not {m for m in imported if m.split(".")[0] in FORBIDDEN}
    outside = {m for m in imported if m.startswith("casework") and not m.startswith("casework.domain")}
    assert not outside, f"{path.name} reaches outside the domain: {outside}"
