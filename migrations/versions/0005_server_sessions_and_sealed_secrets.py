"""Sessions kept on the server, failed sign-ins counted in the database by a keyed hash of the address,
two-factor secrets sealed at rest (and the one being set up kept here, not in the cookie)

Replaces users.failed_logins, users.locked_until and users.session_epoch, and
users.mfa_secret (plain text) with users.mfa_secret_sealed. Existing secrets
are sealed under the key the app uses (MFA_KEY, or SECRET_KEY), so people
keep their authenticator apps.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 03:00:00

"""

import sqlalchemy as sa
from alembic import op
from flask import current_app

from casework.services.secrets_at_rest import old_keys, seal_with, sealer, unseal_with

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _sealer():
    config = current_app.config
    return sealer(config.get("MFA_KEY") or config["SECRET_KEY"], old_keys(config.get("MFA_OLD_KEYS")))


def upgrade():
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_reason", sa.String(length=30), nullable=True),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "sign_in_failures",
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("address_key", name=op.f("pk_sign_in_failures")),
    )
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_failures_last_failure_at"), ["last_failure_at"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mfa_secret_sealed", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("mfa_enrolment_sealed", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("mfa_enrolment_started_at", sa.DateTime(), nullable=True))

    connection = op.get_bind()
    users = sa.table(
        "users",
        sa.column("id", sa.Integer),
        sa.column("mfa_secret", sa.String),
        sa.column("mfa_secret_sealed", sa.String),
    )
    rows = connection.execute(sa.select(users.c.id, users.c.mfa_secret).where(users.c.mfa_secret.is_not(None))).all()
    if rows:
        box = _sealer()
        for user_id, secret in rows:
            connection.execute(
                users.update().where(users.c.id == user_id).values(mfa_secret_sealed=seal_with(box, secret))
            )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("mfa_secret")
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("session_epoch")


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("mfa_secret", sa.String(length=64), nullable=True))

    connection = op.get_bind()
    users = sa.table(
        "users",
        sa.column("id", sa.Integer),
        sa.column("mfa_secret", sa.String),
        sa.column("mfa_secret_sealed", sa.String),
    )
    rows = connection.execute(
        sa.select(users.c.id, users.c.mfa_secret_sealed).where(users.c.mfa_secret_sealed.is_not(None))
    ).all()
    if rows:
        box = _sealer()
        for user_id, sealed in rows:
            connection.execute(users.update().where(users.c.id == user_id).values(mfa_secret=unseal_with(box, sealed)))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("mfa_enrolment_started_at")
        batch_op.drop_column("mfa_enrolment_sealed")
        batch_op.drop_column("mfa_secret_sealed")

    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_failures_last_failure_at"))
    op.drop_table("sign_in_failures")

    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))
    op.drop_table("user_sessions")
