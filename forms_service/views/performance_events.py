"""The performance events of a request (forms_service/performance/events.py says what each
holds): the journey's views note them as they run, and once the response is ready they go
to the process's EventWriter, which writes them in batches. Nothing here holds an answer,
a name, the session key or an address; the journey's id is random (kept in the
server-side session and on the draft).

Not counted: author previews (`forms-service preview` and uploaded definitions), and
everything when PERFORMANCE_EVENTS is off.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, Response, current_app, g, session

from forms_service.assisted import channel_of
from forms_service.clock import utcnow
from forms_service.performance.events import ONLINE, STARTED
from forms_service.performance.writer import EventWriter
from forms_service.views.common import store

JOURNEYS = "journeys"  # session: {form id, or "assisted:<reference>": {"id", "draft"}}


def _counted() -> bool:
    if not current_app.config["PERFORMANCE_EVENTS"] or g.get("author_preview") is not None:
        return False
    return "preview" not in current_app.extensions and g.get("form") is not None


def _channel() -> str:
    helping = g.get("assisted")
    if helping is None:
        return ONLINE
    return channel_of((helping.draft.assisted or {}).get("method", ""))


def _key() -> str:
    helping = g.get("assisted")
    return f"assisted:{helping.reference}" if helping is not None else g.form.id


def _journey() -> str:
    """This journey's random id: from the session, else from its draft (a resumed draft,
    another device), else a new one, which is the journey's `started` event."""
    journeys = dict(session.get(JOURNEYS) or {})
    entry = journeys.get(_key())
    draft_id = g.get("draft_id")
    if entry is None:
        known = store().draft_journey(draft_id) if draft_id else None
        entry = {"id": known or secrets.token_hex(16), "draft": draft_id if known else None}
        if known is None:  # a new journey (or a draft saved before events were counted)
            _add(STARTED, entry["id"])
    if draft_id and entry["draft"] != draft_id:
        # The journey's first save made its draft (or a draft from before these events):
        # it keeps the id, so a resumed journey stays one journey.
        store().set_draft_journey(draft_id, entry["id"])
        entry = {**entry, "draft": draft_id}
    if journeys.get(_key()) != entry:
        journeys[_key()] = entry
        session[JOURNEYS] = journeys
    return entry["id"]


def _add(kind: str, journey: str | None, **fields: Any) -> None:
    form = g.form
    event = {
        "at": utcnow(),
        "form_id": form.id,
        "form_version": form.version,
        "channel": _channel(),
        "language": g.get("language") or form.default_language,
        "journey": journey,
        "kind": kind,
        **fields,
    }
    g.setdefault("performance_events", []).append(event)


def note(
    kind: str,
    *,
    page: str | None = None,
    question: str | None = None,
    detail: str | None = None,
    value: int | None = None,
) -> None:
    """Count something that happened in the journey being filled in (g.form, set by
    session_drafts.remember), to be written when the response is ready."""
    if not _counted():
        return
    _add(kind, _journey(), page=page, question=question, detail=detail, value=value)


def forget_journey() -> None:
    """The journey ended (submitted): a new start of the form is a new journey."""
    if g.get("form") is None:
        return
    journeys = dict(session.get(JOURNEYS) or {})
    if journeys.pop(_key(), None) is not None:
        session[JOURNEYS] = journeys


def write(response: Response) -> Response:
    """Hand the request's events to the process's writer (after_request): they are written
    within EVENTS_BATCH_SECONDS, in one statement with other requests' (performance/
    writer.py). A failed write is logged by its type only and never fails a page."""
    events = g.pop("performance_events", None)
    if events and response.status_code < 500:
        current_app.extensions["event_writer"].add(events)
    return response


def register(app: Flask) -> None:
    writer = EventWriter(
        lambda events: app.extensions["store"].record_events(events),
        app.config["EVENTS_BATCH_SECONDS"],
    )
    app.extensions["event_writer"] = writer
    app.after_request(write)
