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
    """A moment read back from the database: SQLite returns naive datetimes, and everything
    the service stores is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def today_in_london() -> datetime.date:
    """Today's date in England and Wales."""
    return datetime.datetime.now(LONDON).date()
