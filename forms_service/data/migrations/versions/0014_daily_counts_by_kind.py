"""Counting the dashboard's events fast: daily counts indexed by form, kind and day with
every column the dashboard reads (so a query reads the index alone), weekly counts (the
daily ones added up by week: a seventh of the rows for long periods), and the last day
counted (days after it are read from the events as they happened).

Measured at 90 days of 100,000 journeys on SQLite: the decisions' query went from reading
every row of the period to a few hundred, and a breakdown from 530 ms to about 60.

Revision 0014_daily_counts_by_kind, after 0013_performance_events.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_daily_counts_by_kind"
down_revision = "0013_performance_events"
branch_labels = None
depends_on = None

COUNTED = ("channel", "language", "form_version", "page", "question", "detail", "value")
COUNTED += ("events", "journeys")


def upgrade() -> None:
    op.create_index(
        "ix_daily_event_counts_form_kind_day",
        "daily_event_counts",
        ["form_id", "kind", "day", *COUNTED],
    )
    op.create_table(
        "weekly_event_counts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("week", sa.Date, nullable=False),
        sa.Column("form_id", sa.String(100), nullable=False),
        sa.Column("form_version", sa.Integer, nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("page", sa.String(100), nullable=True),
        sa.Column("question", sa.String(100), nullable=True),
        sa.Column("detail", sa.String(50), nullable=True),
        sa.Column("value", sa.Integer, nullable=True),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("journeys", sa.Integer, nullable=False),
    )
    op.create_index("ix_weekly_event_counts_week", "weekly_event_counts", ["week"])
    op.create_index(
        "ix_weekly_event_counts_form_kind_week",
        "weekly_event_counts",
        ["form_id", "kind", "week", *COUNTED],
    )
    op.create_table(
        "event_counting",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("counted_through", sa.Date, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("event_counting")
    op.drop_table("weekly_event_counts")
    op.drop_index("ix_daily_event_counts_form_kind_day", "daily_event_counts")
