"""A case remembers the key of the submission that made it, so a double submission makes one case

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 06:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_cases_submission_key", ["submission_key"])


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint("uq_cases_submission_key", type_="unique")
        batch_op.drop_column("submission_key")
