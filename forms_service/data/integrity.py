"""Questions about the data's integrity, asked by the crash-load test (scripts/loadtest_crash.py)
after it has killed the service mid-run: each answer should be 0 or empty."""

from __future__ import annotations

from sqlalchemy import func, select

from forms_service.data.database import Sessions
from forms_service.data.models import Draft, Submission


class Integrity:
    sessions: Sessions

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

    def references(self, form_id: str) -> set[str]:
        with self.sessions() as db:
            return set(
                db.scalars(select(Submission.reference).where(Submission.form_id == form_id))
            )
