"""Snippet versions: every sandbox run from the web workbench saves one (issue 20).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snippet_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snippet", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=32), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("entry", sa.String(length=255), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("snippet", "version"),
    )
    op.create_index("ix_snippet_versions_snippet", "snippet_versions", ["snippet"])


def downgrade() -> None:
    op.drop_index("ix_snippet_versions_snippet", table_name="snippet_versions")
    op.drop_table("snippet_versions")
