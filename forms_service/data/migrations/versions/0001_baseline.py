"""The schema as the service had it before migrations: eleven tables.

Databases made by `forms-service init-db` before Alembic already hold some or all of these
tables, and no alembic_version. For them this migration does what that init-db did, once:
it creates the missing tables, adds missing columns (nullable) and missing indexes, and
keeps every row. On an empty database it simply creates the schema.

Revision 0001, the first.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
MOMENT = sa.DateTime(timezone=True)

# A frozen copy of the models as they were: later migrations change the models, not this.
baseline = sa.MetaData()
sa.Table(
    "web_sessions",
    baseline,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("data", JSON, nullable=False),
    sa.Column("created_at", MOMENT, nullable=False),
    sa.Column("expires_at", MOMENT, nullable=False, index=True),
)
sa.Table(
    "drafts",
    baseline,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("session_key", sa.String(64), nullable=False, index=True),
    sa.Column("form_id", sa.String(100), nullable=False),
    sa.Column("form_version", sa.Integer, nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("answers", JSON, nullable=False),
    sa.Column("created_at", MOMENT, nullable=False),
    sa.Column("updated_at", MOMENT, nullable=False, index=True),
    sa.Column("submitted_at", MOMENT),
    sa.Column("expires_at", MOMENT, index=True),
    sa.Column("resume_email", sa.String(320), index=True),
    sa.Index("ix_drafts_session_form", "session_key", "form_id"),
)
sa.Table(
    "staff_users",
    baseline,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(30), nullable=False),
    sa.Column("forms", JSON, nullable=False),
    sa.Column("password_hash", sa.String(200)),
    sa.Column("sso_subject", sa.String(200), unique=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("failed_sign_ins", sa.Integer, nullable=False),
    sa.Column("locked_until", MOMENT),
    sa.Column("created_at", MOMENT, nullable=False),
    sa.Column("last_sign_in_at", MOMENT),
)
sa.Table(
    "submissions",
    baseline,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("reference", sa.String(20), nullable=False, unique=True),
    sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id"), nullable=False),
    sa.Column("form_id", sa.String(100), nullable=False, index=True),
    sa.Column("form_version", sa.Integer, nullable=False),
    sa.Column("definition", JSON, nullable=False),
    sa.Column("answers", JSON, nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("started_at", MOMENT, nullable=False),
    sa.Column("submitted_at", MOMENT, nullable=False, index=True),
    sa.Column("status", sa.String(30), index=True),
    sa.Column("assigned_to", sa.Integer, sa.ForeignKey("staff_users.id"), index=True),
    sa.Column("due_on", sa.Date, index=True),
    sa.Column("applicant_name", sa.String(200), index=True),
    sa.UniqueConstraint("draft_id", name="uq_submissions_draft"),
    sa.Index("ix_submissions_form_submitted", "form_id", "submitted_at"),
    sa.Index("ix_submissions_status_due", "status", "due_on"),
)
sa.Table(
    "submission_events",
    baseline,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False, index=True
    ),
    sa.Column("at", MOMENT, nullable=False),
    sa.Column("actor_id", sa.Integer, sa.ForeignKey("staff_users.id")),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("detail", JSON, nullable=False),
)
sa.Table(
    "audit_events",
    baseline,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", MOMENT, nullable=False, index=True),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(50), nullable=False),
    sa.Column("target", sa.String(200)),
    sa.Column("ip", sa.String(64)),
    sa.Column("detail", JSON, nullable=False),
)
sa.Table(
    "api_tokens",
    baseline,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("forms", JSON, nullable=False),
    sa.Column("created_at", MOMENT, nullable=False),
    sa.Column("last_used_at", MOMENT),
    sa.Column("revoked_at", MOMENT),
)
sa.Table(
    "stored_pdfs",
    baseline,
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), primary_key=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("pdf", sa.LargeBinary, nullable=False),
    sa.Column("created_at", MOMENT, nullable=False),
)
sa.Table(
    "resume_tokens",
    baseline,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "draft_id",
        sa.Integer,
        sa.ForeignKey("drafts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", MOMENT, nullable=False),
    sa.Column("expires_at", MOMENT, nullable=False),
    sa.Column("used_at", MOMENT),
)
sa.Table(
    "rate_limits",
    baseline,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("window_start", MOMENT, nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
)
sa.Table(
    "form_versions",
    baseline,
    sa.Column("form_id", sa.String(100), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("definition", JSON, nullable=False),
    sa.Column("first_seen", MOMENT, nullable=False),
)


def upgrade() -> None:
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    baseline.create_all(bind)  # only the tables that are missing, with their indexes
    if existing:
        _complete(bind, [t for t in baseline.sorted_tables if t.name in existing])


def _complete(bind: sa.Connection, tables: list[sa.Table]) -> None:
    """Add the columns (as nullable, as the old init-db did) and indexes a table lacks."""
    present = sa.inspect(bind)
    for table in tables:
        columns = {column["name"] for column in present.get_columns(table.name)}
        for column in table.columns:
            if column.name not in columns:
                kind = column.type.compile(dialect=bind.dialect)
                op.execute(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}')
        indexes = {index["name"] for index in present.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexes:
                index.create(bind)


def downgrade() -> None:
    baseline.drop_all(op.get_bind())
