"""Metric drafts (optimistic concurrency, one open draft per metric) and lifted metric locks.

Revision ID: 0010
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "metric_drafts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("open_code", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=128), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("editors", sa.JSON(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=64), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_drafts")),
        sa.UniqueConstraint("open_code", name=op.f("uq_metric_drafts_open_code")),
    )
    op.create_index(op.f("ix_metric_drafts_code"), "metric_drafts", ["code"])
    op.create_table(
        "metric_unlocks",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("unlocked_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("unlocked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_metric_unlocks")),
    )


def downgrade() -> None:
    op.drop_table("metric_unlocks")
    op.drop_table("metric_drafts")  # drops its indexes too
