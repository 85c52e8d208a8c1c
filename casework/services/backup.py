"""Backup and restore (`flask casework backup DEST`, `flask casework restore SRC`).

A backup is a directory:

- `casework.db` (SQLite, made with the online backup API, so the app may keep
  running) or `casework.dump` (PostgreSQL, `pg_dump --format=custom`);
- `evidence/`, a copy of the content-addressed evidence store;
- `manifest.json`: every file with its SHA-256 and size, the database kind,
  the schema revision and the time.

The database is copied first and the evidence after it: evidence files are
never changed once stored, so every file the copied database refers to is
there (unless `purge-expired` deleted it in between: do not run the two at
once). Restore checks every SHA-256 of the manifest before it touches
anything, goes only into an empty install, brings the schema up to this
version's head, and verifies the audit chains and the evidence files.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 (pg_dump and pg_restore, called without a shell)
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import URL

from ..extensions import db
from ..models import Case, Evidence, User
from .audit import AuditResult, verify_all

FORMAT = "casework-backup/1"
MANIFEST = "manifest.json"
SQLITE_FILE = "casework.db"
POSTGRES_FILE = "casework.dump"
EVIDENCE = "evidence"
CHUNK = 1024 * 1024
HEX = frozenset("0123456789abcdef")


class BackupError(Exception):
    """The backup or restore was refused or failed; the message says why."""


def sha256_of(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _is_storage_key(name: str) -> bool:
    return len(name) == 64 and set(name) <= HEX


def _database_kind(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("An in-memory SQLite database cannot be backed up or restored")
        return "sqlite"
    if url.get_backend_name() == "postgresql":
        return "postgresql"
    raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported")


def _libpq(url: URL) -> tuple[str, dict]:
    """A libpq connection URI for pg_dump/pg_restore, and an environment carrying the password (never argv)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(command: list[str], env: dict) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (set PG_DUMP / PG_RESTORE to its path)") from None
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def schema_revision() -> str | None:
    try:
        revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:  # no alembic_version table: nothing migrated yet
        db.session.rollback()
        return None
    db.session.commit()
    return revision


def _migration_scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


# --- backup -------------------------------------------------------------------------------


def backup(dest: Path) -> dict:
    """Write a backup into the empty or new directory `dest`; returns the manifest."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} is not empty: back up into a new or empty directory")
    url = db.engine.url
    kind = _database_kind(url)
    dest.mkdir(parents=True, exist_ok=True)
    dest.chmod(0o700)  # special-category personal data
    revision = schema_revision()
    created_at = datetime.now(UTC)

    if kind == "sqlite":
        target = dest / SQLITE_FILE
        source = sqlite3.connect(url.database)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                copy.close()
        finally:
            source.close()
    else:
        target = dest / POSTGRES_FILE
        conninfo, env = _libpq(url)
        _run([current_app.config.get("PG_DUMP", "pg_dump"), "--format=custom", "--file", str(target), conninfo], env)
    target.chmod(0o600)
    files = [_entry(dest, target)]

    problems = []
    copied = set()
    root = Path(current_app.config["EVIDENCE_DIR"])
    for path in sorted(root.glob("??/*")) if root.is_dir() else []:
        if not path.is_file() or not _is_storage_key(path.name) or path.parent.name != path.name[:2]:
            continue  # an unfinished upload, or not the store's
        copy_to = dest / EVIDENCE / path.parent.name / path.name
        copy_to.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy_to)
        copy_to.chmod(0o400)
        entry = _entry(dest, copy_to)
        if entry["sha256"] != path.name:
            problems.append(f"evidence file {path.name} does not match its SHA-256 (it is damaged)")
        files.append(entry)
        copied.add(path.name)
    referenced = set(db.session.scalars(select(Evidence.storage_key).where(Evidence.storage_key.is_not(None))).all())
    db.session.commit()
    problems += [f"evidence file {key} is missing from the store" for key in sorted(referenced - copied)]

    manifest = {
        "format": FORMAT,
        "created_at": created_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "database": kind,
        "schema_revision": revision,
        "files": files,
        "problems": problems,
    }
    manifest_path = dest / MANIFEST
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    manifest_path.chmod(0o600)
    return manifest


def _entry(root: Path, path: Path) -> dict:
    sha256, size = sha256_of(path)
    return {"path": path.relative_to(root).as_posix(), "sha256": sha256, "size": size}


# --- restore ------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    schema_revision: str | None
    upgraded_to: str | None
    audit: AuditResult
    evidence_files: int
    evidence_problems: list[str] = field(default_factory=list)
    backup_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.audit.intact and not self.evidence_problems


def read_manifest(src: Path) -> dict:
    """The manifest, after checking every file it lists against its SHA-256 and size."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{src} has no {MANIFEST}: it is not a Casework backup") from None
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"{src / MANIFEST} is not valid JSON") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("files"), list)
    ):
        raise BackupError(f"{src / MANIFEST} is not a {FORMAT} manifest")
    root = src.resolve()
    for entry in manifest["files"]:
        name = entry.get("path") if isinstance(entry, dict) else None
        path = (src / name).resolve() if isinstance(name, str) else None
        if path is None or not path.is_relative_to(root) or path == root:
            raise BackupError(f"The manifest lists a file outside the backup: {name!r}")
        if not path.is_file():
            raise BackupError(f"{name} is listed in the manifest but missing from the backup")
        sha256, size = sha256_of(path)
        if sha256 != entry.get("sha256") or size != entry.get("size"):
            raise BackupError(f"{name} does not match the manifest (SHA-256 or size differs): the backup was altered")
    return manifest


