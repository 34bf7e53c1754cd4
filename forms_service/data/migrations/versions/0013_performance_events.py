"""The performance dashboard's data: journey events (no personal data), their daily
counts once rolled up, satisfaction comments (sealed), paper forms received outside the
service, and the random journey id of each draft.

Revision 0013_performance_events, after 0012_confirmation_address.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_performance_events"
down_revision = "0012_confirmation_address"
branch_labels = None
depends_on = None

# The columns the dashboard reads after an index's leading ones (models.COVER).
COVER = ("channel", "language", "form_version", "page", "question", "detail", "value", "journey")


def _dimensions() -> list[sa.Column]:
    return [
        sa.Column("form_id", sa.String(100), nullable=False),
        sa.Column("form_version", sa.Integer, nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
    ]


def _what() -> list[sa.Column]:
    return [
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("page", sa.String(100), nullable=True),
        sa.Column("question", sa.String(100), nullable=True),
        sa.Column("detail", sa.String(50), nullable=True),
        sa.Column("value", sa.Integer, nullable=True),
    ]


def upgrade() -> None:
    op.add_column("drafts", sa.Column("journey", sa.String(32), nullable=True))
    op.create_table(
        "journey_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        *_dimensions(),
        sa.Column("journey", sa.String(32), nullable=True),
        *_what(),
    )
    op.create_index("ix_journey_events_at", "journey_events", ["at"])
    op.create_index(
        "ix_journey_events_form_kind_at",
        "journey_events",
        ["form_id", "kind", "at", *COVER],
    )
    op.create_table(
        "daily_event_counts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        *_dimensions(),
        *_what(),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("journeys", sa.Integer, nullable=False),
    )
    op.create_index("ix_daily_event_counts_day", "daily_event_counts", ["day"])
    op.create_table(
        "feedback_comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("form_id", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("comment_sealed", sa.LargeBinary, nullable=True),
        sa.Column("data_key", sa.LargeBinary, nullable=True),
    )
    op.create_index("ix_feedback_comments_at", "feedback_comments", ["at"])
    op.create_index("ix_feedback_comments_form_id", "feedback_comments", ["form_id"])
    op.create_table(
        "paper_volumes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("form_id", sa.String(100), nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_paper_volumes_form_id", "paper_volumes", ["form_id"])
    op.create_index("ix_paper_volumes_received_on", "paper_volumes", ["received_on"])
    _decisions_made_before()


def _decisions_made_before() -> None:
    """Submissions decided before this release: their `decided` events, so the dashboard's
    turnaround starts with the casework already done (the purge rolls them up by day)."""
    from forms_service.performance.events import decision_event  # the same formula

    bind = op.get_bind()
    submissions = sa.table(
        "submissions",
        *(sa.column(name) for name in ("form_id", "form_version", "channel", "language")),
        sa.column("submitted_at", sa.DateTime(timezone=True)),
        sa.column("decided_at", sa.DateTime(timezone=True)),
        sa.column("due_on", sa.Date),
    )
    rows = bind.execute(
        sa.select(submissions).where(submissions.c.decided_at.is_not(None))
    ).mappings()
    events = [decision_event(**row) for row in rows]
    if events:
        columns = [sa.column(name) for name in events[0] if name != "at"]
        table = sa.table("journey_events", sa.column("at", sa.DateTime(timezone=True)), *columns)
        op.bulk_insert(table, events)


def downgrade() -> None:
    for table in ("paper_volumes", "feedback_comments", "daily_event_counts", "journey_events"):
        op.drop_table(table)
    op.drop_column("drafts", "journey")
