"""`flask --app app casework …`: set-up, users, demo data and audit checks."""

import sys

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from .domain.policy import Role, StaffType
from .extensions import db
from .models import User
from .services import users as user_service
from .services.audit import verify_all
from .services.errors import ServiceError


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.group("casework")
def casework_cli():
    """Casework administration."""


@casework_cli.command("create-department")
@click.argument("name")
@click.option(
    "--head-of-service", "head_of_service", metavar="EMAIL", help="E-mail of the department's head of service"
)
def create_department(name, head_of_service):
    """Create a department (idempotent: an existing one is updated)."""
    try:
        department, created = user_service.create_department(name, head_of_service)
    except ServiceError as error:
        db.session.rollback()
        _fail(error.message)
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} department {department.name}")


@casework_cli.command("create-user")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--department")
@click.option("--line-manager", "line_manager", metavar="EMAIL")
@click.option("--staff-type", "staff_type", default="employee", type=click.Choice([t.value for t in StaffType]))
@click.option("--contractor-org", "contractor_org")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input")
def create_user(email, name, role, department, line_manager, staff_type, contractor_org, password_stdin):
    """Add a person. Without --password-stdin they cannot sign in."""
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = user_service.create_user(
            email,
            name=name,
            role=role,
            department=department,
            line_manager=line_manager,
            staff_type=staff_type,
            contractor_org=contractor_org,
            password=password,
        )
    except ServiceError as error:
        db.session.rollback()
        _fail(error.message)
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}{'' if password else ' (cannot sign in: no password)'}")


@casework_cli.command("api-token")
@click.argument("email")
@click.option("--days", default=None, type=click.IntRange(1, 3650), help="Days until it expires [API_TOKEN_DAYS: 90]")
@click.option("--label", default="Made on the command line", show_default=True, help="What the token is for")
def api_token(email, days, label):
    """Print a new API bearer token for EMAIL (last line of output). Only its hash is kept."""
    from flask import current_app

    from .services import api_tokens

    user = user_service.find_user(email)
    if user is None or not user.active:
        _fail(f"No active user with e-mail {email}")
    try:
        new = api_tokens.create(
            user, label=label, days=days or current_app.config["API_TOKEN_DAYS"], actor=None, longest=3650
        )
    except ServiceError as error:
        db.session.rollback()
        _fail(error.message)
    db.session.commit()
    click.echo(f"API token for {user.email}, expires {new.row.expires_at:%Y-%m-%d} (shown once; keep it secret):")
    click.echo(new.token)


@casework_cli.command("set-password")
@click.argument("email")
def set_password(email):
    """Give EMAIL a new password, read from standard input (so they can sign in); ends their sessions.

    Use it for people added on the admin pages, who have no password until one is set."""
    from .services import sign_in

    user = user_service.find_user(email)
    if user is None or not user.active:
        _fail(f"No active user with e-mail {email}")
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        sign_in.set_password(user, password, actor=None)
    except ServiceError as error:
        db.session.rollback()
        _fail(error.message)
    db.session.commit()
    click.echo(f"Password set for {user.email}.")


@casework_cli.command("invite")
@click.argument("email")
def invite(email):
    """E-mail EMAIL a single-use link to set their password (PUBLIC_URL must be set); earlier links stop working.

    `send-mail` sends it."""
    from .services import password_links

    user = user_service.find_user(email)
    if user is None or not user.active:
        _fail(f"No active user with e-mail {email}")
    try:
        password_links.invite(user, actor=None)
    except ServiceError as error:
        db.session.rollback()
        _fail(error.message)
    db.session.commit()
    hours = current_app.config["PASSWORD_LINK_HOURS"]
    click.echo(f"Invitation to set a password queued for {user.email}; the link works once, for {hours} hours.")


@casework_cli.command("reset-two-factor")
@click.argument("email")
def reset_two_factor(email):
    """Turn off two-factor sign-in for EMAIL (a lost phone and no recovery codes) and end their sessions.

    If their role requires two-factor they set it up again at their next sign-in."""
    from .services import two_factor

    user = user_service.find_user(email)
    if user is None:
        _fail(f"No user with e-mail {email}")
    two_factor.reset(user, actor=None)
    db.session.commit()
    click.echo(f"Two-factor sign-in reset for {user.email}; their sessions have ended.")


