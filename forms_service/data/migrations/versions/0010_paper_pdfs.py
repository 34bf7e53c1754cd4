"""Paper forms: the blank paper PDFs the service has run (by hash, for good, so a submission
is always filled into the PDF it was mapped to), and each submission's filled paper form,
cached and sealed like its PDF.

Revision 0010_paper_pdfs, after 0009_staff_invites.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_paper_pdfs"
down_revision = "0009_staff_invites"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paper_pdfs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("file", sa.String(300), nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "stored_paper_pdfs",
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("pdf_sealed", sa.LargeBinary, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data_key", sa.LargeBinary, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("stored_paper_pdfs")
    op.drop_table("paper_pdfs")
