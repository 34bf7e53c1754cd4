"""What the delivery jobs keep with a submission: the address a citizen typed on the
confirmation page (or gave a member of staff) for their confirmation email, sealed like the
answers, and how many times they asked (the job sends only the newest request)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms_service.data.database import Sessions, StoreError
from forms_service.data.models import Submission

JobRequest = tuple[str, dict[str, Any]]


class Deliveries:
    sessions: Sessions
    queue_jobs: Callable[[Session, list[JobRequest]], None]  # data/jobs.py

    def give_confirmation_address(
        self, submission_id: int, address: str, job: Callable[[int], JobRequest]
    ) -> int:
        """Keep the address for the submission's confirmation email and queue `job(n)` in
        the same transaction (both or neither), n the number of this request (1, 2, ...),
        which the job carries instead of the address. Returns n."""
        with self.sessions.begin() as db:
            submission = db.get(Submission, submission_id, with_for_update=True)
            if submission is None:
                raise StoreError(f"submission {submission_id} does not exist")
            submission.confirmation_address = address
            number = (submission.confirmation_requests or 0) + 1
            submission.confirmation_requests = number
            self.queue_jobs(db, [job(number)])
            return number

    def confirmation_address(self, submission_id: int) -> tuple[str | None, int]:
        """The address given for the confirmation email (None if none) and its request's
        number."""
        with self.sessions() as db:
            row = db.scalars(select(Submission).where(Submission.id == submission_id)).first()
            if row is None:
                return None, 0
            return row.confirmation_address, row.confirmation_requests or 0