@casework_cli.command("rotate-mfa-key")
def rotate_mfa_key():
    """Re-seal every two-factor secret under the current MFA_KEY (or SECRET_KEY).

    Set the new MFA_KEY and list the old key in MFA_OLD_KEYS first; remove MFA_OLD_KEYS afterwards.
    Exits 1, naming them, when some secrets open with none of the keys (nothing else is lost)."""
    from .services import two_factor

    result = two_factor.rotate_key()
    db.session.commit()
    click.echo(
        f"{result.resealed} two-factor secret{'' if result.resealed == 1 else 's'} sealed under the current key."
    )
    if result.unopened:
        click.echo(
            "No configured key (MFA_KEY, SECRET_KEY, MFA_OLD_KEYS) opens the secret of: "
            + ", ".join(result.unopened)
            + ". Add the key they were sealed with to MFA_OLD_KEYS and run this again, "
            "or reset their two-factor sign-in (reset-two-factor EMAIL).",
            err=True,
        )
        sys.exit(1)


@casework_cli.command("seed-demo")
@click.option("--cases", "case_count", default=40, type=click.IntRange(0, 200_000), show_default=True)
@click.option("--password", default="demo-password-2026", show_default=True, help="Password of every demo sign-in")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users")
def seed_demo(case_count, password, if_empty):
    """A demo council: departments, people of every role, a contractor, accounts and cases."""
    from .services.demo import DEMO_SIGN_INS, seed

    if db.session.scalar(select(func.count()).select_from(User)):
        if if_empty:
            click.echo("The database already has data; demo data not added.")
            _print_sign_ins(DEMO_SIGN_INS, _demo_password_in_use(password))
            return
        _fail("The database already has users. Seed demo data into an empty database.")
    seed(case_count=case_count, password=password)
    db.session.commit()
    click.echo(f"Demo council created with {case_count} cases.")
    _print_sign_ins(DEMO_SIGN_INS, password)


def _demo_password_in_use(password: str) -> str | None:
    """The demo password when the demo's own sign-ins still take it (a second `make run`), else None."""
    from werkzeug.security import check_password_hash

    from .services.demo import DEMO_PASSWORD, DEMO_SIGN_INS

    user = db.session.scalar(select(User).where(User.email == DEMO_SIGN_INS[0][0]))
    if user is None or not user.password_hash:
        return None
    for candidate in dict.fromkeys((password, DEMO_PASSWORD)):
        if check_password_hash(user.password_hash, candidate):
            return candidate
    return None


def _print_sign_ins(sign_ins, password):
    present = set(db.session.scalars(select(User.email).where(User.email.in_([e for e, _ in sign_ins]))))
    sign_ins = [(email, role) for email, role in sign_ins if email in present]
    if not sign_ins:
        click.echo("This database has none of the demo's sign-ins.")
        return
    click.echo("Demo sign-ins:")
    for email, role in sign_ins:
        click.echo(f"  {role:<16} {email}")
    click.echo(f"  password         {password}" if password else "  password         as given when the demo was seeded")


@casework_cli.command("demo-reset")
@click.option("--yes", is_flag=True, help="Do not ask: delete the local demo database")
@click.option("--cases", "case_count", default=40, type=click.IntRange(0, 200_000), show_default=True)
@click.option("--password", default="demo-password-2026", show_default=True, help="Password of every demo sign-in")
def demo_reset(yes, case_count, password):
    """Start the demo afresh: delete the local SQLite database and evidence files, upgrade, seed.

    Only a SQLite database that holds nothing but the demo's own people is deleted.
    """
    from pathlib import Path

    from flask import current_app
    from flask_migrate import upgrade

    from .services.demo import DEMO_SIGN_INS, seed

    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        _fail(f"demo-reset deletes only a local SQLite demo database; this install uses {url.get_backend_name()}.")
    database = Path(url.database)
    evidence = Path(current_app.config["EVIDENCE_DIR"])
    if database.exists():
        try:
            others = db.session.scalars(select(User.email).where(~User.email.like("%@demo.invalid")).limit(3)).all()
        except Exception:  # noqa: BLE001 (an empty or older file: nothing of value in it)
            others = []
        db.session.rollback()
        if others:
            _fail(
                f"{database} holds people who are not in the demo ({', '.join(others)}): it is not deleted. "
                "Back it up and remove it yourself if that is really what you want."
            )
    click.echo(
        f"This deletes the demo database {database} and the evidence files in {evidence}, then seeds a new demo."
    )
    if not yes and not click.confirm("Delete them and start afresh?", default=False):
        _fail("Nothing deleted.")
    db.session.remove()
    db.engine.dispose()
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm"), Path(f"{database}-journal")):
        path.unlink(missing_ok=True)
    if evidence.is_dir():
        import shutil

        shutil.rmtree(evidence)
    click.echo(f"Deleted {database}. Upgrading and seeding a new demo…")
    upgrade()
    seed(case_count=case_count, password=password)
    db.session.commit()
    click.echo(f"Demo council created with {case_count} cases.")
    _print_sign_ins(DEMO_SIGN_INS, password)


