"""Sandbox executions: one row per run (source only when retention is on).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 04:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "executions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=32), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("limits", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("signal", sa.Integer(), nullable=True),
        sa.Column("wall_ms", sa.Float(), nullable=False),
        sa.Column("cpu_ms", sa.Float(), nullable=False),
        sa.Column("peak_memory_kb", sa.Integer(), nullable=True),
        sa.Column("stdout_truncated", sa.Boolean(), nullable=False),
        sa.Column("stderr_truncated", sa.Boolean(), nullable=False),
        sa.Column("test_summary", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("executions", schema=None) as batch_op:
        batch_op.create_index("ix_executions_language", ["language"], unique=False)
        batch_op.create_index("ix_executions_source_hash", ["source_hash"], unique=False)
        batch_op.create_index("ix_executions_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_table("executions")
