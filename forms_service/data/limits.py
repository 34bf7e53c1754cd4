"""Rate limits: requests counted per key (an email hash, an IP address) in a time window."""

from __future__ import annotations

import datetime

from sqlalchemy import case
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from forms_service.clock import as_utc, utcnow
from forms_service.data.database import Sessions
from forms_service.data.models import RateLimit


class RateLimits:
    sessions: Sessions

    def hit(self, key: str, limit: int, window: datetime.timedelta) -> bool:
        """Count one request for `key`; False when over `limit` in the current window.

        One atomic statement (an upsert that adds one, or starts a new window), so requests
        arriving together are all counted, on either database.
        """
        now = utcnow()
        current = RateLimit.window_start > now - window
        with self.sessions.begin() as db:
            dialect = db.get_bind().dialect.name
            insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
            count = db.execute(
                insert(RateLimit)
                .values(key=key, window_start=now, count=1)
                .on_conflict_do_update(
                    index_elements=[RateLimit.key],
                    set_={
                        "count": case((current, RateLimit.count + 1), else_=1),
                        "window_start": case((current, RateLimit.window_start), else_=now),
                    },
                )
                .returning(RateLimit.count)
            ).scalar_one()
        return count <= limit

    def count(self, key: str, window: datetime.timedelta) -> tuple[int, int]:
        """Count one event for `key`: how many in the current window with this one, and
        when this one starts a new window, how many the window before it had (else 0).
        For summaries: act on the first event of a window, report the last window's total."""
        now = utcnow()
        for _attempt in range(3):
            try:
                with self.sessions.begin() as db:
                    row = db.get(RateLimit, key, with_for_update=True)
                    if row is None:
                        db.add(RateLimit(key=key, window_start=now, count=1))
                        return 1, 0
                    if as_utc(row.window_start) + window <= now:
                        before = row.count
                        row.window_start, row.count = now, 1
                        return 1, before
                    row.count += 1
                    return row.count, 0
            except IntegrityError:
                continue  # two first events at once: count again
        return 2**31, 0  # cannot count: treat as over any limit
