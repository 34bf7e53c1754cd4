"""Satisfaction feedback given after a submission: the rating as a `feedback` journey event
and, when the citizen wrote one, their comment (sealed: people write what they like in it).
Neither is linked to the submission, the draft or the browser session; the comments are
deleted after FEEDBACK_COMMENT_DAYS by the daily purge.
"""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select

from forms_service.clock import utcnow
from forms_service.data.database import Sessions
from forms_service.data.events import EVENT_KEYS, EVENTS
from forms_service.data.models import FeedbackComment
from forms_service.performance.events import FEEDBACK

UTC = datetime.UTC


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=UTC)


class Feedback:
    sessions: Sessions

    def give_feedback(self, event: dict[str, Any], comment: str | None) -> None:
        """Write the `feedback` event (a dict with the event keys: form_id, form_version,
        channel, language, journey, value = the rating 1..5; `at` defaults to now) and the
        comment, if any, in one transaction: both or neither."""
        row = {key: event.get(key) for key in EVENT_KEYS}
        row["kind"] = FEEDBACK
        row["at"] = row["at"] or utcnow()
        with self.sessions.begin() as db:
            db.execute(insert(EVENTS), [row])
            if comment:
                db.add(
                    FeedbackComment(
                        at=row["at"],
                        form_id=row["form_id"],
                        channel=row["channel"],
                        language=row["language"],
                        rating=row["value"],
                        comment=comment,
                    )
                )

    def feedback_comments(
        self,
        form_id: str | None,
        start: datetime.date,
        end: datetime.date,
        limit: int,
        offset: int,
    ) -> tuple[list[FeedbackComment], int]:
        """A page of the comments given on the UTC days start..end (both included), newest
        first, for one form (None: every form), and how many there are in all."""
        conditions = [
            FeedbackComment.at >= _day_start(start),
            FeedbackComment.at < _day_start(end + datetime.timedelta(days=1)),
        ]
        if form_id is not None:
            conditions.append(FeedbackComment.form_id == form_id)
        with self.sessions() as db:
            total = db.scalar(select(func.count(FeedbackComment.id)).where(*conditions)) or 0
            rows = db.scalars(
                select(FeedbackComment)
                .where(*conditions)
                .order_by(FeedbackComment.at.desc(), FeedbackComment.id.desc())
                .offset(offset)
                .limit(limit)
            ).all()
        return list(rows), total

    def purge_feedback_comments(self, before: datetime.datetime) -> int:
        """Delete the comments given before `before`; how many went."""
        with self.sessions.begin() as db:
            return db.execute(delete(FeedbackComment).where(FeedbackComment.at < before)).rowcount
