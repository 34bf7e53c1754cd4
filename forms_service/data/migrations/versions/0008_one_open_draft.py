"""One open draft per browser session and form: two tabs saving the first page at once
used to create two drafts, and the answers saved into the hidden one were lost.

Older duplicates (only the newest was ever shown) are set aside as abandoned, as a resume
link does, before the unique index is made.

Revision 0008, after 0007_api_token_expiry.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007_api_token_expiry"
branch_labels = None
depends_on = None

OPEN = sa.text("submitted_at IS NULL")


def upgrade() -> None:
    op.execute(
        "UPDATE drafts SET session_key = 'abandoned:' || CAST(id AS VARCHAR(20)) "
        "WHERE submitted_at IS NULL AND id NOT IN ("
        "  SELECT newest FROM (SELECT MAX(id) AS newest FROM drafts"
        "  WHERE submitted_at IS NULL GROUP BY session_key, form_id) AS kept)"
    )
    op.create_index(
        "uq_drafts_one_open",
        "drafts",
        ["session_key", "form_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("uq_drafts_one_open", table_name="drafts")
