"""The audit log page: readable events, filters, pagination; the inbox audited once per list."""

from __future__ import annotations

import datetime
import re

import pytest

from forms_service.clock import utcnow
from forms_service.data import AuditEvent
from forms_service.passwords import hash_password
from tests.staff import PASSWORD, signed_in
from tests.test_staff import submit


@pytest.fixture
def app(make_app):
    app = make_app()
    store = app.extensions["store"]
    store.create_user("case@example.com", "Casey Worker", "caseworker",
                      ["prison-visit-booking"], hash_password(PASSWORD))  # fmt: skip
    store.create_user("admin@example.com", "Ada Admin", "admin", [], hash_password(PASSWORD))
    return app


def rows(html: str) -> list[str]:
    """The audit table's rows as text, newest first."""
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [
        " | ".join(re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]  # fmt: skip


def inbox_events(app) -> list[AuditEvent]:
    with app.extensions["store"].sessions() as db:
        return list(db.query(AuditEvent).filter_by(action="inbox").order_by(AuditEvent.id))


def test_events_read_as_sentences_naming_staff(app):
    reference = submit(app, "prison-visit-booking")
    staff = signed_in(app, "case@example.com")
    staff.post(f"/staff/submissions/{reference}", {"action": "status", "status": "in_progress"})
    staff.client.get(f"/staff/submissions/{reference}.pdf")
    staff.get("/staff/export.csv")
    admin = signed_in(app, "admin@example.com")
    listed = rows(admin.get("/staff/audit").get_data(as_text=True))
    assert any(
        f"Casey Worker | Status of {reference} changed from Received to In progress" in r
        for r in listed
    ), listed
    assert any(f"Casey Worker | Downloaded PDF of {reference}" in r for r in listed)
    assert any("Casey Worker | Exported 1 submission as CSV" in r for r in listed)
    assert "Ada Admin | Signed in" in listed[0]  # newest first


def test_the_inbox_is_audited_once_per_list_per_sign_in_and_every_search(app):
    submit(app, "prison-visit-booking")
    staff = signed_in(app, "case@example.com")
    for url in ("/staff/", "/staff/?page=2", "/staff/?sort=reference&order=asc", "/staff/"):
        assert staff.get(url).status_code == 200
    assert len(inbox_events(app)) == 1
    staff.get("/staff/?status=received")  # another list of people: written
    staff.get("/staff/?status=received&page=2")  # the same list, another page: not
    assert [e.detail["filters"] for e in inbox_events(app)] == [{}, {"status": "received"}]
    staff.post("/staff/", {"q": "Zara Quinn"})
    staff.post("/staff/", {"q": "Zara Quinn"})
    searches = [e for e in inbox_events(app) if e.detail["searched"]]
    assert len(searches) == 2 and "zara" not in str([e.detail for e in searches]).lower()
    again = signed_in(app, "case@example.com")  # a new sign-in audits its first look again
    again.get("/staff/")
    assert len(inbox_events(app)) == 5


def test_filters_by_who_what_when_and_reference(app):
    store = app.extensions["store"]
    first = submit(app, "prison-visit-booking")
    second = submit(app, "prison-visit-booking")
    staff = signed_in(app, "case@example.com")
    staff.get(f"/staff/submissions/{first}")
    staff.get(f"/staff/submissions/{second}")
    admin = signed_in(app, "admin@example.com")
    casey = store.user_by_email("case@example.com")

    by_casey = rows(admin.get(f"/staff/audit?who={casey.id}").get_data(as_text=True))
    assert by_casey and all(r.split(" | ")[1] == "Casey Worker" for r in by_casey)

    views = rows(admin.get("/staff/audit?what=view").get_data(as_text=True))
    assert len(views) == 2 and all("Viewed submission" in r for r in views)

    one = rows(admin.get(f"/staff/audit?reference={second.lower()}").get_data(as_text=True))
    assert len(one) == 1 and f"Viewed submission {second}" in one[0]

    today = datetime.date.today()
    since = f"from-day={today.day}&from-month={today.month}&from-year={today.year}"
    assert len(rows(admin.get(f"/staff/audit?what=view&{since}").get_data(as_text=True))) == 2
    later = today + datetime.timedelta(days=2)
    future = f"from-day={later.day}&from-month={later.month}&from-year={later.year}"
    page = admin.get(f"/staff/audit?{future}").get_data(as_text=True)
    assert "No events match these filters." in page
    page = admin.get("/staff/audit").get_data(as_text=True)
    assert 'id="who"' in page and 'id="from-day"' in page and 'name="to-year"' in page


def test_bad_and_reversed_dates_get_gov_uk_errors(app):
    admin = signed_in(app, "admin@example.com")
    page = admin.get("/staff/audit?from-day=31&from-month=2&from-year=2026").get_data(as_text=True)
    assert "There is a problem" in page and "Date from must be a real date" in page
    assert 'href="#from-day"' in page and "govuk-input--error" in page
    assert "<title>Error:" in page
    page = admin.get("/staff/audit?to-day=3&to-year=2026").get_data(as_text=True)
    assert "Date to must include a month" in page
    page = admin.get("/staff/audit?to-day=3&to-month=1&to-year=26").get_data(as_text=True)
    assert "The year of date to must include 4 numbers" in page
    page = admin.get(
        "/staff/audit?from-day=2&from-month=3&from-year=2026&to-day=1&to-month=3&to-year=2026"
    ).get_data(as_text=True)
    assert "Date to must be the same as or after date from" in page
    assert 'value="2"' in page  # what was typed stays


def test_the_log_is_paginated_newest_first_keeping_the_filters(app):
    store = app.extensions["store"]
    for number in range(60):
        store.audit("cli", "api_token_created", f"Token {number:02d}", None)
    admin = signed_in(app, "admin@example.com")
    first = admin.get("/staff/audit?what=api_token_created").get_data(as_text=True)
    listed = rows(first)
    assert len(listed) == 50 and "Created API token ‘Token 59’" in listed[0]
    assert "Command line" in listed[0]
    assert "govuk-pagination" in first and "60 events" in first
    assert "what=api_token_created&amp;page=2" in first
    second = rows(admin.get("/staff/audit?what=api_token_created&page=2").get_data(as_text=True))
    assert len(second) == 10 and "Token 00" in second[-1]


def test_old_events_and_unknown_kinds_still_read_as_words(app):
    store = app.extensions["store"]
    store.audit("staff:999 gone@example.com", "status", "PVB-AAAA-BBBB", None, to="accepted")
    store.audit("staff:999 gone@example.com", "something_new", "X", None)
    admin = signed_in(app, "admin@example.com")
    listed = rows(admin.get("/staff/audit").get_data(as_text=True))
    assert any(
        "gone@example.com | Status of PVB-AAAA-BBBB changed to Accepted" in r for r in listed
    )
    assert any("Something new: X" in r for r in listed)
    assert utcnow()  # the log is read back in UK time without error