@casework_cli.command("import-staff")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change and change nothing")
@click.option("--skip-bad-rows", is_flag=True, help="Import the good rows even when some rows cannot be imported")
def import_staff(file, dry_run, skip_bad_rows):
    """Bring in the staff directory FILE (CSV exported from the HR system): adds, updates and marks leavers.

    Lists every row that cannot be imported with its row number; then nothing
    is changed unless --skip-bad-rows. Importing the same file twice changes
    nothing the second time."""
    from pathlib import Path

    from .services import staff_import

    try:
        plan = staff_import.plan_import(Path(file).read_bytes())
    except ServiceError as error:
        db.session.rollback()
        _fail(error.message)
    for row, problem in plan.bad_rows:
        click.echo(f"Row {row}: {problem}", err=True)
    summary = plan.summary()
    figures = (
        f"{summary['rows']} rows: {summary['added']} to add, {summary['updated']} to update, "
        f"{summary['leavers']} leavers, {summary['departments_created']} new departments, "
        f"{summary['unchanged']} unchanged, {summary['bad_rows']} cannot be imported"
    )
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run, nothing changed. {figures}.")
        return
    if plan.problems and not skip_bad_rows:
        db.session.rollback()
        _fail(f"{figures}. Nothing was imported: correct the rows above, or use --skip-bad-rows.")
    staff_import.apply_import(plan, actor=None, skip_bad_rows=skip_bad_rows)
    db.session.commit()
    skipped = f", {summary['bad_rows']} bad rows skipped" if plan.problems else ""
    click.echo(
        f"Imported {summary['rows']} rows: {summary['added']} added, {summary['updated']} updated, "
        f"{summary['leavers']} leavers, {summary['departments_created']} new departments, "
        f"{summary['unchanged']} unchanged{skipped}."
    )


@casework_cli.command("verify-audit")
def verify_audit():
    """Recompute every case's audit chain; exit 1 naming the first broken event."""
    result = verify_all()
    if result.intact:
        click.echo(f"Audit trail intact: {result.cases_checked} cases, {result.events_checked} events.")
        return
    click.echo(
        f"Audit trail BROKEN at case {result.broken_reference}, event {result.broken_seq}"
        f" (id {result.broken_event_id}): {result.reason}.",
        err=True,
    )
    sys.exit(1)


@casework_cli.command("verify-report")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def verify_report(file):
    """Say whether FILE is an unaltered case report or hearing bundle made by this install (and whether the
    bundle's signature is intact); exit 1 if not."""
    from pathlib import Path

    from .services.bundle import is_bundle, verify_bundle
    from .services.exports import verify_report as check

    pdf = Path(file).read_bytes()
    result = verify_bundle(pdf) if is_bundle(pdf) else check(pdf)
    if result.valid:
        click.echo(result.message)
        return
    click.echo(result.message, err=True)
    sys.exit(1)


@casework_cli.command("bundle-certificate")
def bundle_certificate():
    """Say which certificate signs hearing bundles (BUNDLE_SIGNING_* settings), or why it cannot; exit 1 then."""
    from .services.pdf_signing import SigningUnavailable, load

    try:
        signing = load(current_app.config)
    except SigningUnavailable as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    if signing is None:
        click.echo("No signing certificate is configured: hearing bundles are sealed but not signed.")
        return
    click.echo(
        f"Hearing bundles are signed by {signing.subject}, valid until "
        f"{signing.certificate.not_valid_after_utc:%d %B %Y}; SHA-256 fingerprint {signing.fingerprint}."
    )


@casework_cli.command("send-mail")
@click.option("--limit", default=500, type=click.IntRange(1, 100_000), show_default=True, help="Most e-mails to send")
def send_mail(limit):
    """Send the e-mails waiting in the outbox (logged instead when MAIL_SERVER is not set)."""
    from .services.mail import send_pending

    report = send_pending(limit=limit)
    db.session.commit()
    click.echo(
        f"Sent {report.sent} e-mail{'' if report.sent == 1 else 's'}; "
        f"{report.failed} failed and will be tried again; {report.given_up} given up."
    )


@casework_cli.command("send-reminders")
def send_reminders():
    """Queue today's reminders of overdue deadlines (once a day per case and person), of council account trials
    ending and of social media training lapsing (Social Networking Policy 7.4, 8.1); send-mail sends them."""
    from .services.account_reminders import send_account_reminders
    from .services.reminders import send_reminders as queue_reminders

    queued = queue_reminders() + send_account_reminders()
    db.session.commit()
    click.echo(f"Queued {queued} reminder{'' if queued == 1 else 's'}.")


# --- operations: backup, restore, retention -------------------------------------------


