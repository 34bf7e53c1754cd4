"""Journeys in progress: drafts saved page by page, resume links, the definition versions
they were started on, and the purge of those past their retention."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forms_service.clock import as_utc, utcnow
from forms_service.data.database import Sessions
from forms_service.data.jobs import JobRequest
from forms_service.data.models import Draft, FormVersion, RateLimit, ResumeToken, WebSession
from forms_service.data.sealing import AnswerKeys, open_column, record_key, seal_column
from forms_service.tokens import new_token

# The session key of a draft that a member of staff fills in (assisted digital).
ASSISTED_PREFIX = "assisted:"


@dataclass(frozen=True)
class OpenDraft:
    """What a journey's pages need of a draft being filled in: read and saved on every page,
    so with Core statements and explicit sealing rather than through the ORM."""

    id: int
    form_id: str
    form_version: int
    language: str
    answers: dict


class Drafts:
    sessions: Sessions
    keys: AnswerKeys
    queue_jobs: Callable[[Session, list[JobRequest]], None]

    # -- drafts ----------------------------------------------------------------------------

    def find_draft(self, session_key: str, form_id: str) -> Draft | None:
        with self.sessions() as db:
            return db.scalars(OPEN_DRAFT, {"session_key": session_key, "form_id": form_id}).first()

    def open_draft(self, session_key: str, form_id: str) -> OpenDraft | None:
        """The session's draft of the form as a page needs it (find_draft: the whole row)."""
        with self.sessions.connect() as connection:
            row = connection.execute(
                OPEN_DRAFT_ROW, {"session_key": session_key, "form_id": form_id}
            ).first()
        if row is None:
            return None
        if row.answers_sealed is None:
            return _open_draft(row, None)
        key, _ = record_key(self.keys, DRAFTS, row.id, row.data_key)
        return _open_draft(row, _open_answers(key, row))

    def update_draft(
        self,
        session_key: str,
        form_id: str,
        form_version: int,
        language: str,
        change: Callable[[dict], dict],
        retention_days: int = 28,
    ) -> OpenDraft:
        """Apply `change` to the session's draft answers (creating the draft if needed).

        The draft row is locked while it changes (SQLite: the whole database), so two tabs
        saving at once cannot lose each other's answers, nor make two drafts.
        """
        keep = datetime.timedelta(days=retention_days)
        args = (session_key, form_id, form_version, language, change, keep)
        try:
            with self.sessions.connect_write() as connection:
                changed = self._change_open_draft(connection, *args)
            if changed is not None:
                return changed
            # No draft yet: the ORM creates it (once per journey), sealing it after its id.
            created = self._change_draft(*args)
        except IntegrityError:
            # Another tab created the session's draft at the same moment (the unique index
            # allows one open draft): apply this change to that one instead.
            created = self._change_draft(*args)
        return OpenDraft(
            created.id, created.form_id, created.form_version, created.language, created.answers
        )

    def _change_open_draft(
        self,
        connection: Connection,
        session_key: str,
        form_id: str,
        form_version: int,
        language: str,
        change: Callable[[dict], dict],
        keep: datetime.timedelta,
    ) -> OpenDraft | None:
        """The page's save: lock the draft, open, change, seal and write its answers with
        two Core statements; None (nothing written) when the session has no draft."""
        row = connection.execute(
            OPEN_DRAFT_ROW_LOCKED, {"session_key": session_key, "form_id": form_id}
        ).first()
        if row is None:
            return None
        key, new_wrapped = record_key(self.keys, DRAFTS, row.id, row.data_key)
        answers = change(dict(_open_answers(key, row) or {}))
        now = utcnow()
        values = {
            "b_id": row.id,
            "b_answers": seal_column(key, ANSWERS, answers, DRAFTS, row.id, row.form_id),
            "b_language": language,
            "b_form_version": form_version,  # answers are migrated before any change
            "b_updated_at": now,
            "b_expires_at": now + keep,
        }
        if new_wrapped is None:
            connection.execute(SAVE_DRAFT, values)
        else:  # only when it had none: rotate-keys may re-wrap it meanwhile otherwise
            connection.execute(SAVE_DRAFT.values(data_key=new_wrapped), values)
        return OpenDraft(row.id, row.form_id, form_version, language, answers)

    def _change_draft(
        self,
        session_key: str,
        form_id: str,
        form_version: int,
        language: str,
        change: Callable[[dict], dict],
        keep: datetime.timedelta,
    ) -> Draft:
        with self.sessions.begin() as db:
            draft = db.scalars(
                OPEN_DRAFT_LOCKED, {"session_key": session_key, "form_id": form_id}
            ).first()
            now = utcnow()
            if draft is None:
                draft = Draft(
                    session_key=session_key,
                    form_id=form_id,
                    form_version=form_version,
                    language=language,
                    answers={},
                    created_at=now,
                )
                db.add(draft)
            # Assign a new dict so SQLAlchemy sees the change to the JSON column.
            draft.answers = change(dict(draft.answers or {}))
            draft.language = language
            draft.form_version = form_version  # answers are migrated before any change
            draft.updated_at = now
            draft.expires_at = now + keep
        return draft

    def set_draft_language(self, draft_id: int, language: str) -> None:
        """The language the citizen now uses for a draft: its emails, its PDF and the pages
        it resumes on. Only the language changes (not when it was last saved)."""
        with self.sessions.begin() as db:
            db.execute(update(Draft).where(Draft.id == draft_id).values(language=language))

    # -- assisted digital ------------------------------------------------------------------

    def start_assisted_draft(
        self,
        form_id: str,
        form_version: int,
        language: str,
        staff_user_id: int,
        assisted: dict,
        retention_days: int = 28,
    ) -> tuple[str, Draft]:
        """A new draft a member of staff fills in for a citizen, and its reference for URLs.

        Its session key can never equal a browser's (those are SHA-256 hex), so no
        citizen cookie reaches it; only `assisted_draft` with its reference does.
        """
        reference = new_token()
        now = utcnow()
        draft = Draft(
            session_key=ASSISTED_PREFIX + reference,
            form_id=form_id,
            form_version=form_version,
            language=language,
            answers={},
            created_at=now,
            updated_at=now,
            expires_at=now + datetime.timedelta(days=retention_days),
            staff_user_id=staff_user_id,
            assisted=dict(assisted),
        )
        with self.sessions.begin() as db:
            db.add(draft)
        return reference, draft

    def assisted_draft(self, reference: str) -> Draft | None:
        """The unsubmitted assisted draft with this reference (None once handed over)."""
        with self.sessions() as db:
            return db.scalars(
                select(Draft).where(
                    Draft.session_key == ASSISTED_PREFIX + reference,
                    Draft.submitted_at.is_(None),
                )
            ).first()

    def assisted_drafts(self, staff_user_id: int | None) -> list[Draft]:
        """Assisted drafts not yet submitted or handed over, last saved first: one member
        of staff's, or everyone's (None)."""
        query = select(Draft).where(
            Draft.session_key.startswith(ASSISTED_PREFIX), Draft.submitted_at.is_(None)
        )
        if staff_user_id is not None:
            query = query.where(Draft.staff_user_id == staff_user_id)
        with self.sessions() as db:
            return list(db.scalars(query.order_by(Draft.updated_at.desc())))

    # -- save and return -------------------------------------------------------------------

    def resume_email(self, draft_id: int) -> str | None:
        """The address a draft's resume link went to (sealed in the database)."""
        with self.sessions() as db:
            draft = db.get(Draft, draft_id)
            return draft.resume_email if draft is not None else None

    def set_resume_email(self, draft_id: int, email: str, jobs: Sequence[JobRequest] = ()) -> None:
        """Keep the address (sealed) and queue `jobs` (the email with the link) with it."""
        with self.sessions.begin() as db:
            db.get(Draft, draft_id).resume_email = email.lower()
            self.queue_jobs(db, list(jobs))

    def unsent_draft(self, draft_id: int) -> Draft | None:
        """The draft if it is still being filled in (None once sent, or gone)."""
        with self.sessions() as db:
            draft = db.get(Draft, draft_id)
            return draft if draft is not None and draft.submitted_at is None else None

    def issue_resume_token(
        self, draft_id: int, token_hash: str, expires_at: datetime.datetime
    ) -> None:
        """Store a new link's hash; earlier unused links for the draft expire now."""
        now = utcnow()
        with self.sessions.begin() as db:
            db.execute(
                update(ResumeToken)
                .where(ResumeToken.draft_id == draft_id, ResumeToken.used_at.is_(None))
                .values(expires_at=now)
            )
            db.add(
                ResumeToken(
                    draft_id=draft_id, token_hash=token_hash, created_at=now, expires_at=expires_at
                )
            )

    def resume_token_status(
        self, token_hash: str, now: datetime.datetime
    ) -> tuple[str, Draft | None]:
        """'ok', 'unknown', 'used', 'expired' or 'gone' (the draft was sent or deleted)."""
        with self.sessions() as db:
            token = db.scalars(
                select(ResumeToken).where(ResumeToken.token_hash == token_hash)
            ).first()
            return _token_status(db, token, now)

    def use_resume_token(
        self,
        token_hash: str,
        session_key: str,
        now: datetime.datetime,
        previous_key: str | None = None,
    ) -> tuple[str, Draft | None]:
        """Spend a link: the draft moves to this browser session and no other can write it.

        `previous_key`: the browser's session before it got a new id for the link; its
        other drafts move to the new session with it.
        """
        with self.sessions.begin() as db:
            token = db.scalars(
                select(ResumeToken).where(ResumeToken.token_hash == token_hash).with_for_update()
            ).first()
            status, draft = _token_status(db, token, now)
            if status != "ok":
                return status, None
            token.used_at = now
            # Another draft of the same form in this browser would hide the resumed one.
            for other in db.scalars(
                select(Draft).where(
                    Draft.session_key == session_key,
                    Draft.form_id == draft.form_id,
                    Draft.submitted_at.is_(None),
                    Draft.id != draft.id,
                )
            ):
                other.session_key = f"abandoned:{other.id}"
            if previous_key is not None:
                for other in db.scalars(
                    select(Draft).where(
                        Draft.session_key == previous_key,
                        Draft.id != draft.id,
                    )
                ):
                    if other.form_id == draft.form_id and other.submitted_at is None:
                        other.session_key = f"abandoned:{other.id}"
                    else:
                        other.session_key = session_key
            if draft.assisted is not None and draft.session_key.startswith(ASSISTED_PREFIX):
                # Staff handed it to the citizen: from now on it is theirs; the record keeps
                # who started it.
                draft.assisted = {**draft.assisted, "handed_over_at": now.isoformat()}
            draft.session_key = session_key
            draft.updated_at = now
            return "ok", draft

    def drafts_for_email(self, email: str, now: datetime.datetime) -> list[Draft]:
        """Open drafts saved under this email (found by its blind index: it is sealed)."""
        with self.sessions() as db:
            return list(
                db.scalars(
                    select(Draft).where(
                        Draft.resume_email_index == self.keys.index("resume_email", email),
                        Draft.submitted_at.is_(None),
                        Draft.expires_at > now,
                    )
                )
            )

    # -- definition versions ---------------------------------------------------------------

    def record_form_versions(self, snapshots: Mapping[tuple[str, int], dict]) -> None:
        """Keep each definition version the service runs, once."""
        with self.sessions.begin() as db:
            known = set(db.execute(select(FormVersion.form_id, FormVersion.version)).all())
            for (form_id, version), snapshot in snapshots.items():
                if (form_id, version) not in known:
                    db.add(
                        FormVersion(
                            form_id=form_id,
                            version=version,
                            definition=snapshot,
                            first_seen=utcnow(),
                        )
                    )

    def form_version(self, form_id: str, version: int) -> dict | None:
        with self.sessions() as db:
            row = db.get(FormVersion, (form_id, version))
            return row.definition if row else None

    # -- retention -------------------------------------------------------------------------

    def purge(self, now: datetime.datetime) -> dict[str, int]:
        """Delete drafts past their retention (with their links), and ended sessions."""
        with self.sessions.begin() as db:
            old = select(Draft.id).where(Draft.submitted_at.is_(None), Draft.expires_at < now)
            tokens = db.execute(delete(ResumeToken).where(ResumeToken.draft_id.in_(old)))
            drafts = db.execute(
                delete(Draft).where(Draft.submitted_at.is_(None), Draft.expires_at < now)
            )
            sessions = db.execute(delete(WebSession).where(WebSession.expires_at < now))
            limits = db.execute(
                delete(RateLimit).where(RateLimit.window_start < now - datetime.timedelta(days=1))
            )
        return {
            "drafts": drafts.rowcount,
            "resume links": tokens.rowcount,
            "sessions": sessions.rowcount,
            "rate limit counters": limits.rowcount,
        }


