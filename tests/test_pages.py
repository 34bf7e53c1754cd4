"""Integration tests through the Flask client: pages, errors, CSRF, submissions, safety."""

from __future__ import annotations

import datetime
import json
import re

import html5lib
import pytest
from werkzeug.datastructures import MultiDict

from forms_service.data import WebSession
from forms_service.definitions.loader import load_definitions
from forms_service.journey import Runner, Step
from forms_service.views import form_pages as views
from forms_service.views.question_fields import page_form
from forms_service.views.session_drafts import remember
from forms_service.working_days import add_working_days
from tests.citizen import Citizen
from tests.conftest import FORMS_DIR, copy_definition

FORMS, _ = load_definitions([FORMS_DIR])
PAGES = [
    (form_id, page.id)
    for form_id, form in FORMS.items()
    for page, _ in form.every_page()
    if not page.is_repeat
]
REPEATS = [
    (form_id, page.id) for form_id, form in FORMS.items() for page in form.pages if page.is_repeat
]
MAIN_ROUTE = {
    "criminal-injuries-compensation": {"applied_before_for_crime": "no"},
    "lasting-power-of-attorney": {"case_number": "123456789012"},
    "prison-visit-booking": {"prisoner_number": "A1234BC", "prison": "cardiff"},
}
REFERENCE = re.compile(r"^[A-Z]{2,4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")


def parses(html: str) -> None:
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)


def error_messages(html: str) -> list[str]:
    found = re.findall(r'govuk-error-message">\s*<span[^>]*>[^<]*</span>([^<]*)', html)
    return [m.strip() for m in found]


@pytest.mark.parametrize(("form_id", "page_id"), PAGES)
def test_every_page_of_every_form_renders_with_and_without_errors(shared_app, form_id, page_id):
    """Every page, reachable or not on a given route, renders valid HTML; so does its error state."""
    app = shared_app
    form = app.extensions["forms"][form_id]
    page = form.page(page_id)
    runner = Runner(form, {}, today=datetime.date.today())
    journey = runner.journey
    repeat = form.repeat_of(page_id)
    step = Step(page, repeat, 0) if repeat else Step(page)
    with app.test_request_context(f"/{form_id}/{step.path}"):
        remember(form, runner)
        html = views.render_page(form, step, runner, page_form(page, journey, None), False)
        parses(html)
        assert "<h1" in html
        empty = page_form(page, journey, None, MultiDict())
        if page.kind == "questions" and any(not q.optional for q in page.answerable):
            assert not empty.validate()
            html = views.render_page(form, step, runner, empty, False)
            parses(html)
            assert "govuk-error-summary" in html
            assert empty.error_list(), "an empty required page must list its problems"


@pytest.mark.parametrize(("form_id", "repeat_id"), REPEATS)
def test_every_add_another_page_renders(shared_app, form_id, repeat_id):
    form = shared_app.extensions["forms"][form_id]
    runner = Runner(form, {}, today=datetime.date.today())
    step = Step(form.page(repeat_id), add_another=True)
    with shared_app.test_request_context(f"/{form_id}/{repeat_id}"):
        remember(form, runner)
        html = views._add_another(form, runner, step)
    parses(html)
    assert 'name="add_another"' in html


@pytest.mark.parametrize("form_id", sorted(MAIN_ROUTE))
def test_a_citizen_completes_each_form_on_its_main_route(app, form_id):
    form = app.extensions["forms"][form_id]
    citizen = Citizen(app.test_client())
    assert citizen.walk(form, MAIN_ROUTE[form_id]).endswith("/check-your-answers")
    page = citizen.get(f"/{form_id}/check-your-answers")
    assert page.status_code == 200
    response = citizen.submit(form)
    assert response.headers["Location"] == f"/{form_id}/confirmation"
    confirmation = citizen.get(f"/{form_id}/confirmation").get_data(as_text=True)
    reference = re.search(r"<strong>([A-Z0-9-]+)</strong>", confirmation).group(1)
    assert REFERENCE.match(reference)
    stored = app.extensions["store"].get_submission(reference)
    assert (stored.form_id, stored.form_version, stored.channel) == (
        form_id,
        form.version,
        "online",
    )
    assert stored.definition["id"] == form_id  # the snapshot it was filled against
    assert stored.language == "en"
    assert stored.submitted_at is not None and stored.started_at <= stored.submitted_at