def install_is_empty() -> bool:
    """No cases and no users (or no tables at all)."""
    names = set(inspect(db.engine).get_table_names())
    for model in (User, Case):
        if model.__tablename__ in names and db.session.scalar(select(func.count()).select_from(model)):
            db.session.rollback()
            return False
    db.session.rollback()
    return True


def restore(src: Path) -> RestoreResult:
    """Restore the backup in `src` into this empty install; then verify the audit chains and evidence."""
    src = Path(src)
    manifest = read_manifest(src)
    url = db.engine.url
    kind = _database_kind(url)
    if manifest.get("database") != kind:
        raise BackupError(f"This is a {manifest.get('database')} backup; this install uses {kind}")
    revision = manifest.get("schema_revision")
    scripts = _migration_scripts()
    if revision is not None:
        try:
            scripts.get_revision(revision)
        except Exception:
            raise BackupError(
                f"The backup's schema revision {revision} is unknown: it is from a newer Casework"
            ) from None
    paths = {entry["path"] for entry in manifest["files"]}
    database_file = SQLITE_FILE if kind == "sqlite" else POSTGRES_FILE
    if database_file not in paths:
        raise BackupError(f"The backup has no {database_file}")
    if not install_is_empty():
        raise BackupError("This install already has users or cases: restore only into an empty install")

    db.session.remove()
    db.engine.dispose()
    if kind == "sqlite":
        _restore_sqlite(src / SQLITE_FILE, Path(url.database))
    else:
        conninfo, env = _libpq(url)
        _run(
            [
                current_app.config.get("PG_RESTORE", "pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                conninfo,
                str(src / POSTGRES_FILE),
            ],
            env,
        )
    db.engine.dispose()

    evidence_count = _restore_evidence(src, [e for e in manifest["files"] if e["path"].startswith(f"{EVIDENCE}/")])

    upgraded_to = None
    head = scripts.get_current_head()
    if revision != head:
        upgrade()
        db.session.remove()
        upgraded_to = head
    audit = verify_all()
    db.session.commit()
    return RestoreResult(
        revision, upgraded_to, audit, evidence_count, check_evidence(), list(manifest.get("problems") or [])
    )


def _restore_sqlite(backup_file: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".restore-", delete=False) as temp:
        with backup_file.open("rb") as stream:
            shutil.copyfileobj(stream, temp, CHUNK)
        temp.flush()
        os.fsync(temp.fileno())
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.chmod(temp.name, 0o600)
    os.replace(temp.name, target)


def _restore_evidence(src: Path, entries: list[dict]) -> int:
    root = Path(current_app.config["EVIDENCE_DIR"])
    for entry in entries:
        name = Path(entry["path"]).name
        target = root / name[:2] / name
        if not _is_storage_key(name):
            continue
        if target.is_file() and sha256_of(target)[0] == entry["sha256"]:
            continue  # the same content is already there
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".restore-", delete=False) as temp:
            with (src / entry["path"]).open("rb") as stream:
                shutil.copyfileobj(stream, temp, CHUNK)
        os.chmod(temp.name, 0o440)
        os.replace(temp.name, target)
    return len(entries)


def check_evidence() -> list[str]:
    """Every evidence file the database refers to is in the store and matches its SHA-256."""
    root = Path(current_app.config["EVIDENCE_DIR"])
    problems = []
    keys = db.session.scalars(select(Evidence.storage_key).where(Evidence.storage_key.is_not(None)).distinct()).all()
    db.session.commit()
    for key in sorted(keys):
        path = root / key[:2] / key
        if not path.is_file():
            problems.append(f"evidence file {key} is missing")
        elif sha256_of(path)[0] != key:
            problems.append(f"evidence file {key} does not match its SHA-256")
    return problems
