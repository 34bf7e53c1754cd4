"""Submissions and their casework: submitting a draft once, references, the inbox and API
queries, status, assignment and notes (the timeline), and the stored PDFs."""

from __future__ import annotations

import contextlib
import datetime
import re
import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forms_service.clock import utcnow
from forms_service.data.database import Sessions, StoreError
from forms_service.data.events import EVENT_KEYS, INSERT_EVENTS
from forms_service.data.jobs import JobRequest
from forms_service.data.models import Draft, StoredPdf, Submission, SubmissionEvent
from forms_service.data.sealing import AnswerKeys
from forms_service.performance.events import decision_event
from forms_service.statuses import DECIDED_STATUSES, OPEN_STATUSES, RECEIVED

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
REFERENCE_SHAPE = re.compile(r"^[A-Za-z]{2,4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$")


class Submissions:
    sessions: Sessions
    keys: AnswerKeys
    queue_jobs: Callable[[Session, list[JobRequest]], None]

    # -- submissions -----------------------------------------------------------------------

    def submit(
        self,
        draft_id: int,
        *,
        make_reference: Callable[[], str],
        build: Callable[[Draft], dict[str, Any]],
        actor: str = "citizen",
        actor_id: int | None = None,
        jobs: Callable[[Submission], list[JobRequest]] | None = None,
    ) -> Submission:
        """Turn a draft into its one submission; a second call returns the same submission.

        `actor` (and the staff `actor_id`) is who sent it, for its timeline. `jobs` says
        what to do once it is stored (emails, webhooks, its PDF): they are queued in the
        same transaction, so there is never a submission without its jobs, nor the reverse.
        """
        for _attempt in range(5):
            try:
                with self.sessions.begin() as db:
                    existing = db.scalars(
                        select(Submission).where(Submission.draft_id == draft_id)
                    ).first()
                    if existing is not None:
                        return existing
                    draft = db.get(Draft, draft_id, with_for_update=True)
                    if draft is None:
                        raise StoreError(f"draft {draft_id} does not exist")
                    now = utcnow()
                    submission = Submission(
                        reference=make_reference(),
                        draft_id=draft.id,
                        started_at=draft.created_at,
                        submitted_at=now,
                        **build(draft),
                    )
                    draft.submitted_at = now
                    # The submission holds the answers now; the draft row stays only to
                    # stop a second submission of it, and keeps nothing personal.
                    draft.answers = {}
                    draft.resume_email = None
                    draft.assisted = None  # sealed: None leaves no ciphertext at all
                    db.add(submission)
                    db.flush()
                    db.add(
                        SubmissionEvent(
                            submission_id=submission.id,
                            at=now,
                            actor_id=actor_id,
                            actor=actor,
                            kind="received",
                            detail={"channel": submission.channel},
                        )
                    )
                    if jobs is not None:
                        self.queue_jobs(db, jobs(submission))
                return submission
            except IntegrityError:
                # Either the same draft was submitted at the same moment (the retry then finds
                # it), or a reference collided (the retry draws another).
                continue
        raise StoreError("could not store the submission")

    def submission_for_draft(self, draft_id: int) -> Submission | None:
        with self.sessions() as db:
            return db.scalars(select(Submission).where(Submission.draft_id == draft_id)).first()

    def session_submission(self, session_key: str, form_id: str) -> Submission | None:
        """The newest submission of a form sent from a browser session: the citizen's
        reference, found again after a double-clicked Submit or a crash before their
        session was saved."""
        with self.sessions() as db:
            return db.scalars(
                select(Submission)
                .join(Draft, Draft.id == Submission.draft_id)
                .where(Draft.session_key == session_key, Draft.form_id == form_id)
                .order_by(Submission.id.desc())
                .limit(1)
            ).first()

    def get_submission(self, reference: str) -> Submission | None:
        with self.sessions() as db:
            return db.scalars(select(Submission).where(Submission.reference == reference)).first()

    def submissions_entered_by(
        self, staff_user_id: int | None, limit: int = 50
    ) -> list[Submission]:
        """The newest submissions staff entered for citizens: one member of staff's, or
        everyone's (None)."""
        query = select(Submission).where(Submission.staff_user_id.is_not(None))
        if staff_user_id is not None:
            query = query.where(Submission.staff_user_id == staff_user_id)
        query = query.order_by(Submission.submitted_at.desc()).limit(limit)
        with self.sessions() as db:
            return list(db.scalars(query))

    def count_submissions(self, form_id: str | None = None) -> int:
        with self.sessions() as db:
            query = select(func.count(Submission.id))
            if form_id:
                query = query.where(Submission.form_id == form_id)
            return db.scalar(query) or 0

    # -- caseworking -----------------------------------------------------------------------

    def find_submissions(
        self,
        *,
        forms: list[str] | None,
        status: str | None = None,
        channels: list[str] | None = None,
        submitted_from: datetime.date | None = None,
        submitted_to: datetime.date | None = None,
        assigned_to: int | None = None,
        query: str | None = None,
        overdue_on: datetime.date | None = None,
        sort: str = "submitted",
        descending: bool = True,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[list[Submission], int]:
        """A page of submissions for the inbox, and how many match in all."""
        where = []
        if forms is not None:
            where.append(Submission.form_id.in_(forms))
        if status:
            where.append(Submission.status == status)
        if channels:
            where.append(Submission.channel.in_(channels))
        if submitted_from:
            where.append(Submission.submitted_at >= _day_start(submitted_from))
        if submitted_to:
            where.append(
                Submission.submitted_at < _day_start(submitted_to + datetime.timedelta(days=1))
            )
        if assigned_to:
            where.append(Submission.assigned_to == assigned_to)
        if overdue_on:
            where += [
                Submission.due_on < overdue_on,
                Submission.status.in_(OPEN_STATUSES),
            ]
        if query:
            text_ = query.strip()
            if _looks_like_reference(text_):  # an exact, indexed match: instant at any size
                where.append(Submission.reference == text_.upper())
            else:  # names are sealed: an exact name (any case and spacing), by its blind index
                where.append(Submission.applicant_index == self.keys.index("applicant_name", text_))
        columns = {
            "submitted": Submission.submitted_at,
            "reference": Submission.reference,
            "form": Submission.form_id,
            "status": Submission.status,
            "due": Submission.due_on,
            # No "name": sealed names cannot be sorted by the database.
        }
        column = columns.get(sort, Submission.submitted_at)
        order = column.desc() if descending else column.asc()
        with self.sessions() as db:
            total = db.scalar(select(func.count(Submission.id)).where(*where)) or 0
            rows = db.scalars(
                select(Submission)
                .where(*where)
                .order_by(order, Submission.id.desc())
                .offset(offset)
                .limit(limit)
            ).all()
        return list(rows), total

    def submissions_page(
        self,
        *,
        forms: list[str],
        status: str | None = None,
        channel: str | None = None,
        since: datetime.datetime | None = None,
        after: tuple[datetime.datetime, int] | None = None,
        limit: int = 50,
    ) -> list[Submission]:
        """Submissions of `forms` in (submitted_at, id) order, from just after `after` (the API).

        Keyset pagination: a page never repeats or skips a row, even while new submissions
        arrive, which offsets cannot promise.
        """
        where = [Submission.form_id.in_(forms)]
        if status:
            where.append(Submission.status == status)
        if channel:
            where.append(Submission.channel == channel)
        if since is not None:
            where.append(Submission.submitted_at >= since)
        if after is not None:
            moment, last_id = after
            where.append(
                or_(
                    Submission.submitted_at > moment,
                    and_(Submission.submitted_at == moment, Submission.id > last_id),
                )
            )
        with self.sessions() as db:
            query = (
                select(Submission)
                .where(*where)
                .order_by(Submission.submitted_at, Submission.id)
                .limit(limit)
            )
            return list(db.scalars(query))

    def submission_for(self, reference: str, forms: list[str] | None) -> Submission | None:
        """A submission by reference, only if it belongs to one of these forms (None: any)."""
        with self.sessions() as db:
            query = select(Submission).where(Submission.reference == reference)
            if forms is not None:
                query = query.where(Submission.form_id.in_(forms))
            return db.scalars(query).first()

    def change_status(
        self, submission_id: int, status: str, note: str, actor_id: int | None, actor: str
    ) -> None:
        with self.sessions.begin() as db:
            row = db.get(Submission, submission_id, with_for_update=True)
            before = row.status or RECEIVED
            row.status = status
            # The retention clock: a new decision restarts it; reopening stops it (the
            # submission is then kept counting from submitted_at, as while undecided).
            if status not in DECIDED_STATUSES:
                row.decided_at = None
            elif status != before or row.decided_at is None:
                row.decided_at = utcnow()
                if before not in DECIDED_STATUSES:  # a decision, not a changed one
                    record_decision(db, row)
            _event(db, row.id, "status", actor_id, actor, {"from": before, "to": status}, note)

    def assign(
        self, submission_id: int, user_id: int | None, actor_id: int | None, actor: str
    ) -> None:
        with self.sessions.begin() as db:
            row = db.get(Submission, submission_id, with_for_update=True)
            row.assigned_to = user_id
            _event(db, row.id, "assigned", actor_id, actor, {"to": user_id})

    def add_note(self, submission_id: int, note: str, actor_id: int | None, actor: str) -> None:
        with self.sessions.begin() as db:
            _event(db, submission_id, "note", actor_id, actor, {}, note)

    def events(self, submission_id: int) -> list[SubmissionEvent]:
        with self.sessions() as db:
            return list(
                db.scalars(
                    select(SubmissionEvent)
                    .where(SubmissionEvent.submission_id == submission_id)
                    .order_by(SubmissionEvent.at.desc(), SubmissionEvent.id.desc())
                )
            )

    def stored_pdf(self, submission_id: int, content_hash: str) -> bytes | None:
        with self.sessions() as db:
            row = db.get(StoredPdf, submission_id)
            return row.pdf if row is not None and row.content_hash == content_hash else None

    def store_pdf(self, submission_id: int, content_hash: str, pdf: bytes) -> None:
        """Keep a submission's PDF. When two requests made it at once, the one that stores it
        second finds the row taken and drops its copy (both copies went to their callers)."""
        with contextlib.suppress(IntegrityError), self.sessions.begin() as db:
            row = db.get(StoredPdf, submission_id)
            if row is None:
                db.add(
                    StoredPdf(
                        submission_id=submission_id,
                        content_hash=content_hash,
                        pdf=pdf,
                        created_at=utcnow(),
                    )
                )
            else:
                row.content_hash, row.pdf, row.created_at = content_hash, pdf, utcnow()


def new_reference(prefix: str) -> str:
    """PREFIX-XXXX-XXXX from an alphabet with no look-alike characters (40 bits)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def _event(
    db: Session,
    submission_id: int,
    kind: str,
    actor_id: int | None,
    actor: str,
    detail: dict[str, Any],
    note: str | None = None,
) -> None:
    """Add one entry to a submission's timeline, in the caller's transaction. A note is
    sealed (event.note); detail must hold no personal data."""
    db.add(
        SubmissionEvent(
            submission_id=submission_id,
            at=utcnow(),
            actor_id=actor_id,
            actor=actor,
            kind=kind,
            detail=detail,
            note=note or None,
        )
    )


def _looks_like_reference(text_: str) -> bool:
    """PVB-7K3M-Q9TX, or anything with a hyphen and a digit and no space (names have none)."""
    if REFERENCE_SHAPE.match(text_):
        return True
    return "-" in text_ and " " not in text_ and any(c.isdigit() for c in text_)


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


def record_decision(db: Session, row: Submission) -> None:
    """The performance dashboard's `decided` event, in the transaction that decides (its
    turnaround: working days taken, within the due date or late). No reference, no name."""
    event = decision_event(
        form_id=row.form_id,
        form_version=row.form_version,
        channel=row.channel,
        language=row.language,
        submitted_at=row.submitted_at,
        due_on=row.due_on,
        decided_at=row.decided_at,
    )
    db.execute(INSERT_EVENTS, [{key: event.get(key) for key in EVENT_KEYS}])
