"""Retention of submissions: submissions.decided_at, when the case was decided (the form's
retention counts from there), filled in for cases already decided; and drafts already
submitted stop holding the answers, resume email and assisted-digital details that their
submission now holds.

Revision 0006_retention, after 0003.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_retention"
down_revision = "0008"
branch_labels = None
depends_on = None

# forms_service.statuses.DECIDED_STATUSES when this was written (a migration must not
# change meaning when the code does).
DECIDED = ("accepted", "rejected")


def upgrade() -> None:
    # A nullable column without a reference: a plain ALTER TABLE ADD COLUMN on SQLite too.
    op.add_column("submissions", sa.Column("decided_at", sa.DateTime(timezone=True)))
    op.create_index("ix_submissions_decided_at", "submissions", ["decided_at"])
    # Decided before this column existed: the last status change is the decision.
    op.execute(
        sa.text(
            "UPDATE submissions SET decided_at = COALESCE("
            " (SELECT MAX(e.at) FROM submission_events e"
            "  WHERE e.submission_id = submissions.id AND e.kind = 'status'),"
            " submitted_at)"
            " WHERE status IN :decided"
        ).bindparams(sa.bindparam("decided", DECIDED, expanding=True))
    )
    op.execute(
        "UPDATE drafts SET answers = '{}', resume_email = NULL, assisted = NULL"
        " WHERE submitted_at IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_submissions_decided_at", table_name="submissions")
    op.drop_column("submissions", "decided_at")
