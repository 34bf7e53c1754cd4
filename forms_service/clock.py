"""Time in the service: every moment it stores, compares or sends is in UTC."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

# Dates people see (today, due dates, times on pages and PDFs) are in England and Wales.
LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime.datetime:
    """Now, in UTC (timezone-aware)."""
    return datetime.datetime.now(datetime.UTC)


def as_utc(moment: datetime.datetime) -> datetime.datetime:
    """A moment in UTC. A naive one is taken to be UTC already: SQLite returns naive
    datetimes, everything the service stores is UTC, and the API reads a naive `since` so."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def today_in_london() -> datetime.date:
    """Today's date in England and Wales."""
    return datetime.datetime.now(LONDON).date()
