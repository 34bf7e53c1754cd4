"""Satisfaction feedback after a submission (the GOV.UK feedback pattern), through the Flask
client: who may give it, its errors, once per submission, stored anonymously and sealed."""

from __future__ import annotations

import datetime
import html as html_text
import re

from sqlalchemy import text

from forms_service.clock import utcnow
from forms_service.data.sealing import new_key_setting
from tests.citizen import Citizen
from tests.test_pages import MAIN_ROUTE

PRISON = "prison-visit-booking"
FEEDBACK = f"/{PRISON}/feedback"


def text_of(response) -> str:
    html = response.get_data(as_text=True)
    return " ".join(html_text.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def submitted(app, language: str | None = None) -> Citizen:
    citizen = Citizen(app.test_client())
    if language:
        citizen.get(f"/{PRISON}/?lang={language}")
    form = app.extensions["forms"][PRISON]
    citizen.walk(form, MAIN_ROUTE[PRISON])
    assert citizen.submit(form).status_code == 302
    return citizen


def raw(store, sql: str):
    with store.engine.connect() as connection:
        return connection.execute(text(sql)).all()


def feedback_events(store):
    return raw(
        store,
        "SELECT form_id, form_version, channel, language, journey, value FROM journey_events"
        " WHERE kind = 'feedback'",
    )


def test_only_someone_who_sent_the_form_is_asked(app):
    stranger = Citizen(app.test_client())
    response = stranger.get(FEEDBACK)
    assert response.status_code == 302 and response.location == f"/{PRISON}/"
    assert stranger.client.post(FEEDBACK, data={"rating": "5"}).status_code in (302, 400)
    assert feedback_events(app.extensions["store"]) == []


def test_the_confirmation_page_links_to_the_feedback_page(app):
    citizen = submitted(app)
    html = citizen.get(f"/{PRISON}/confirmation").get_data(as_text=True)
    assert (
        f'<a class="govuk-link" href="{FEEDBACK}">What did you think of this service?</a>' in html
    )


def test_the_page_follows_the_gov_uk_feedback_pattern(app):
    citizen = submitted(app)
    response = citizen.get(FEEDBACK)
    html, words = response.get_data(as_text=True), text_of(response)
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Give feedback on Book a prison visit</h1>' in html
    assert "Overall, how did you feel about the service you received today?" in words
    labels = re.findall(
        r'<label class="govuk-label govuk-radios__label"[^>]*>\s*([^<]+?)\s*<', html
    )
    assert labels == [
        "Very satisfied",
        "Satisfied",
        "Neither satisfied or dissatisfied",
        "Dissatisfied",
        "Very dissatisfied",
    ]
    assert re.findall(r'name="rating" type="radio" value="(\d)"', html) == list("54321")
    assert "How could we improve this service? (optional)" in words
    assert (
        "Do not include any personal or financial information, for example your National "
        "Insurance or credit card numbers." in words
    )
    assert 'data-module="govuk-character-count" data-maxlength="1200"' in html
    assert 'name="csrf_token"' in html and "Send feedback" in words


def test_a_rating_is_required_and_the_comment_has_a_limit(app):
    citizen = submitted(app)
    citizen.get(FEEDBACK)
    response = citizen.post(FEEDBACK, {"comment": "Clear"})
    assert response.status_code == 422
    words = text_of(response)
    assert "There is a problem" in words and "Select how you felt about the service" in words
    assert response.get_data(as_text=True).count('href="#rating"') == 1
    assert ">Clear</textarea>" in response.get_data(as_text=True)  # what they typed is kept

    response = citizen.post(FEEDBACK, {"rating": "4", "comment": "x" * 1201})
    assert response.status_code == 422
    assert "How could we improve this service must be 1,200 characters or fewer" in text_of(
        response
    )
    assert 'value="4" checked' in response.get_data(as_text=True)
    response = citizen.post(FEEDBACK, {"rating": "9"})
    assert response.status_code == 422
    assert feedback_events(app.extensions["store"]) == []


def test_feedback_is_counted_once_per_submission_and_thanked(make_app):
    app = make_app(ANSWERS_KEYS=new_key_setting("k"))
    store = app.extensions["store"]
    citizen = submitted(app)
    citizen.get(FEEDBACK)
    comment = "The dates page was hard.\r\nCall me on 07700 900123"
    response = citizen.post(FEEDBACK, {"rating": "2", "comment": comment})
    assert response.status_code == 302 and response.location == FEEDBACK
    thanks = citizen.get(FEEDBACK)
    assert "Thank you for your feedback" in text_of(thanks)
    assert f'href="/{PRISON}/"' in thanks.get_data(as_text=True)
    # A second POST (double click, back button) is thanked, not counted again.
    again = citizen.post(FEEDBACK, {"rating": "5"})
    assert again.status_code == 200 and "Thank you for your feedback" in text_of(again)

    [(form_id, version, channel, language, journey, value)] = feedback_events(store)
    form = app.extensions["forms"][PRISON]
    assert (form_id, version, channel, language, value) == (PRISON, form.version, "online", "en", 2)
    [draft_journey] = [row[0] for row in raw(store, "SELECT journey FROM drafts")]
    assert journey == draft_journey
    # The comment: readable through the store, ciphertext in the database, no link back.
    today = utcnow().date()
    comments, total = store.feedback_comments(PRISON, today, today, 50, 0)
    assert total == 1
    [row] = comments
    assert row.comment == "The dates page was hard.\nCall me on 07700 900123"
    assert (row.rating, row.channel, row.language) == (2, "online", "en")
    [(sealed,)] = raw(store, "SELECT comment_sealed FROM feedback_comments")
    assert b"dates page" not in bytes(sealed) and b"07700" not in bytes(sealed)
    names = set(_columns(store, "feedback_comments"))
    assert not names & {"journey", "draft_id", "submission_id", "session_key", "reference"}


def _columns(store, table: str) -> list[str]:
    from sqlalchemy import inspect

    return [c["name"] for c in inspect(store.engine).get_columns(table)]


def test_a_rating_without_a_comment_stores_no_comment(app):
    store = app.extensions["store"]
    citizen = submitted(app)
    citizen.get(FEEDBACK)
    assert citizen.post(FEEDBACK, {"rating": "5", "comment": "   "}).status_code == 302
    assert [e[-1] for e in feedback_events(store)] == [5]
    assert raw(store, "SELECT id FROM feedback_comments") == []


def test_feedback_in_welsh(app):
    citizen = submitted(app, "cy")
    response = citizen.get(FEEDBACK)
    html = response.get_data(as_text=True)
    assert 'lang="cy"' in html
    assert "Overall, how did you feel about the service you received today?" not in html
    assert citizen.post(FEEDBACK, {"rating": "3"}).status_code == 302
    [event] = feedback_events(app.extensions["store"])
    assert event.language == "cy" and event.value == 3


def test_comments_are_listed_by_form_and_day_and_purged(app):
    store = app.extensions["store"]
    now = utcnow()
    for days_ago, form_id, words in [(0, PRISON, "new"), (3, PRISON, "old"), (0, "other", "x")]:
        at = now - datetime.timedelta(days=days_ago)
        store.give_feedback(
            {"at": at, "form_id": form_id, "form_version": 1, "channel": "online",
             "language": "en", "value": 4},
            words,
        )  # fmt: skip
    today = now.date()
    comments, total = store.feedback_comments(
        PRISON, today - datetime.timedelta(days=7), today, 1, 0
    )
    assert total == 2 and [c.comment for c in comments] == ["new"]
    comments, _ = store.feedback_comments(PRISON, today - datetime.timedelta(days=7), today, 1, 1)
    assert [c.comment for c in comments] == ["old"]
    assert store.feedback_comments(None, today, today, 50, 0)[1] == 2
    assert store.purge_feedback_comments(now - datetime.timedelta(days=1)) == 1
    assert store.feedback_comments(None, today - datetime.timedelta(days=7), today, 50, 0)[1] == 2
