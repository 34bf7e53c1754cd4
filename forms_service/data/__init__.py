"""All database access, by domain (SQLAlchemy 2.0; SQLite or PostgreSQL).

Nothing outside this package writes SQL or ORM queries: callers use the `Store`, which is
made of one part per domain, and read the models it returns. Every public method runs in
one transaction of its own, so a failure part-way leaves nothing half-written. The schema
is changed only by the Alembic migrations in `migrations/` (README: "Changing the database").

    web_sessions.py   browser sessions kept on the server
    drafts.py         drafts, resume links, definition versions, the retention purge
    submissions.py    submitting, references, inbox and API queries, casework, stored PDFs
    deliveries.py     the address a citizen gave for their confirmation email (sealed)
    staff.py          staff accounts and sign-ins, API tokens, the audit log
    paper_forms.py    blank paper PDFs by hash, submissions filled into them (cached)
    jobs.py           queuing jobs with what causes them, their effects, failed jobs
    events.py         journey events for the performance dashboard, rolled up daily
    performance.py    the dashboard's counts over both tables, paper forms received outside
    feedback.py       satisfaction ratings and their comments (sealed), anonymous
    demo_history.py   a made-up performance history in bulk (forms-service demo-data)
    limits.py         rate limits
    integrity.py      checks the crash-load test runs after killing the service
    retention.py      deleting submissions past their retention, audited
    models.py         the tables; database.py the engine; schema.py runs the migrations
"""

from __future__ import annotations

from forms_service.data.database import DATABASE_ERRORS, Database, StoreError
from forms_service.data.deliveries import Deliveries
from forms_service.data.demo_history import DemoHistory
from forms_service.data.drafts import Drafts, OpenDraft
from forms_service.data.events import Events
from forms_service.data.feedback import Feedback
from forms_service.data.integrity import Integrity
from forms_service.data.jobs import FailedJob, JobRequest, Jobs
from forms_service.data.limits import RateLimits
from forms_service.data.models import (
    ApiToken,
    AuditEvent,
    Base,
    DailyEventCount,
    Draft,
    FeedbackComment,
    FormVersion,
    JobEffect,
    JourneyEvent,
    PaperPdf,
    PaperVolume,
    QueuedJob,
    RateLimit,
    RecoveryCode,
    ResumeToken,
    StaffInvite,
    StaffUser,
    StoredPaperPdf,
    StoredPdf,
    Submission,
    SubmissionEvent,
    WebSession,
)
from forms_service.data.paper_forms import PaperForms
from forms_service.data.performance import Performance
from forms_service.data.retention import Retention
from forms_service.data.staff import StaffAccess
from forms_service.data.submissions import Submissions, new_reference
from forms_service.data.web_sessions import WebSessions


class Store(
    WebSessions,
    Drafts,
    Submissions,
    Deliveries,
    PaperForms,
    StaffAccess,
    RateLimits,
    Retention,
    Integrity,
    Jobs,
    Events,
    Performance,
    Feedback,
    DemoHistory,
    Database,
):
    """The service's database: `Store(DATABASE_URL)`, kept in app.extensions["store"]."""


__all__ = [
    "DATABASE_ERRORS",
    "ApiToken",
    "AuditEvent",
    "Base",
    "DailyEventCount",
    "Draft",
    "FeedbackComment",
    "FailedJob",
    "FormVersion",
    "JobEffect",
    "JobRequest",
    "Jobs",
    "JourneyEvent",
    "OpenDraft",
    "PaperPdf",
    "PaperVolume",
    "QueuedJob",
    "RateLimit",
    "RecoveryCode",
    "ResumeToken",
    "StaffInvite",
    "StaffUser",
    "Store",
    "StoreError",
    "StoredPaperPdf",
    "StoredPdf",
    "Submission",
    "SubmissionEvent",
    "WebSession",
    "new_reference",
]