def test_submission_stores_typed_answers_in_the_contract_shapes(app):
    form = app.extensions["forms"]["prison-visit-booking"]
    citizen = Citizen(app.test_client())
    citizen.walk(
        form,
        {
            **MAIN_ROUTE["prison-visit-booking"],
            "visitor_phone": "07700 900982",
            "needs_support": "yes",
        },
    )
    citizen.submit(form)
    reference = citizen.client.get("/prison-visit-booking/confirmation").get_data(as_text=True)
    reference = re.search(r"<strong>([A-Z0-9-]+)</strong>", reference).group(1)
    stored = app.extensions["store"].get_submission(reference)
    answers = stored.answers
    assert stored.status == "received"
    assert stored.applicant_name == "Sample answer Sample answer"  # the lead visitor
    assert stored.due_on == add_working_days(datetime.date.today(), 3)
    assert answers["prisoner_number"] == "A1234BC"
    assert answers["prison"] == "cardiff"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", answers["prisoner_dob"])
    assert answers["visitor_phone"] == "+447700900982"
    assert answers["visitor_email"] == "citizen@example.com"
    assert answers["needs_support"] == "yes"  # a radios answer is its option value


def test_double_submit_makes_one_submission(app):
    form = app.extensions["forms"]["prison-visit-booking"]
    citizen = Citizen(app.test_client())
    citizen.walk(form, MAIN_ROUTE["prison-visit-booking"])
    first = citizen.submit(form)
    second = citizen.post("/prison-visit-booking/check-your-answers", {"declaration": "yes"})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == "/prison-visit-booking/confirmation"
    assert app.extensions["store"].count_submissions("prison-visit-booking") == 1


def test_a_declaration_with_a_tick_box_must_be_confirmed(app):
    # Criminal injuries compensation asks for the tick box (its declaration's confirm_label).
    form = app.extensions["forms"]["criminal-injuries-compensation"]
    citizen = Citizen(app.test_client())
    citizen.walk(form, MAIN_ROUTE["criminal-injuries-compensation"])
    response = citizen.post_with_errors("/criminal-injuries-compensation/check-your-answers", {})
    html = response.get_data(as_text=True)
    assert "<title>Error:" in html and 'href="#declaration"' in html
    assert app.extensions["store"].count_submissions() == 0


