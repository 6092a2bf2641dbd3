"""Skipped files may keep their text (lock files, for dependency analysis).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 10:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("skipped_files") as batch:
        batch.add_column(sa.Column("text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("skipped_files") as batch:
        batch.drop_column("text")
