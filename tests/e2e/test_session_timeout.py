"""The session timeout warning: a modal dialog before an idle session ends, by keyboard.

A live server of its own with very short sessions: 8 seconds idle, the warning for the last
3 of them. The server's own idea of when a session ends is read from the database (the
sessions table), so the waits are exact rather than guessed. The dialog is operated as soon
as it opens and checked (axe-core included) when it is left to run out, so a slow machine
does not turn a check into a late press.
"""

from __future__ import annotations

import datetime
import re
import time

import pytest
from playwright.sync_api import Locator, Page, expect

from forms_service.clock import utcnow
from forms_service.data import WebSession
from forms_service.sessions import GRACE_SECONDS, session_key

from .conftest import serving

pytestmark = pytest.mark.e2e

FORM = "lasting-power-of-attorney"
# Seconds. The warning opens at 5 s; pressing Continue then starts 5 more before it opens
# again, which leaves time to use the page after the first 8 s are over.
IDLE, WARNING = 8, 3
# The server moves a session's end only when it was saved more than this long ago.
REFRESH = datetime.timedelta(seconds=IDLE / 4)
EXTEND = re.compile(r"/session/extend$")
ENDED = re.compile(r"/session-ended$")


@pytest.fixture(scope="module")
def short_app(make_live_app):
    return make_live_app(SESSION_IDLE_SECONDS=IDLE, SESSION_WARNING_SECONDS=WARNING)


@pytest.fixture(scope="module")
def short_server(short_app):
    with serving(short_app) as url:
        yield url


def session_row(app, page: Page) -> tuple[str, datetime.datetime]:
    """The browser's session (its database key) and when the server will end it."""
    [token] = [c["value"] for c in page.context.cookies() if c["name"] == "forms_session"]
    key = session_key(token)
    with app.extensions["store"].sessions() as db:
        row = db.get(WebSession, key)
        assert row is not None, "the browser has no session on the server"
        ends = row.expires_at
    return key, ends if ends.tzinfo else ends.replace(tzinfo=datetime.UTC)


def server_session_ends(app, page: Page) -> datetime.datetime:
    """When the page's countdown should reach nought: the server keeps the session
    GRACE_SECONDS longer, so a press on the countdown's last second still finds it."""
    return session_row(app, page)[1] - datetime.timedelta(seconds=GRACE_SECONDS)


def wait_until(moment: datetime.datetime, margin: float = 0.3) -> None:
    time.sleep(max(0.0, (moment - utcnow()).total_seconds() + margin))


def wait_for_warning(citizen) -> Locator:
    """The warning opens as a modal dialog, with the keyboard focus on its heading."""
    dialog = citizen.page.get_by_role("dialog", name="Your session will end soon")
    expect(dialog).to_be_visible(timeout=(IDLE - WARNING + 3) * 1000)
    expect(dialog.get_by_role("heading", name="Your session will end soon")).to_be_focused()
    assert dialog.evaluate("d => d.open && d.matches(':modal')"), "not opened with showModal()"
    return dialog


def check_warning(citizen, dialog: Locator) -> None:
    """What the warning says, to the eye and to a screen reader, and axe-core with it open."""
    expect(dialog.locator(".app-timeout-countdown")).to_have_text(
        re.compile(rf"^[1-{WARNING}] seconds?$")
    )
    announce = dialog.locator("#app-timeout-announce")
    expect(announce).to_have_attribute("aria-live", "assertive")
    expect(announce).to_have_text(
        re.compile(
            rf"^Your session will end in [1-{WARNING}] seconds?\. "
            r"Select Continue to keep your session\.$"
        )
    )
    citizen.axe.check(citizen.page)  # the page behind the modal dialog is inert
    assert not citizen.problems, "\n".join(citizen.problems)


