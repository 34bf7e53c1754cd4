"""Assisted-digital drafts in the data package: owned by staff, never by a browser."""

from __future__ import annotations

import datetime

from forms_service.clock import utcnow
from forms_service.tokens import hash_secret

HOW = {"staff_name": "Al Assisted", "citizen_name": "Ana Silva", "method": "telephone"}


def test_an_assisted_draft_belongs_to_its_member_of_staff(app):
    store = app.extensions["store"]
    al = store.create_user("al@example.com", "Al", "assisted_digital", [], None)
    bo = store.create_user("bo@example.com", "Bo", "assisted_digital", [], None)
    reference, draft = store.start_assisted_draft("prison-visit-booking", 1, "en", al.id, HOW)
    assert store.assisted_draft(reference).id == draft.id
    assert store.assisted_draft("not-" + reference) is None
    assert [d.id for d in store.assisted_drafts(al.id)] == [draft.id]
    assert store.assisted_drafts(bo.id) == []
    assert [d.id for d in store.assisted_drafts(None)] == [draft.id]  # an admin's view
    # No browser session key reaches it: those are SHA-256 hex digests.
    assert store.find_draft(hash_secret(reference), "prison-visit-booking") is None


def test_handing_over_moves_the_draft_to_the_citizen_and_keeps_the_record(app):
    store = app.extensions["store"]
    al = store.create_user("al@example.com", "Al", "assisted_digital", [], None)
    reference, draft = store.start_assisted_draft("prison-visit-booking", 1, "en", al.id, HOW)
    token = "t" * 43
    store.issue_resume_token(draft.id, hash_secret(token), utcnow() + datetime.timedelta(days=1))
    citizen_key = hash_secret("a browser")
    status, moved = store.use_resume_token(hash_secret(token), citizen_key, utcnow())
    assert status == "ok" and moved.id == draft.id
    assert store.assisted_draft(reference) is None  # staff no longer reach it
    assert store.assisted_drafts(al.id) == []
    mine = store.find_draft(citizen_key, "prison-visit-booking")
    assert mine.staff_user_id == al.id and mine.assisted["citizen_name"] == "Ana Silva"
    assert mine.assisted["handed_over_at"]
