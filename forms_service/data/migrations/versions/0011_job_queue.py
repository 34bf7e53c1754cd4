"""The job queue: procrastinate's schema on PostgreSQL (its own SQL, pinned with the
package), a small queue table on SQLite, and the effects jobs record so a job run twice
does not send twice.

Revision 0011_job_queue, after 0010_paper_pdfs.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0011_job_queue"
down_revision = "0010_paper_pdfs"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")

# What procrastinate's schema.sql creates, to take it away again (downgrade).
PROCRASTINATE_TABLES = (
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)
PROCRASTINATE_TYPES = (
    "procrastinate_job_to_defer_v1",
    "procrastinate_job_event_type",
    "procrastinate_job_status",
)


def upgrade() -> None:
    op.create_table(
        "job_effects",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("submission_id", sa.Integer, nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_job_effects_submission_id", "job_effects", ["submission_id"])
    op.create_table(
        "queued_jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task", sa.String(100), nullable=False),
        sa.Column("args", JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("run_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
    )
    op.create_index("ix_queued_jobs_due", "queued_jobs", ["status", "run_after"])
    if op.get_bind().dialect.name == "postgresql":
        from procrastinate.schema import SchemaManager

        # On the driver connection (same transaction), without parameters: its SQL has % signs
        # that a parameterised execute would read as placeholders.
        op.get_bind().connection.driver_connection.execute(SchemaManager.get_schema())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in PROCRASTINATE_TABLES:
            op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
        # Its functions, found by name with their signatures (overloads included).
        functions = bind.exec_driver_sql(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\\_%%'"
        ).scalars()
        for signature in list(functions):
            op.execute(f"DROP FUNCTION IF EXISTS {signature} CASCADE")
        for type_ in PROCRASTINATE_TYPES:
            op.execute(f"DROP TYPE IF EXISTS {type_} CASCADE")
    op.drop_index("ix_queued_jobs_due", table_name="queued_jobs")
    op.drop_table("queued_jobs")
    op.drop_index("ix_job_effects_submission_id", table_name="job_effects")
    op.drop_table("job_effects")