def test_keyboard_continue_extends_the_session_then_it_ends(short_app, short_server, citizen_at):
    citizen = citizen_at(short_server)
    page = citizen.page
    citizen.start(FORM, first_page="lpa-type")
    # So that the next request saves the session, and the server and the page count the
    # idle time from the same moment (see the xfail test below for when they do not).
    wait_until(server_session_ends(short_app, page) - datetime.timedelta(seconds=IDLE) + REFRESH)
    citizen.answer(lpa_type="property-and-financial")
    citizen.continue_()
    citizen.expect_page(FORM, "tasks")  # the LPA is a task list after its first question
    citizen.open_task("Donor details")
    citizen.expect_page(FORM, "donor-details")
    first_end = server_session_ends(short_app, page)

    dialog = wait_for_warning(citizen)
    # Keyboard only: from the focused heading, Tab reaches Continue, and Enter presses it.
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Continue")).to_be_focused()
    with page.expect_response(EXTEND) as extended:
        page.keyboard.press("Enter")
    assert extended.value.status == 204
    assert extended.value.request.method == "POST"
    assert extended.value.request.headers.get("x-csrftoken"), "no CSRF header"
    expect(dialog).to_be_hidden()
    assert server_session_ends(short_app, page) > first_end

    # Past the time the session would have ended: the page's answers still go through.
    citizen.answer(donor_name={"first": "Gwendolyn", "last": "Price"}, donor_dob={
        "day": "27", "month": "3", "year": "1948"})  # fmt: skip
    wait_until(first_end)
    citizen.continue_()
    citizen.expect_page(FORM, "donor-address")

    # Now nothing happens: the warning comes back, then the browser leaves the page.
    ending, _ = session_row(short_app, page)
    check_warning(citizen, wait_for_warning(citizen))
    page.wait_for_url(ENDED, timeout=(WARNING + 3) * 1000)
    expect(citizen.heading).to_have_text("Your session has ended")
    expect(page.get_by_role("link", name="Get a new link")).to_be_visible()
    citizen.axe.check(page)
    assert not citizen.problems, "\n".join(citizen.problems)
    # The page ended it on the server too, before the server's own end: the session and
    # its answers are gone, and the form's pages no longer show them.
    with short_app.extensions["store"].sessions() as db:
        assert db.get(WebSession, ending) is None
    response = page.request.get(f"/{FORM}/donor-details", max_redirects=0)
    assert response.status == 302  # to the first page, empty: the answers were not kept
    assert response.headers["location"].endswith(f"/{FORM}/lpa-type")


def test_escape_keeps_the_session(short_app, short_server, citizen_at):
    citizen = citizen_at(short_server)
    page = citizen.page
    citizen.start(FORM, first_page="lpa-type")
    first_end = server_session_ends(short_app, page)
    dialog = wait_for_warning(citizen)
    with page.expect_response(EXTEND) as extended:
        page.keyboard.press("Escape")
    pressed = utcnow()
    assert extended.value.status == 204
    expect(dialog).to_be_hidden()
    # The server counts the idle time again from the key press, and the page goes on.
    assert server_session_ends(short_app, page) >= max(
        first_end, pressed + datetime.timedelta(seconds=IDLE - 1)
    )
    citizen.answer(lpa_type="health-and-welfare")
    citizen.continue_()
    citizen.expect_page(FORM, "tasks")


def test_continue_late_in_the_countdown_keeps_the_session(short_app, short_server, citizen_at):
    citizen = citizen_at(short_server)
    page = citizen.page
    # Two page views in quick succession: the second one moves the session's end on the
    # server too, so the page's fresh countdown and the server agree.
    page.goto(f"/{FORM}/lpa-type")
    first_end = server_session_ends(short_app, page)
    wait_until(first_end - datetime.timedelta(seconds=IDLE - 0.5))
    page.goto(f"/{FORM}/lpa-type")
    server_end = server_session_ends(short_app, page)
    assert server_end > first_end, "a page view did not extend the session on the server"
    dialog = wait_for_warning(citizen)
    # The last moment the citizen is told there is time left: "1 second".
    countdown = dialog.locator(".app-timeout-countdown")
    expect(countdown).to_have_text("1 second", timeout=(WARNING + 1) * 1000)
    with page.expect_response(EXTEND) as extended:
        dialog.get_by_role("button", name="Continue").click()
    assert extended.value.status == 204, (
        "Continue pressed with 1 second left on the countdown, yet the server had already "
        f"ended the session ({extended.value.status})"
    )


def test_after_the_session_has_ended_the_form_opens_again(short_app, short_server, citizen_at):
    citizen = citizen_at(short_server)
    page = citizen.page
    citizen.start(FORM, first_page="lpa-type")
    key, _ = session_row(short_app, page)
    with short_app.extensions["store"].sessions.begin() as db:
        db.get(WebSession, key).expires_at = utcnow() - datetime.timedelta(seconds=1)
    citizen.open(f"/{FORM}/lpa-type")
    if not ENDED.search(page.url):
        pytest.fail(f"an ended session is not reported: {page.url}")
    # Said once; then the form can be used again, in a new session (Back, or a bookmark).
    citizen.open(f"/{FORM}/lpa-type")
    expect(page).to_have_url(re.compile(rf"/{FORM}/lpa-type$"), timeout=1000)