def test_bad_input_shows_gov_uk_errors_and_keeps_what_was_typed(app):
    citizen = Citizen(app.test_client())
    citizen.get("/prison-visit-booking/prisoner")
    response = citizen.post_with_errors(
        "/prison-visit-booking/prisoner",
        {
            "prisoner_first_name": "Jo<script>",
            "prisoner_last_name": "x" * 31,
            "prisoner_dob-day": "31",
            "prisoner_dob-month": "2",
            "prisoner_dob-year": "1990",
            "prisoner_number": "12345",
            "prison": "",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r"<title>Error: Who are you visiting\?", html)
    assert 'class="govuk-error-summary"' in html
    assert (
        error_messages(html)
        == [
            "Enter a name using letters only",
            "The prisoner’s last name must be 30 characters or less",
            "The prisoner’s date of birth must be a real date",
            "Enter a prison number. It should be 7 characters starting with a letter.",
            "Select prison name",
        ]
        or len(error_messages(html)) == 5
    ), error_messages(html)
    # What was typed comes back, escaped.
    assert 'value="Jo&lt;script&gt;"' in html
    assert 'value="31"' in html and 'value="12345"' in html
    assert 'href="#prisoner_dob-day"' in html
    assert "govuk-input--error" in html
    # Shown once: a reload is the page as it was before the mistake, nothing kept.
    again = citizen.get("/prison-visit-booking/prisoner").get_data(as_text=True)
    assert "govuk-error-summary" not in again and "12345" not in again


def test_what_was_typed_waits_for_the_redirect_sealed_and_only_for_its_session(app):
    """Between the refused POST and the page showing its errors, the typed answers sit in
    the server-side session sealed like answers (session rows are not), bound to it."""
    store = app.extensions["store"]
    citizen = Citizen(app.test_client())
    citizen.get("/prison-visit-booking/prisoner")
    typed = {"prisoner_first_name": "Zebedee", "prisoner_number": "12345"}
    assert citizen.post("/prison-visit-booking/prisoner", typed).status_code == 303
    with store.sessions() as db:
        [row] = db.query(WebSession).all()
        key, data = row.key, dict(row.data)
    assert "Zebedee" not in json.dumps(data)
    sealed = data["errors_shown"]["typed"]
    assert ["prisoner_first_name", "Zebedee"] in store.open_for_session(
        key, "typed-with-errors", sealed
    )
    assert store.open_for_session("another session", "typed-with-errors", sealed) is None
    assert store.open_for_session(key, "another purpose", sealed) is None


def test_error_messages_name_the_question(app):
    citizen = Citizen(app.test_client())
    citizen.walk(FORMS["lasting-power-of-attorney"], until="donor-details")
    response = citizen.post_with_errors("/lasting-power-of-attorney/donor-details", {})
    messages = error_messages(response.get_data(as_text=True))
    assert "Enter first name" in messages
    assert any("date of birth" in m.lower() for m in messages), messages


def test_csrf_is_enforced(app):
    client = app.test_client()
    client.get("/prison-visit-booking/prisoner")
    response = client.post("/prison-visit-booking/prisoner", data={"prisoner_first_name": "Jo"})
    assert response.status_code == 400
    assert "start again" in response.get_data(as_text=True)
    response = client.post(
        "/prison-visit-booking/prisoner", data={"csrf_token": "forged", "prisoner_first_name": "Jo"}
    )
    assert response.status_code == 400


def test_a_page_not_yet_reachable_redirects_to_the_right_one(app):
    citizen = Citizen(app.test_client())
    response = citizen.get("/prison-visit-booking/visitor-contact")
    assert response.status_code == 302
    assert response.headers["Location"] == "/prison-visit-booking/prisoner"
    assert citizen.get("/prison-visit-booking/check-your-answers").status_code == 302
    assert citizen.get("/prison-visit-booking/no-such-page").status_code == 404
    assert citizen.get("/no-such-form/").status_code == 404


def test_refresh_and_resubmit_of_a_page_does_not_duplicate(app):
    form = FORMS["prison-visit-booking"]
    citizen = Citizen(app.test_client())
    citizen.walk(form, MAIN_ROUTE["prison-visit-booking"], until="visit-first-choice")
    fields = {
        "prisoner_first_name": "Sam",
        "prisoner_last_name": "Jones",
        "prisoner_dob-day": "1",
        "prisoner_dob-month": "2",
        "prisoner_dob-year": "1980",
        "prisoner_number": "B1234CD",
        "prison": "cardiff",
    }
    citizen.post("/prison-visit-booking/prisoner", fields)
    citizen.post("/prison-visit-booking/prisoner", fields)
    html = citizen.get("/prison-visit-booking/prisoner").get_data(as_text=True)
    assert 'value="Sam"' in html and 'value="B1234CD"' in html
    from forms_service.data import Draft

    with app.extensions["store"].sessions() as db:
        assert db.query(Draft).count() == 1


def test_change_link_returns_to_check_your_answers(app):
    form = FORMS["prison-visit-booking"]
    citizen = Citizen(app.test_client())
    citizen.walk(form, MAIN_ROUTE["prison-visit-booking"])
    check = citizen.get("/prison-visit-booking/check-your-answers").get_data(as_text=True)
    assert "/prison-visit-booking/visitor-contact?change=1" in check
    page = citizen.get("/prison-visit-booking/visitor-contact?change=1").get_data(as_text=True)
    assert 'href="/prison-visit-booking/check-your-answers"' in page  # Back goes to the summary
    response = citizen.post(
        "/prison-visit-booking/visitor-contact?change=1",
        {
            "visitor_email": "new@example.com",
            "visitor_email-confirm": "new@example.com",
            "visitor_phone": "07700 900982",
        },
    )
    assert response.headers["Location"] == "/prison-visit-booking/check-your-answers"
    assert "new@example.com" in citizen.get(response.headers["Location"]).get_data(as_text=True)


def test_changing_an_answer_into_a_new_branch_asks_the_new_questions_first(app):
    form = FORMS["criminal-injuries-compensation"]
    citizen = Citizen(app.test_client())
    assert citizen.walk(form, MAIN_ROUTE[form.id]).endswith("check-your-answers")
    response = citizen.post(
        "/criminal-injuries-compensation/who-for?change=1", {"who_for": "someone-else"}
    )
    next_url = response.headers["Location"]
    assert "change=1" in next_url and "check-your-answers" not in next_url


def test_an_exit_page_stops_the_journey(app):
    form = FORMS["criminal-injuries-compensation"]
    citizen = Citizen(app.test_client())
    stop = citizen.walk(form, {"applied_before_for_crime": "yes"})
    assert stop.endswith("/should-not-apply-again")
    html = citizen.get(stop).get_data(as_text=True)
    assert "<form" not in html.split("<main")[1]  # no way to continue from a stop page
    assert (
        citizen.get(f"/{form.id}/check-your-answers")
        .headers["Location"]
        .endswith("/should-not-apply-again")
    )


def test_welsh_is_offered_for_a_bilingual_form(app):
    client = app.test_client()
    html = client.get("/prison-visit-booking/prisoner?lang=cy").get_data(as_text=True)
    assert '<html lang="cy"' in html
    assert "Â phwy ydych chi am ymweld?" in html
    assert 'hreflang="en"' in html
    english = client.get("/prison-visit-booking/prisoner?lang=en").get_data(as_text=True)
    assert "Who are you visiting?" in english


def test_start_page_and_index(app):
    client = app.test_client()
    index = client.get("/").get_data(as_text=True)
    for form_id in FORMS:
        assert f'href="/{form_id}/"' in index
    start = client.get("/prison-visit-booking/").get_data(as_text=True)
    assert "govuk-button--start" in start


def test_session_cookie_is_opaque_httponly_and_samesite(app):
    client = app.test_client()
    response = client.get("/prison-visit-booking/prisoner")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("forms_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value)  # random id only, no data in it


def test_security_headers(app):
    response = app.test_client().get("/prison-visit-booking/prisoner")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_answers_are_escaped_everywhere(app):
    form = FORMS["prison-visit-booking"]
    citizen = Citizen(app.test_client())
    evil = '<img src=x onerror="alert(1)">'
    citizen.walk(form, {**MAIN_ROUTE[form.id], "support_details": evil, "needs_support": "yes"})
    html = citizen.get("/prison-visit-booking/check-your-answers").get_data(as_text=True)
    assert evil not in html
    assert "&lt;img src=x onerror=" in html


def test_a_bad_definition_is_left_out_and_shown_to_authors(make_app, tmp_path):
    folder = tmp_path / "defs"
    copy_definition("prison-visit-booking", folder)
    (folder / "broken.yaml").write_text("id: broken\nversion: 1\ntitle: Broken\npages: nope\n")
    app = make_app(definitions=folder)
    assert list(app.extensions["forms"]) == ["prison-visit-booking"]
    html = app.test_client().get("/").get_data(as_text=True)
    assert "broken.yaml:4:8: Pages must be a list" in html
    assert app.test_client().get("/broken/").status_code == 404
    keys = {k: app.config[k] for k in ("ANSWERS_KEYS", "ANSWERS_INDEX_KEY")}
    production = make_app(
        definitions=folder,
        ENV_NAME="production",
        SERVICE_URL="https://forms.example.gov.uk",
        **keys,
    )
    page = production.test_client().get("/", base_url="https://forms.example.gov.uk")
    assert page.status_code == 200
    assert "broken.yaml" not in page.get_data(as_text=True)


def test_a_broken_database_gives_a_friendly_page_and_writes_nothing(app):
    citizen = Citizen(app.test_client())
    citizen.get("/prison-visit-booking/prisoner")
    store = app.extensions["store"]
    with store.engine.begin() as connection:  # dependants first: PostgreSQL insists
        for table in (
            "submission_events",
            "stored_pdfs",
            "stored_paper_pdfs",
            "submissions",
            "resume_tokens",
            "drafts",
        ):
            connection.exec_driver_sql(f"DROP TABLE {table}")
    response = citizen.post("/prison-visit-booking/prisoner", {"prisoner_first_name": "Jo"})
    assert response.status_code in (303, 503)  # errors shown on the page again, or down
    response = citizen.post(
        "/prison-visit-booking/prisoner",
        {
            "prisoner_first_name": "Jo",
            "prisoner_last_name": "Bloggs",
            "prisoner_dob-day": "1",
            "prisoner_dob-month": "1",
            "prisoner_dob-year": "1980",
            "prisoner_number": "A1234BC",
            "prison": "cardiff",
        },
    )
    assert response.status_code == 503
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)


def test_the_database_down_before_the_session_opens_still_gives_the_services_page(app, caplog):
    """Under load with PostgreSQL killed, the session could not be opened, and the error
    page's language look-up then crashed it into a bare 500 (make loadtest found this)."""
    citizen = Citizen(app.test_client())
    citizen.get("/prison-visit-booking/prisoner")
    with app.extensions["store"].engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE web_sessions")
    response = citizen.client.get("/prison-visit-booking/prisoner")
    assert response.status_code == 503
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
    assert "AttributeError" not in caplog.text  # nor did saving the unopened session fail


def test_an_error_page_inside_a_form_is_the_services_page(app):
    """A 404 after the journey was loaded (no task list here) carries no form branding."""
    citizen = Citizen(app.test_client())
    citizen.get("/prison-visit-booking/prisoner")
    response = citizen.get("/prison-visit-booking/tasks")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found – Justice forms" in html
    assert "app-timeout-dialog" not in html
    # The service's own pages are in English and Welsh, whatever the form was.
    assert 'hreflang="cy"' in html
