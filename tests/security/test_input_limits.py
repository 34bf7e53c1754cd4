"""Item 5: "Save and come back later" kept whatever was typed, of any size, and a repeat
without max took any number of items, so one citizen could grow a draft without bound;
and nothing limited how many drafts one address could start."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forms_service.data import Draft
from tests.prison_visit import FORM, PRISONER

TOO_LONG = "The prisoner’s first name must be 30 characters or less"
GROUP = """\
id: group-visit
version: 1
title: Book a group visit
pages:
  - id: visitors
    type: repeat
    item_name: visitor
    pages:
      - id: visitor
        questions:
          - {id: visitor_name, type: text, label: Visitor's name}
declaration:
  body: The information I have given is true.
"""


def drafts(app) -> int:
    with app.extensions["store"].sessions() as db:
        return db.scalar(select(func.count()).select_from(Draft))


def test_a_huge_answer_is_refused_on_its_field_not_saved(live, visitor):
    url, app = live()
    citizen = visitor(url)
    citizen.get(f"/{FORM}/prisoner")
    huge = {**PRISONER, "prisoner_first_name": "x" * 900_000}
    for action in ("save", "continue"):  # "Save and come back later" and Continue
        response = citizen.post(f"/{FORM}/prisoner", {**huge, "action": action})
        assert response.status_code == 422, action
        assert TOO_LONG in response.text.replace("&#39;", "’").replace("'", "’")
        assert 'href="#prisoner_first_name"' in response.text  # the error summary's link
    assert drafts(app) == 0
    # Within the limit, what was typed is still kept as typed, to be corrected later.
    long = {**PRISONER, "prisoner_first_name": "x" * 40, "action": "save"}
    assert citizen.post(f"/{FORM}/prisoner", long).status_code == 302
    assert drafts(app) == 1


def test_a_draft_cannot_grow_past_its_cap(live, visitor):
    url, app = live(DRAFT_MAX_BYTES=100)
    citizen = visitor(url)
    citizen.get(f"/{FORM}/prisoner")
    response = citizen.post(f"/{FORM}/prisoner", PRISONER)
    assert response.status_code == 422
    assert "Your answers are too long to save" in response.text
    assert drafts(app) == 0


def test_a_repeat_without_max_takes_at_most_50_items(live, visitor, tmp_path):
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "group-visit.yaml").write_text(GROUP)
    url, _app = live(definitions=folder)
    citizen = visitor(url)
    citizen.get("/group-visit/visitors/1/visitor")
    for number in range(1, 51):
        response = citizen.post(
            f"/group-visit/visitors/{number}/visitor", {"visitor_name": f"Visitor {number}"}
        )
        assert response.headers["Location"] == "/group-visit/visitors", number
    page = citizen.get("/group-visit/visitors")
    assert "Do you need to add another visitor?" not in page.text
    response = citizen.post("/group-visit/visitors/51/visitor", {"visitor_name": "One more"})
    assert response.status_code == 302
    assert response.headers["Location"] != "/group-visit/visitors/51/visitor"
    assert "Visitor 51" not in citizen.get("/group-visit/visitors").text


@pytest.mark.parametrize("limit", [3])
def test_new_drafts_are_rate_limited_per_address_but_old_ones_keep_saving(live, visitor, limit):
    url, app = live(DRAFTS_PER_IP=limit)
    citizens = [visitor(url) for _ in range(limit + 1)]
    for citizen in citizens[:limit]:
        citizen.get(f"/{FORM}/prisoner")
        assert citizen.post(f"/{FORM}/prisoner", PRISONER).status_code == 302
    late = citizens[-1]
    late.get(f"/{FORM}/prisoner")
    refused = late.post(f"/{FORM}/prisoner", PRISONER)
    assert refused.status_code == 429
    assert "Too many applications started" in refused.text
    assert "govuk-heading-l" in refused.text  # the service's own GOV.UK page
    assert drafts(app) == limit
    # The citizens who started already carry on: changing a page saves as before.
    first = citizens[0]
    first.get(f"/{FORM}/prisoner")
    changed = {**PRISONER, "prisoner_first_name": "Samuel"}
    assert first.post(f"/{FORM}/prisoner", changed).status_code == 302