def _token_status(
    db: Session, token: ResumeToken | None, now: datetime.datetime
) -> tuple[str, Draft | None]:
    if token is None:
        return "unknown", None
    if token.used_at is not None:
        return "used", None
    if as_utc(token.expires_at) <= now:
        return "expired", None
    draft = db.get(Draft, token.draft_id)
    if draft is None or draft.submitted_at is not None:
        return "gone", None
    return "ok", draft


# The session's newest unsubmitted draft of a form, read on every page of a journey: built
# once (with bound parameters), so a request does not build the statement and its cache key
# again, which cost more than the query itself.
OPEN_DRAFT = (
    select(Draft)
    .where(
        Draft.session_key == bindparam("session_key"),
        Draft.form_id == bindparam("form_id"),
        Draft.submitted_at.is_(None),
    )
    .order_by(Draft.id.desc())
)
OPEN_DRAFT_LOCKED = OPEN_DRAFT.with_for_update()  # to change it: no other request can meanwhile

# The same draft as the columns a page needs, for Core (open_draft, update_draft).
DRAFTS = Draft.__tablename__
ANSWERS: Any = Draft.__dict__["answers"]  # the Sealed field: its kind and name
OPEN_DRAFT_ROW = (
    select(
        Draft.id,
        Draft.form_id,
        Draft.form_version,
        Draft.language,
        Draft.data_key,
        Draft.answers_sealed,
    )
    .where(
        Draft.session_key == bindparam("session_key"),
        Draft.form_id == bindparam("form_id"),
        Draft.submitted_at.is_(None),
    )
    .order_by(Draft.id.desc())
)
OPEN_DRAFT_ROW_LOCKED = OPEN_DRAFT_ROW.with_for_update()
_drafts = Draft.__table__
SAVE_DRAFT = (
    update(_drafts)
    .where(_drafts.c.id == bindparam("b_id"))
    .values(
        answers_sealed=bindparam("b_answers"),
        language=bindparam("b_language"),
        form_version=bindparam("b_form_version"),
        updated_at=bindparam("b_updated_at"),
        expires_at=bindparam("b_expires_at"),
    )
)


def _open_answers(key: bytes, row: Row) -> dict | None:
    return open_column(key, ANSWERS, row.answers_sealed, DRAFTS, row.id, row.form_id)


def _open_draft(row: Row, answers: dict | None) -> OpenDraft:
    return OpenDraft(row.id, row.form_id, row.form_version, row.language, answers or {})