@casework_cli.command("backup")
@click.argument("dest", type=click.Path(file_okay=False))
def backup_command(dest):
    """Back up the database, the evidence files and a manifest of SHA-256s into the new or empty directory DEST."""
    from pathlib import Path

    from .services.backup import BackupError, backup

    try:
        manifest = backup(Path(dest))
    except BackupError as error:
        _fail(str(error))
    size = sum(entry["size"] for entry in manifest["files"])
    click.echo(
        f"Backed up the {manifest['database']} database (schema {manifest['schema_revision']}) and "
        f"{len(manifest['files']) - 1} evidence files, {size:,} bytes, to {dest}."
    )
    if manifest["problems"]:
        for problem in manifest["problems"]:
            click.echo(f"Warning: {problem}", err=True)
        _fail("the backup was written, but the evidence store has problems (listed above)")


@casework_cli.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False))
def restore_command(src):
    """Restore the backup in SRC into this empty install, then verify the audit chains and evidence files."""
    from pathlib import Path

    from .services.backup import BackupError, restore

    try:
        result = restore(Path(src))
    except BackupError as error:
        _fail(str(error))
    click.echo(f"Restored the database (schema {result.schema_revision}) and {result.evidence_files} evidence files.")
    if result.upgraded_to:
        click.echo(f"Upgraded the schema to {result.upgraded_to}.")
    for problem in result.backup_problems:
        click.echo(f"Warning (noted when the backup was made): {problem}", err=True)
    for problem in result.evidence_problems:
        click.echo(f"Evidence problem: {problem}", err=True)
    audit = result.audit
    if audit.intact:
        click.echo(f"Audit trail intact: {audit.cases_checked} cases, {audit.events_checked} events.")
    else:
        click.echo(
            f"Audit trail BROKEN at case {audit.broken_reference}, event {audit.broken_seq}: {audit.reason}.", err=True
        )
    if not result.ok:
        sys.exit(1)


@casework_cli.command("purge-expired")
def purge_expired_command():
    """Anonymise closed cases past their retention date, except those on legal hold."""
    from .services.retention import purge_expired

    report = purge_expired()
    click.echo(
        f"Anonymised {len(report.anonymised)} case{'' if len(report.anonymised) == 1 else 's'}"
        f"{': ' + ', '.join(report.anonymised) if report.anonymised else ''}; "
        f"deleted {report.files_deleted} evidence file{'' if report.files_deleted == 1 else 's'}."
    )
    if report.held:
        click.echo(f"Kept under legal hold: {', '.join(report.held)}.")
    for reference, why in report.refused:
        click.echo(f"Not anonymised: {reference}: {why}.", err=True)
    for key in report.files_not_deleted:
        click.echo(f"Evidence file {key} could not be deleted.", err=True)
    if report.refused or report.files_not_deleted:
        sys.exit(1)


@casework_cli.command("optimise-search")
def optimise_search_command():
    """Merge the search's indexes into one piece each (SQLite; nightly): searches stay quick as cases are
    added one at a time."""
    from .services import case_search

    before = case_search.search_index_segments()
    case_search.optimise_search_indexes()
    db.session.commit()
    if before is None:
        click.echo("Nothing to do: PostgreSQL keeps its search indexes tidy itself (autovacuum).")
    else:
        click.echo(f"The case search index was in {before} piece{'' if before == 1 else 's'}; it is in one.")


@casework_cli.command("legal-hold")
@click.argument("reference")
@click.option("--on/--off", "on", required=True, help="Put the case on legal hold, or take it off")
@click.option("--reason", required=True, help="Why (recorded in the case's audit trail)")
@click.option("--by", "by", required=True, metavar="EMAIL", help="The HR officer deciding it")
def legal_hold_command(reference, on, reason, by):
    """Put a case on legal hold (retention will not anonymise it) or take it off."""
    from .models import Case
    from .services.retention import set_legal_hold

    actor = user_service.find_user(by)
    case = db.session.scalar(select(Case).where(Case.reference == reference.strip().upper()))
    if case is None:
        _fail(f"No case {reference}")
    try:
        set_legal_hold(case, actor, on, reason)
    except ServiceError as error:
        db.session.rollback()
        _fail(error.message)
    db.session.commit()
    click.echo(f"{case.reference} is {'now on' if on else 'no longer on'} legal hold.")


@casework_cli.command("worker")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 8), help="Jobs run at once")
def worker(workers):
    """Run background jobs (web captures) until stopped. The queue is TASK_QUEUE_URL: SQLite in
    instance/tasks.db by default, or Redis."""
    from flask import current_app

    from .tasks import run_worker

    app = current_app._get_current_object()
    queue = app.config.get("TASK_QUEUE_URL") or "instance/tasks.db (SQLite)"
    click.echo(f"Casework worker: {workers} at a time, queue {queue}. Stop with Ctrl+C.")
    run_worker(app, workers)


def register(app: Flask) -> None:
    app.cli.add_command(casework_cli)
