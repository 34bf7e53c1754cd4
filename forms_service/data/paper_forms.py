"""Paper forms: the blank PDFs the service has run, and submissions filled into them.

A blank paper PDF is kept by its SHA-256 the first time a definition naming it is loaded,
and never changed or deleted: a submission's snapshot names the hash of the PDF its answers
were mapped to, so it is filled into that one even after the file in the definitions folder
changed or the form was removed. A filled copy holds answers: it is sealed like the PDF and
purged with its submission (retention.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from forms_service.clock import utcnow
from forms_service.data.models import PaperPdf, StoredPaperPdf


class PaperForms:
    sessions: sessionmaker

    def record_paper_pdfs(self, pdfs: Mapping[str, tuple[str, bytes]]) -> None:
        """Keep each blank paper PDF ({sha256: (file, bytes)}) not already kept."""
        if not pdfs:
            return
        # Two workers starting at once may both insert one: the second finds it there.
        with contextlib.suppress(IntegrityError), self.sessions.begin() as db:
            known = set(db.scalars(select(PaperPdf.sha256).where(PaperPdf.sha256.in_(pdfs))))
            for sha256, (file, pdf) in pdfs.items():
                if sha256 not in known:
                    db.add(PaperPdf(sha256=sha256, file=file, pdf=pdf, first_seen=utcnow()))

    def paper_pdf(self, sha256: str) -> bytes | None:
        """The blank paper PDF with this hash, if the service has run it."""
        with self.sessions() as db:
            row = db.get(PaperPdf, sha256)
            return row.pdf if row is not None else None

    def has_paper_pdf(self, sha256: str) -> bool:
        """Whether the blank paper PDF with this hash is kept (without reading it)."""
        with self.sessions() as db:
            return db.scalar(select(PaperPdf.sha256).where(PaperPdf.sha256 == sha256)) is not None

    def stored_paper_pdf(self, submission_id: int, content_hash: str) -> bytes | None:
        with self.sessions() as db:
            row = db.get(StoredPaperPdf, submission_id)
            return row.pdf if row is not None and row.content_hash == content_hash else None

    def store_paper_pdf(self, submission_id: int, content_hash: str, pdf: bytes) -> None:
        """Keep a submission's filled paper form (the later of two at once is dropped)."""
        with contextlib.suppress(IntegrityError), self.sessions.begin() as db:
            row = db.get(StoredPaperPdf, submission_id)
            if row is None:
                db.add(
                    StoredPaperPdf(
                        submission_id=submission_id,
                        content_hash=content_hash,
                        pdf=pdf,
                        created_at=utcnow(),
                    )
                )
            else:
                row.content_hash, row.pdf, row.created_at = content_hash, pdf, utcnow()
