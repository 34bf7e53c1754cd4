"""When the daily purge runs next on SQLite (forms_service.jobs.queue's runner). No Flask."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from forms_service.clock import LONDON

DAY = datetime.timedelta(days=1)


def next_run(
    after: datetime.datetime, hour: int | None, zone: ZoneInfo = LONDON
) -> datetime.datetime:
    """When the daily job runs next: 24 hours after `after`, or at the next `hour`:00 in
    England and Wales (a wall-clock hour, so it stays 3am across the clock changes)."""
    if hour is None:
        return after + DAY
    local = after.astimezone(zone)
    at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if at <= local:
        at = (local + DAY).replace(hour=hour, minute=0, second=0, microsecond=0)
    return at.astimezone(datetime.UTC)
