"""Questions about the data's integrity, asked by the crash-load tests (scripts/loadtest.py,
scripts/loadtest_crash.py) after they have killed the service mid-run: each answer should be
0 or empty."""

from __future__ import annotations

from sqlalchemy import func, select, text

from forms_service.data.database import Sessions
from forms_service.data.jobs import FAILED
from forms_service.data.models import Draft, QueuedJob, StoredPdf, Submission


class Integrity:
    sessions: Sessions
    on_postgresql: bool

    def sessions_with_two_open_drafts(self) -> int:
        """Browser sessions holding more than one unsubmitted draft of the same form."""
        duplicated = (
            select(Draft.session_key)
            .where(Draft.submitted_at.is_(None))
            .group_by(Draft.session_key, Draft.form_id)
            .having(func.count() > 1)
        )
        with self.sessions() as db:
            return db.scalar(select(func.count()).select_from(duplicated.subquery())) or 0

    def sessions_with_two_submissions(self, form_id: str) -> int:
        """Browser sessions that sent the same form more than once."""
        repeated = (
            select(Draft.session_key)
            .join(Submission, Submission.draft_id == Draft.id)
            .where(Submission.form_id == form_id)
            .group_by(Draft.session_key)
            .having(func.count() > 1)
        )
        with self.sessions() as db:
            return db.scalar(select(func.count()).select_from(repeated.subquery())) or 0

    def submissions_without_pdf(self) -> set[str]:
        """References of submissions whose PDF is not stored (the job at submission makes it)."""
        with self.sessions() as db:
            made = select(StoredPdf.submission_id)
            return set(db.scalars(select(Submission.reference).where(Submission.id.not_in(made))))

    def pending_job_args(self, task: str) -> list[dict]:
        """The arguments of the jobs of `task` still waiting or running, on either queue."""
        with self.sessions() as db:
            if self.on_postgresql:
                sql = (
                    "SELECT args FROM procrastinate_jobs"
                    " WHERE task_name = :task AND status IN ('todo', 'doing')"
                )
                return list(db.execute(text(sql), {"task": task}).scalars())
            pending = select(QueuedJob.args).where(
                QueuedJob.task == task, QueuedJob.status != FAILED
            )
            return list(db.scalars(pending))

    def references(self, form_id: str) -> set[str]:
        with self.sessions() as db:
            return set(
                db.scalars(select(Submission.reference).where(Submission.form_id == form_id))
            )
