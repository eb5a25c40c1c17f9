"""The first schema: metric versions, dimensions, conversations, feedback, users, question counts
and the audit log.

A database made before the migrations existed (``metadata.create_all``, or the audit log creating
its own table) already holds some of these tables: each is created only when absent.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "metric_versions",
    "dimension_definitions",
    "conversation_turns",
    "answer_feedback",
    "users",
    "question_counts",
    "audit_log",
)


def _absent(table: str) -> bool:
    if op.get_context().as_sql:  # --sql: no database to look at
        return True
    return not sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    if _absent("metric_versions"):
        op.create_table(
            "metric_versions",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("code", sa.String(length=64), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("source", sa.String(length=128), nullable=False),
            sa.Column("definition", sa.JSON(), nullable=False),
            sa.Column("content_hash", sa.String(length=64), nullable=False),
            sa.Column("author", sa.String(length=64), nullable=False),
            sa.Column("approver", sa.String(length=64), nullable=True),
            sa.Column("comment", sa.Text(), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_versions")),
            sa.UniqueConstraint("code", "version", name="uq_metric_version"),
        )
        op.create_index(op.f("ix_metric_versions_code"), "metric_versions", ["code"])
    if _absent("dimension_definitions"):
        op.create_table(
            "dimension_definitions",
            sa.Column("code", sa.String(length=64), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("definition", sa.JSON(), nullable=False),
            sa.PrimaryKeyConstraint("code", name=op.f("pk_dimension_definitions")),
        )
    if _absent("conversation_turns"):
        op.create_table(
            "conversation_turns",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("conversation_id", sa.String(length=64), nullable=False),
            sa.Column("user_id", sa.String(length=64), nullable=False),
            sa.Column("question", sa.Text(), nullable=False),
            sa.Column("query", sa.Text(), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_turns")),
        )
        op.create_index(
            op.f("ix_conversation_turns_conversation_id"),
            "conversation_turns",
            ["conversation_id"],
        )
    if _absent("answer_feedback"):
        op.create_table(
            "answer_feedback",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("user_id", sa.String(length=64), nullable=False),
            sa.Column("question", sa.Text(), nullable=False),
            sa.Column("sql", sa.Text(), nullable=True),
            sa.Column("rating", sa.Integer(), nullable=False),
            sa.Column("reason", sa.Text(), nullable=True),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_feedback")),
        )
    if _absent("users"):
        op.create_table(
            "users",
            sa.Column("user_id", sa.String(length=64), nullable=False),
            sa.Column("display_name", sa.String(length=64), nullable=False),
            sa.Column("role", sa.String(length=32), nullable=False),
            sa.Column("org_id", sa.String(length=32), nullable=False),
            sa.Column("emp_id", sa.String(length=32), nullable=True),
            sa.Column("password_hash", sa.String(length=256), nullable=False),
            sa.Column("failed_logins", sa.Integer(), nullable=False),
            sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("user_id", name=op.f("pk_users")),
        )
    if _absent("question_counts"):
        op.create_table(
            "question_counts",
            sa.Column("user_id", sa.String(length=64), nullable=False),
            sa.Column("period", sa.String(length=8), nullable=False),
            sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
            sa.Column("questions", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("user_id", "period", name=op.f("pk_question_counts")),
        )
    if _absent("audit_log"):
        op.create_table(
            "audit_log",
            sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("user_id", sa.String(length=64), nullable=False),
            sa.Column("action", sa.String(length=32), nullable=False),
            sa.Column("decision", sa.String(length=16), nullable=False),
            sa.Column("record", sa.Text(), nullable=False),
            sa.Column("prev_mac", sa.String(length=64), nullable=False),
            sa.Column("mac", sa.String(length=64), nullable=False),
            sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        )
        op.create_index(op.f("ix_audit_log_created_at"), "audit_log", ["created_at"])
        op.create_index(op.f("ix_audit_log_user_id"), "audit_log", ["user_id"])


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)  # drops the table's indexes too
