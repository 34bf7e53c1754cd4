"""Deleting submissions past their retention, with everything that belongs to them, and
the audit rows that say what went.

How long each form's submissions are kept is decided outside the database
(forms_service.retention); this module only finds and deletes what is past a cutoff.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Mapping

from sqlalchemy import and_, delete, exists, false, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from forms_service.clock import utcnow
from forms_service.data.models import (
    AuditEvent,
    Draft,
    FormVersion,
    JobEffect,
    ResumeToken,
    StoredPaperPdf,
    StoredPdf,
    Submission,
    SubmissionEvent,
)

PURGE_ACTOR = "system:purge"
PURGE_BATCH = 200


class Retention:
    sessions: sessionmaker

    def submission_form_ids(self) -> list[str]:
        """The forms that have submissions (each needs a retention period)."""
        with self.sessions() as db:
            return list(db.scalars(select(Submission.form_id).distinct()))

    def newest_definitions(self, form_ids: list[str]) -> dict[str, dict]:
        """The newest definition the service ran of each form, as plain data (for forms
        whose file is gone or broken today: their submissions keep the last policy)."""
        newest = (
            select(FormVersion.form_id, func.max(FormVersion.version).label("version"))
            .where(FormVersion.form_id.in_(form_ids))
            .group_by(FormVersion.form_id)
            .subquery()
        )
        with self.sessions() as db:
            rows = db.execute(
                select(FormVersion.form_id, FormVersion.definition).join(
                    newest,
                    and_(
                        FormVersion.form_id == newest.c.form_id,
                        FormVersion.version == newest.c.version,
                    ),
                )
            )
            return {form_id: definition for form_id, definition in rows}

    def purge_submissions(
        self,
        cutoffs: Mapping[str, datetime.datetime],
        *,
        batch_size: int = PURGE_BATCH,
        keep_going: Callable[[], bool] = lambda: True,
    ) -> dict[str, int]:
        """Delete each form's submissions decided before its cutoff (or, still undecided,
        submitted and last moved before it), with their PDFs, timelines, drafts and resume
        links: a batch per transaction, each with its audit row. Counts of what went.

        Safe beside another purge: rows are taken with SKIP LOCKED on PostgreSQL, SQLite
        queues the writers, and only the ids a batch read are deleted.
        """
        totals: Counter[str] = Counter()
        for form_id, cutoff in sorted(cutoffs.items()):
            while keep_going():
                counts = self._purge_batch(form_id, cutoff, batch_size)
                totals.update(counts)
                if counts["submissions"] < batch_size:
                    break
        return {
            what: totals[what]
            for what in (
                "submissions",
                "stored PDFs",
                "stored paper forms",
                "submission events",
                "submitted drafts",
            )
        }

    def _purge_batch(
        self, form_id: str, cutoff: datetime.datetime, batch_size: int
    ) -> Counter[str]:
        counts: Counter[str] = Counter(submissions=0)
        with self.sessions.begin() as db:
            _take_write_lock(db)
            rows = db.execute(
                select(Submission.id, Submission.reference, Submission.draft_id)
                .where(Submission.form_id == form_id, _past(cutoff))
                .order_by(Submission.id)
                .limit(batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return counts
            ids = [row.id for row in rows]
            drafts = [row.draft_id for row in rows]
            where_submission = StoredPdf.submission_id.in_(ids)
            counts["stored PDFs"] = db.execute(delete(StoredPdf).where(where_submission)).rowcount
            counts["stored paper forms"] = db.execute(
                delete(StoredPaperPdf).where(StoredPaperPdf.submission_id.in_(ids))
            ).rowcount
            # What its jobs did (references only): nothing to keep once it goes.
            db.execute(delete(JobEffect).where(JobEffect.submission_id.in_(ids)))
            counts["submission events"] = db.execute(
                delete(SubmissionEvent).where(SubmissionEvent.submission_id.in_(ids))
            ).rowcount
            # What this batch deleted, not what it read: the audit row names only those.
            gone = db.execute(
                delete(Submission)
                .where(Submission.id.in_(ids))
                .returning(Submission.id, Submission.reference)
            ).all()
            counts["submissions"] = len(gone)
            if not gone:
                return counts
            db.execute(delete(ResumeToken).where(ResumeToken.draft_id.in_(drafts)))
            counts["submitted drafts"] = db.execute(
                delete(Draft).where(Draft.id.in_(drafts))
            ).rowcount
            # What went, in the same transaction: references and ids, never answers.
            db.add(
                AuditEvent(
                    at=utcnow(),
                    actor=PURGE_ACTOR,
                    action="retention_purge",
                    target=form_id,
                    detail={
                        "form": form_id,
                        "retained_until": cutoff.isoformat(),
                        **counts,
                        "references": sorted(row.reference for row in gone),
                        "submission_ids": sorted(row.id for row in gone),
                        "draft_ids": drafts,
                    },
                )
            )
        return counts


def _past(cutoff: datetime.datetime):
    """Decided before the cutoff; or undecided, submitted before it and with no status
    change since (a case reopened or moved on recently is in a caseworker's hands)."""
    moved_since = exists().where(
        SubmissionEvent.submission_id == Submission.id,
        SubmissionEvent.kind == "status",
        SubmissionEvent.at >= cutoff,
    )
    return or_(
        Submission.decided_at < cutoff,
        and_(
            Submission.decided_at.is_(None),
            Submission.submitted_at < cutoff,
            ~moved_since,
        ),
    )


def _take_write_lock(db: Session) -> None:
    """On SQLite, take the database's write lock before reading what to delete: a second
    purge then waits for this one and reads after it, instead of failing when it tries to
    write on a stale read. (A write that matches no row takes the lock. PostgreSQL locks
    the rows it reads instead.)"""
    if db.get_bind().dialect.name == "sqlite":
        db.execute(update(Submission).where(false()).values(id=Submission.id))
