"""A case remembers what the report that made it said, so a submission key used again for a different report
is refused rather than answered with the first case

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01 02:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_fingerprint", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("submission_fingerprint")
