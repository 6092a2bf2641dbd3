"""Projects: ``own_code``, whether the project is the team's own code (issue 14).

A dataset built from the team's own project keeps its files whatever their licence
(a private codebase rarely has a LICENSE file). Null for projects ingested before
this revision: their setting is derived from the source when first needed
(``codebase.ownership.default_own_code``), exactly as a new ingestion would set it.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-06 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("own_code", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("own_code")
