"""Operations: verified examples, feedback corrections and reviews, saved questions.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_questions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("shared_role", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_questions")),
    )
    op.create_index(op.f("ix_saved_questions_user_id"), "saved_questions", ["user_id"])
    op.create_table(
        "verified_examples",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("normalised_question", sa.String(length=512), nullable=False),
        sa.Column("sql", sa.Text(), nullable=False),
        sa.Column("tables", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("reviewer", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_feedback_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verified_examples")),
    )
    op.create_index(
        op.f("ix_verified_examples_normalised_question"),
        "verified_examples",
        ["normalised_question"],
    )
    op.create_table(
        "feedback_corrections",
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("sql", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["answer_feedback.id"],
            name=op.f("fk_feedback_corrections_feedback_id_answer_feedback"),
        ),
        sa.PrimaryKeyConstraint("feedback_id", name=op.f("pk_feedback_corrections")),
    )
    op.create_table(
        "feedback_reviews",
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("example_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["answer_feedback.id"],
            name=op.f("fk_feedback_reviews_feedback_id_answer_feedback"),
        ),
        sa.PrimaryKeyConstraint("feedback_id", name=op.f("pk_feedback_reviews")),
    )


def downgrade() -> None:
    for table in (
        "feedback_reviews",
        "feedback_corrections",
        "verified_examples",
        "saved_questions",
    ):
        op.drop_table(table)  # drops the table's indexes too
