"""A generation's resumable state on its conversation (issue 18): the verified loop
records its spec, tests and finished rounds after every round, so a loop that stopped
(a provider timeout, a crash, a closed terminal) is picked up by conversation id.

Revision ID: 0024
Revises: 0020
Create Date: 2026-12-06 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("state", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("state")
