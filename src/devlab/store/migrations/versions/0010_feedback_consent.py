"""Feedback: the user's consent to train on a correction, and the project it was given in.

``training_consent`` (default false: nothing is used for training unless the user says
so) and ``project_id`` (copied from the conversation when feedback is given, so it
outlives the conversation; a deleted project leaves it null).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(
            sa.Column("training_consent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_feedback_project_id_projects",
            "projects",
            ["project_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_feedback_project_id", ["project_id"])
    # feedback given before this revision: its conversation's project, when still there
    op.execute(
        "UPDATE feedback SET project_id = (SELECT conversations.project_id FROM messages "
        "JOIN conversations ON conversations.id = messages.conversation_id "
        "WHERE messages.id = feedback.message_id) WHERE message_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("feedback") as batch:
        batch.drop_index("ix_feedback_project_id")
        batch.drop_constraint("fk_feedback_project_id_projects", type_="foreignkey")
        batch.drop_column("project_id")
        batch.drop_column("training_consent")
