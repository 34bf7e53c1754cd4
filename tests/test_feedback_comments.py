"""Staff read satisfaction comments at /staff/performance/comments: who may, newest first,
50 a page, filtered by form and days, escaped with their lines kept, a warning on those that
look like they hold an email address or a phone number, and every read audited."""

from __future__ import annotations

import datetime
import re

from forms_service.clock import utcnow
from forms_service.passwords import hash_password
from tests.staff import PASSWORD, add_caseworker_and_admin, signed_in

URL = "/staff/performance/comments"
PRISON = "prison-visit-booking"
WARNING = "This comment may contain personal data. Do not copy it into other systems."


def give(store, comment: str, *, form_id=PRISON, rating=4, language="en", days_ago=0, at=None):
    store.give_feedback(
        {
            "at": at or utcnow() - datetime.timedelta(days=days_ago),
            "form_id": form_id,
            "form_version": 1,
            "channel": "online",
            "language": language,
            "value": rating,
        },
        comment,
    )


def people(app):
    store = app.extensions["store"]
    add_caseworker_and_admin(store)
    store.create_user("perf@example.com", "Pat Perf", "performance", [], hash_password(PASSWORD))
    return store


def comments_on(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", c).strip()
        for c in re.findall(r'<p class="govuk-body" lang="\w+">(.*?)</p>', html, re.S)
    ]


def test_only_performance_staff_and_admins_read_comments(app):
    people(app)
    assert app.test_client().get(URL).status_code == 302  # sign in first
    assert signed_in(app, "case@example.com").get(URL).status_code == 403
    assert signed_in(app, "perf@example.com").get(URL).status_code == 200
    assert signed_in(app, "admin@example.com").get(URL).status_code == 200


def test_comments_newest_first_escaped_with_their_lines_and_warnings(app):
    store = people(app)
    give(store, "Older <script>alert(1)</script>", days_ago=2, rating=1)
    give(store, "Good service.\nCall me on 07700 900123", rating=5, language="cy")
    give(store, "Reply to jo@example.com", form_id="lasting-power-of-attorney", rating=3)
    give(store, "Out of the period", days_ago=40)
    html = signed_in(app, "perf@example.com").get(URL).get_data(as_text=True)
    assert comments_on(html) == [
        "Reply to jo@example.com",
        "Good service.<br>Call me on 07700 900123",
        "Older &lt;script&gt;alert(1)&lt;/script&gt;",
    ]
    assert "<script>alert" not in html
    assert html.count(WARNING) == 2
    assert "3 comments" in html
    for words in ("Very satisfied", "Neither satisfied or dissatisfied", "Very dissatisfied"):
        assert f'<td class="govuk-table__cell">{words}</td>' in html
    assert '<td class="govuk-table__cell">Cymraeg</td>' in html
    assert '<td class="govuk-table__cell">Book a prison visit</td>' in html
    assert (
        '<td class="govuk-table__cell">Make and register a lasting power of attorney</td>' in html
    )


def test_filters_by_form_and_days_and_pages_by_50(app):
    store = people(app)
    now = utcnow()
    for n in range(51):
        give(store, f"comment {n}", at=now - datetime.timedelta(minutes=n))
    give(store, "another form", form_id="lasting-power-of-attorney")
    give(store, "last week", days_ago=7)
    staff = signed_in(app, "admin@example.com")
    html = staff.get(f"{URL}?form={PRISON}").get_data(as_text=True)
    shown = comments_on(html)
    assert len(shown) == 50 and shown[0] == "comment 0" and "another form" not in shown
    assert "52 comments" in html and "page 1 of 2" in html
    assert 'class="govuk-pagination' in html
    second = staff.get(f"{URL}?form={PRISON}&page=2").get_data(as_text=True)
    assert comments_on(second) == ["comment 50", "last week"]
    assert "page 2 of 2" in second
    today = now.date()
    week_ago = (today - datetime.timedelta(days=7)).isoformat()
    html = staff.get(f"{URL}?form={PRISON}&from={week_ago}&to={week_ago}").get_data(as_text=True)
    assert comments_on(html) == ["last week"]
    html = staff.get(f"{URL}?form={PRISON}&from-day=1&from-month=13&from-year=2026").get_data(
        as_text=True
    )
    assert "Date from must be a real date" in html and "There is a problem" in html


def test_reading_comments_is_audited(app):
    store = people(app)
    give(store, "A comment")
    staff = signed_in(app, "perf@example.com")
    staff.get(f"{URL}?form={PRISON}")
    [event] = [e for e in store.audit_events(limit=50)[0] if e.action == "feedback_comments"]
    assert event.target == PRISON and event.detail["count"] == 1
    assert event.actor.startswith("staff:") and "A comment" not in str(event.detail)
    admin = signed_in(app, "admin@example.com")
    log = admin.get("/staff/audit?what=feedback_comments").get_data(as_text=True)
    assert "Read satisfaction comments on form prison-visit-booking" in log
