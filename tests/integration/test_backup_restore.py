"""`flask casework backup DEST` and `restore SRC` (issue 6, Reliability 3).

A database with cases, events and evidence files is backed up (SQLite's online
backup API, or pg_dump when TEST_DATABASE_URL is PostgreSQL), restored into a
new, empty install, and found the same: every row, every audit chain, every
evidence file by its SHA-256. A backup whose files do not match the manifest
is refused, and so is a restore into an install that has data.
"""

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import Case, CaseEvent, Evidence, User
from casework.services.audit import verify_all
from casework.services.backup import check_evidence
from casework.services.cases import report_case

from .fresh_database import SHARED_FILE, UNIQUE_FILE, fresh_app, populate, report_input_for


def cli(app, *args):
    """`flask casework ARGS` (the flask command pushes an app context; the test runner does not)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["casework", *args], catch_exceptions=False)
        db.session.remove()
    return result


def table_counts(app) -> dict:
    with app.app_context():
        counts = {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
        return counts


def chains(app) -> dict:
    with app.app_context():
        rows = db.session.execute(
            select(Case.reference, CaseEvent.seq, CaseEvent.hash).join(CaseEvent).order_by(Case.id, CaseEvent.seq)
        ).all()
        db.session.remove()
        return {(reference, seq): digest for reference, seq, digest in rows}


@pytest.fixture
def source(tmp_path):
    with fresh_app(tmp_path, "source") as app:
        populate(app)
        yield app


@pytest.fixture
def backup_dir(source, tmp_path):
    dest = tmp_path / "backup"
    result = cli(source, "backup", str(dest))
    assert result.exit_code == 0, result.output
    return dest


def test_backup_writes_the_database_evidence_and_a_manifest(source, backup_dir):
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    database_file = "casework.db" if manifest["database"] == "sqlite" else "casework.dump"
    with source.app_context():
        head = ScriptDirectory.from_config(source.extensions["migrate"].migrate.get_config()).get_current_head()
        db.session.remove()
    assert manifest["format"] == "casework-backup/1"
    assert manifest["schema_revision"] == head
    assert manifest["created_at"].endswith("Z")
    assert manifest["problems"] == []
    listed = {entry["path"]: entry for entry in manifest["files"]}
    expected_evidence = {
        f"evidence/{digest[:2]}/{digest}"
        for digest in (hashlib.sha256(SHARED_FILE).hexdigest(), hashlib.sha256(UNIQUE_FILE).hexdigest())
    }
    assert set(listed) == {database_file} | expected_evidence
    for path, entry in listed.items():
        data = (backup_dir / path).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert (backup_dir.stat().st_mode & 0o777) == 0o700, "a backup of personal data is readable by its owner only"


def test_a_backup_restores_into_an_empty_install_unchanged(source, backup_dir, tmp_path):
    counts, chain = table_counts(source), chains(source)
    with fresh_app(tmp_path, "target") as target:
        assert table_counts(target)["cases"] == 0
        result = cli(target, "restore", str(backup_dir))
        assert result.exit_code == 0, result.output
        assert "Audit trail intact: 3 cases" in result.output

        assert table_counts(target) == counts
        assert chains(target) == chain
        with target.app_context():
            assert verify_all().intact
            assert check_evidence() == []
            keys = set(db.session.scalars(select(Evidence.storage_key).where(Evidence.storage_key.is_not(None))))
            assert keys == {hashlib.sha256(SHARED_FILE).hexdigest(), hashlib.sha256(UNIQUE_FILE).hexdigest()}
            # The restored install carries on: ids, sequences and references continue
            reporter = db.session.scalar(select(User).where(User.email == "reporter@test.invalid"))
            case = report_case(reporter, report_input_for("after the restore"))
            db.session.commit()
            assert case.reference.endswith("-00004")
            assert verify_all().intact
            db.session.remove()
        assert cli(target, "verify-audit").exit_code == 0


def test_restore_refuses_an_install_that_has_data(source, backup_dir):
    before = table_counts(source)
    result = cli(source, "restore", str(backup_dir))
    assert result.exit_code == 1
    assert "already has users or cases" in result.output
    assert table_counts(source) == before


def test_backup_refuses_a_directory_that_is_not_empty(source, tmp_path):
    dest = tmp_path / "used"
    dest.mkdir()
    (dest / "something").write_text("keep me")
    result = cli(source, "backup", str(dest))
    assert result.exit_code == 1
    assert "is not empty" in result.output
    assert [p.name for p in dest.iterdir()] == ["something"]


@pytest.mark.parametrize("victim", ["evidence", "database"])
def test_a_tampered_backup_is_refused_naming_the_file(source, backup_dir, tmp_path, victim):
    tampered = tmp_path / "tampered"
    shutil.copytree(backup_dir, tampered)
    manifest = json.loads((tampered / "manifest.json").read_text())
    entry = next(e for e in manifest["files"] if e["path"].startswith("evidence/") == (victim == "evidence"))
    path = tampered / entry["path"]
    path.chmod(0o600)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit
    path.write_bytes(bytes(data))

    with fresh_app(tmp_path, "target") as target:
        result = cli(target, "restore", str(tampered))
        assert result.exit_code == 1
        assert entry["path"] in result.output and "does not match the manifest" in result.output
        counts = table_counts(target)
        assert counts["cases"] == counts["users"] == 0, "nothing was restored"
        with target.app_context():
            evidence_dir = target.config["EVIDENCE_DIR"]
            db.session.remove()
        assert not any(p.is_file() for p in Path(evidence_dir).rglob("*"))


def test_a_backup_without_a_manifest_is_refused(source, backup_dir, tmp_path):
    (backup_dir / "manifest.json").unlink()
    with fresh_app(tmp_path, "target") as target:
        result = cli(target, "restore", str(backup_dir))
        assert result.exit_code == 1
        assert "not a Casework backup" in result.output


def test_a_backup_of_an_older_schema_is_upgraded_on_restore(tmp_path):
    from flask_migrate import upgrade

    with fresh_app(tmp_path, "old", migrate=False) as old:
        with old.app_context():
            upgrade(revision="0001")
            db.session.remove()
        result = cli(old, "backup", str(tmp_path / "old-backup"))
        assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "old-backup" / "manifest.json").read_text())["schema_revision"] == "0001"
    with fresh_app(tmp_path, "new", migrate=False) as new:
        result = cli(new, "restore", str(tmp_path / "old-backup"))
        assert result.exit_code == 0, result.output
        with new.app_context():
            head = ScriptDirectory.from_config(new.extensions["migrate"].migrate.get_config()).get_current_head()
            db.session.remove()
        assert f"Upgraded the schema to {head}." in result.output
