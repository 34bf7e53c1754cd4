"""What a submission sets going, queued in the transaction that stores it."""

from __future__ import annotations

from flask import current_app

from forms_service import delivery
from forms_service.data import JobRequest, Submission
from forms_service.definitions.model import Form
from forms_service.jobs.tasks import RENDER_PDFS


def jobs_at_submission(form: Form, submission: Submission) -> list[JobRequest]:
    """Its PDFs made now (so the first download is instant), then its emails and webhooks
    (forms_service.delivery decides which)."""
    jobs: list[JobRequest] = []
    if current_app.config.get("PDFS_AT_SUBMISSION", True):
        jobs.append((RENDER_PDFS, {"reference": submission.reference}))
    jobs.extend(delivery.jobs_at_submission(form, submission))
    return jobs
