"""Browser end-to-end tests: a live server, system Chromium, axe-core and a citizen helper.

Every test gets a fresh browser context (pytest-playwright's `page`), so each one is a new
citizen with no session. The `citizen` helper drives the GOV.UK pages the way a person
does (labels, radios, the Continue button) and runs axe-core on every page it reaches,
error pages included, so an accessibility regression anywhere on a route fails the test
that walked it.
"""

from __future__ import annotations

import datetime
import email
import os
import re
import shutil
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Response, expect

from forms_service.data.sealing import new_key_setting
from forms_service.testing import axe as shared_axe
from forms_service.testing.axe import (  # noqa: F401 (tests import them from here)
    AXE_SOURCE,
    AXE_TAGS,
    CHROMIUM_ARGS,
    RUN_AXE,
    format_violations,
)
from tests.live import serving

PROJECT = Path(__file__).resolve().parents[2]
# Pages checked and known GOV.UK Frontend findings tolerated, for the end-of-run summary.
AXE_STATS: dict[str, Any] = {"pages": 0, "tolerated": set()}
ANSWER_KEYS = {
    "ANSWERS_KEYS": new_key_setting("e2e"),
    "ANSWERS_INDEX_KEY": new_key_setting().split(":")[1],
}
REFERENCE = re.compile(r"^[A-Z]{2,4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist each worker sends its counts to the controller."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["axe_pages"] = AXE_STATS["pages"]
        output["axe_tolerated"] = sorted(AXE_STATS["tolerated"])


def pytest_testnodedown(node: Any, error: Any) -> None:
    output = getattr(node, "workeroutput", {})
    AXE_STATS["pages"] += output.get("axe_pages", 0)
    AXE_STATS["tolerated"].update(output.get("axe_tolerated", []))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if AXE_STATS["pages"]:
        tolerated = sorted(AXE_STATS["tolerated"])
        terminalreporter.write_line(
            f"axe-core: {AXE_STATS['pages']} page views checked; tolerated the known GOV.UK "
            f"Frontend aria-expanded finding (govuk-frontend#979) on {len(tolerated)} input(s)"
        )


# -- browser and server -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Always the system Chromium: Playwright cannot download its own browsers here."""
    return {**browser_type_launch_args, **shared_axe.chromium_launch_args()}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The application under test, on a fresh SQLite database, serving the real forms."""
    tmp = tmp_path_factory.mktemp("e2e")
    # Every page saved is a commit: keep the database in memory-backed /dev/shm when there
    # is one (about 20 ms less per answer than on disk).
    shm = Path("/dev/shm")
    data = Path(tempfile.mkdtemp(prefix="forms-e2e-", dir=shm)) if shm.is_dir() else tmp
    definitions = Path(os.environ.get("E2E_FORMS_DIR", PROJECT / "form_definitions"))
    with pytest.MonkeyPatch.context() as mp:
        # create_app reads FORMS_SERVICE_ENV: never let the suite start in production mode.
        mp.setenv("FORMS_SERVICE_ENV", "test")
        from forms_service import create_app

        app = create_app({
            "ENV_NAME": "test",
            "SECRET_KEY": "x" * 32,
            "DATABASE_URL": f"sqlite:///{data}/e2e.db",
            "INSTANCE_PATH": tmp,
            "FORMS_DEFINITIONS_DIR": definitions,
            "SESSION_COOKIE_SECURE": False,
            # These journeys are not about two-factor sign-in (tests/security and
            # tests/test_two_factor.py are): staff of every role sign in with a password.
            "STAFF_TWO_FACTOR": "off",
            # The jobs run in the app's own thread as in `make run`; the PDF at submission
            # is left to the integration tests (it would add a second of CPU a submission).
            "PDFS_AT_SUBMISSION": False,
        })  # fmt: skip
    yield app
    app.extensions["jobs"].stop()  # a runner thread would outlive its database
    app.extensions["store"].engine.dispose()
    if data != tmp:
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    with serving(live_app) as url:
        yield url


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """pytest-playwright gives every context this base URL: page.goto("/<form id>/")."""
    return live_server


@pytest.fixture(scope="session")
def today() -> datetime.date:
    """Today, for answers near date bounds (the tests keep days of margin on each side)."""
    return datetime.date.today()


def require_form(app, form_id: str):
    """The loaded form, or a failure that shows why the definition was left out."""
    form = app.extensions["forms"].get(form_id)
    if form is None:
        problems = "\n".join(str(p) for p in app.extensions["definition_problems"])
        pytest.fail(f"form {form_id!r} is not loaded. Definition problems:\n{problems or '-'}")
    return form


def stop_pages(app, form_id: str) -> set[str]:
    """Ids of the form's stop pages (`type: exit`)."""
    return {p.id for p in require_form(app, form_id).pages if p.is_exit}


# -- axe-core --------------------------------------------------------------------------------


class Axe(shared_axe.Axe):
    """axe-core on a page (forms_service.testing.axe, which `test-journeys --browser` uses
    too); a violation fails the test."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        try:
            super().__init__(browser, base_url, AXE_STATS)
        except shared_axe.AxeMissing as missing:
            pytest.fail(str(missing))

    def check(self, page: Page, *, javascript: bool = True) -> None:
        violations = self.violations(page, javascript=javascript)
        if violations:
            pytest.fail(format_violations(violations, page.url, page.title()), pytrace=False)


@pytest.fixture
def axe(browser: Browser, base_url: str) -> Iterator[Axe]:
    checker = Axe(browser, base_url)
    yield checker
    checker.close()


# -- the citizen ---------------------------------------------------------------------------------


# The service's words these helpers press and look for, in each language.
WORDS = {
    "en": {"continue": "Continue", "error": "Error: ", "problem": "There is a problem",
           "send": "Accept and send", "start": "Start now"},
    "cy": {"continue": "Parhau", "error": "Gwall: ", "problem": "Mae problem wedi codi",
           "send": "Derbyn ac anfon", "start": "Dechrau nawr"},
}  # fmt: skip


class Citizen:
    """A person filling in a form in the browser, with axe-core on every page they see.

    `language` is the one the pages should be in: every page is checked for its
    <html lang>, and the buttons pressed are found by their words in it.
    """

    def __init__(
        self, page: Page, axe: Axe, *, javascript: bool = True, language: str = "en"
    ) -> None:
        self.page = page
        self.axe = axe
        self.javascript = javascript
        self.language = language
        self.problems: list[str] = []
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        # A 422 page (answers with errors) is logged as a failed load: not a problem.
        # Failed subresources are caught by _response instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _response(self, response: Response) -> None:
        if response.url.endswith(Axe.SERVED_AT):  # the test's own tool, with its fallback
            return
        if response.status >= 400 and not response.request.is_navigation_request():
            self.problems.append(f"{response.status} for {response.url} on {self.page.url}")

    # -- getting around ---------------------------------------------------------------------

    def open(self, path: str) -> Response | None:
        response = self.page.goto(path)
        self.arrived(response)
        return response

    def follow(self, locator: Locator) -> Response | None:
        """Click a link or button that loads a new page, then check that page."""
        with self.page.expect_navigation() as navigation:
            locator.click()
        response = navigation.value
        self.arrived(response)
        return response

    def arrived(self, response: Response | None) -> None:
        """Every page the citizen sees: no server error, no script error, no axe violation."""
        assert response is not None, f"no response for {self.page.url}"
        assert response.status < 500, f"{response.status} from {response.url}"
        assert not self.problems, "\n".join(self.problems)
        # GOV.UK pages have exactly one main heading (axe's own rule is best practice only).
        expect(self.heading, f"one <h1> on {self.page.url}").to_have_count(1)
        expect(self.page.locator("html"), self.page.url).to_have_attribute("lang", self.language)
        self.axe.check(self.page, javascript=self.javascript)

    @property
    def words(self) -> dict[str, str]:
        return WORDS[self.language]

    def start(self, form_id: str, first_page: str | None = None) -> None:
        """Open the form's start page and press Start now (or land on its first page).

        With `first_page`, go straight to that page instead (tests that have already seen
        the start page elsewhere save a page load).
        """
        if first_page is not None:
            self.open(f"/{form_id}/{first_page}")
            return
        self.open(f"/{form_id}/")
        start = self.page.get_by_role("button", name=self.words["start"])
        if start.count():
            self.follow(start)

    def expect_page(self, form_id: str, page_id: str) -> None:
        expect(self.page).to_have_url(
            re.compile(rf"/{re.escape(form_id)}/{re.escape(page_id)}(\?[^#]*)?(#.*)?$")
        )

    @property
    def back_link(self) -> Locator:
        return self.page.locator("a.govuk-back-link")

    def back(self) -> None:
        self.follow(self.back_link)

    @property
    def heading(self) -> Locator:
        return self.page.locator("h1")

    # -- answering ----------------------------------------------------------------------------

    def answer(self, answers: Mapping[str, Any] | None = None, **more: Any) -> None:
        """Fill in the page. Keys are field names (question ids) or visible labels.

        Values: text; True/False for yes/no questions (or to tick a box found by label);
        an option value for radios and selects; a list of values for checkboxes; a date for
        a date question (a (month, year) pair for month precision); a mapping of parts for
        name and address questions ({"first": ..., "last": ...}).
        """
        for key, value in {**(answers or {}), **more}.items():
            self._answer(key, value)

    def _answer(self, key: str, value: Any) -> None:
        page = self.page
        if isinstance(value, datetime.date):
            value = {"day": value.day, "month": value.month, "year": value.year}
        elif isinstance(value, tuple):
            value = dict(zip(("month", "year"), value, strict=True))
        if isinstance(value, Mapping):
            for part, part_value in value.items():
                page.locator(f'[name="{key}-{part}"]').fill(str(part_value))
            return
        by_name = page.locator(f'[name="{key}"]')
        if by_name.count():
            self._set(key, by_name, value)
        else:
            self._set(key, page.get_by_label(key, exact=True), value)

    def _set(self, key: str, field: Locator, value: Any) -> None:
        kind = field.first.evaluate("e => e.tagName === 'INPUT' ? e.type : e.tagName")
        if kind == "radio" and field.count() > 1:
            field.and_(self.page.locator(f'[value="{_option_value(value)}"]')).check()
        elif kind == "checkbox" and field.count() > 1:
            wanted = value if isinstance(value, list) else [_option_value(value)]
            for box in field.all():
                box.set_checked(box.get_attribute("value") in wanted)
        elif kind in ("radio", "checkbox"):  # a single box, by name or by its label
            own = field.get_attribute("value")
            if isinstance(value, bool):
                field.set_checked(value)
            else:
                field.set_checked(own in value if isinstance(value, list) else own == value)
        elif kind == "SELECT":
            self._select(key, field, str(value))
        else:
            field.fill(str(value))

    def _select(self, key: str, select: Locator, value: str) -> None:
        if select.is_visible():
            select.select_option(value)
            return
        # JavaScript on: the long list is an accessible autocomplete that replaces the select.
        label = select.locator(f'option[value="{value}"]').inner_text().strip()
        combobox = self.page.locator(f'input[id="{key}"][role="combobox"]')
        combobox.fill(label)
        self.page.get_by_role("option", name=label, exact=True).click()
        expect(select).to_have_value(value)

    def continue_(self) -> Response | None:
        return self.follow(self.page.get_by_role("button", name=self.words["continue"], exact=True))

    def walk(self, form_id: str, steps: Sequence[tuple[str, Mapping[str, Any] | str]]) -> None:
        """Answer page after page, checking that each one is the page expected there.

        A step is (page path, answers): the path after /<form id>/, so a repeat's pages are
        "visitors/2/visitor-details" and its add-another page "visitors" (answer
        {"add_another": False} to stop adding). ("tasks", "Task title") opens a task from
        the task list.
        """
        for page_id, answers in steps:
            self.expect_page(form_id, page_id)
            if isinstance(answers, str):
                self.open_task(answers)
                continue
            self.answer(answers)
            self.continue_()

    def open_task(self, title: str) -> None:
        """On the task list, follow the link of one task."""
        self.follow(
            self.page.locator(".govuk-task-list").get_by_role("link", name=title, exact=True)
        )

    def task_statuses(self) -> dict[str, str]:
        """The task list as {task title: status shown}."""
        statuses = {}
        for item in self.page.locator(".govuk-task-list__item").all():
            name = item.locator(".govuk-task-list__name-and-hint").inner_text().strip()
            statuses[name] = item.locator(".govuk-task-list__status").inner_text().strip()
        return statuses

    # -- errors ---------------------------------------------------------------------------------

    def expect_errors(self, **expected: str | None) -> list[tuple[str, str]]:
        """The GOV.UK error pattern: "Error:" title, focused summary, links to the fields.

        Keyword arguments name the questions expected in the summary, each with a piece of
        its message (or None). Returns the summary's (message, href) pairs.
        """
        page = self.page
        error = self.words["error"]
        assert page.title().startswith(error), f"title {page.title()!r} on {page.url}"
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        expect(summary.get_by_role("heading", name=self.words["problem"])).to_be_visible()
        if self.javascript:
            expect(summary).to_be_focused()
        links = summary.locator(".govuk-error-summary__list a")
        pairs = [(a.inner_text().strip(), a.get_attribute("href") or "") for a in links.all()]
        named: dict[str, list[str]] = {}
        for text, href in pairs:
            assert href.startswith("#"), f"error link {href!r} is not a link into the page"
            target = page.locator(f'[id="{href[1:]}"]')
            expect(target, f"error link {href} has no target").to_have_count(1)
            # Ids are the question id, then "-part" for dates, names and addresses.
            named.setdefault(href[1:].split("-")[0], []).append(text)
            # The same message is shown by the field (GOV.UK error message component).
            group = page.locator(".govuk-form-group--error").filter(has=target).last
            expect(group.locator(".govuk-error-message").first).to_contain_text(text)
        assert set(named) == set(expected), f"error summary names {named}, expected {expected}"
        for question, fragment in expected.items():
            if fragment is not None:
                assert any(fragment in text for text in named[question]), (
                    f"{question}: {named[question]} has no {fragment!r}"
                )
        if self.javascript and pairs:
            # Following a summary link puts the cursor in the field with the problem.
            links.first.click()
            expect(page.locator(f'[id="{pairs[0][1][1:]}"]')).to_be_focused()
        return pairs

    # -- check your answers and after -------------------------------------------------------

    def expect_check_answers(self, form_id: str) -> dict[str, str]:
        expect(self.page).to_have_url(re.compile(rf"/{re.escape(form_id)}/check-your-answers$"))
        expect(self.heading).to_have_text("Check your answers before sending")
        return self.answers_shown()

    def answers_shown(self) -> dict[str, str]:
        """Check your answers as {question label: answer shown}.

        Rows of a repeat item's summary card are keyed "<item>: <label>" ("Visitor 1: First
        name"), the item being the card title before its colon ("Visitor 1: Rhys Jones").
        """
        rows = self.page.evaluate(
            """() => [...document.querySelectorAll("main .govuk-summary-list")].flatMap(list => {
                const card = list.closest(".govuk-summary-card");
                const title = card ? card.querySelector(".govuk-summary-card__title") : null;
                const heading = title ? title.innerText.trim().split(": ")[0] : "";
                return [...list.querySelectorAll(".govuk-summary-list__row")].map(row => [
                    heading,
                    row.querySelector(".govuk-summary-list__key").innerText.trim(),
                    row.querySelector(".govuk-summary-list__value").innerText.trim(),
                ]);
            })"""
        )
        shown: dict[str, str] = {}
        for heading, label, value in rows:
            key = f"{heading}: {label}" if heading else label
            assert key not in shown, f"two answers shown as {key!r}"
            shown[key] = value
        return shown

    def change(self, label: str) -> None:
        """Follow the Change link of one answer on check your answers."""
        row = self.page.locator(".govuk-summary-list__row").filter(
            has=self.page.locator(
                ".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")
            )
        )
        expect(row).to_have_count(1)
        # "Change date of birth", and in a repeat item's card "... (Visitor 1: Rhys Jones)".
        name = re.compile(rf"^Change {re.escape(label)}( \(.*\))?$", re.I)
        link = row.get_by_role("link", name=name)
        fragment = (link.get_attribute("href") or "").partition("#")[2]
        self.follow(link)
        if fragment:  # the link lands on the question itself, not just its page
            expect(self.page.locator(f'[id="{fragment}"]')).to_have_count(1)

    def accept_and_send(self, form_id: str, *, try_without_ticking: bool = False) -> str:
        """Agree to the declaration, send, and return the reference on the confirmation page.

        The declaration's tick box is there only when the form asks for one (its
        confirm_label); without it, pressing "Accept and send" is the agreement.
        """
        send = self.page.get_by_role("button", name=self.words["send"])
        box = self.page.locator('input[name="declaration"]')
        if try_without_ticking:
            expect(box).to_have_count(1)
            self.follow(send)
            pairs = self.expect_errors(declaration="Confirm that you have read")
            assert pairs[0][1] == "#declaration"
        if box.count():
            box.check()
        self.follow(send)
        expect(self.page).to_have_url(re.compile(rf"/{re.escape(form_id)}/confirmation$"))
        reference = self.page.locator(".govuk-panel__body strong").inner_text().strip()
        assert REFERENCE.match(reference), f"reference {reference!r}"
        return reference

    def expect_stop_page(self, form_id: str, page_id: str, title: str) -> None:
        """A stop page: its own heading, no way on, and no way round it to submit."""
        self.expect_page(form_id, page_id)
        expect(self.heading).to_have_text(title)
        assert self.page.title().startswith(title)
        expect(self.page.get_by_role("button", name="Continue")).to_have_count(0)
        # No way round it: check your answers sends the citizen back here, and there is no
        # confirmation (asked with the browser's own cookies, without rendering the pages).
        here = urlsplit(self.page.url).path
        check = self.page.request.get(f"/{form_id}/check-your-answers", max_redirects=0)
        assert check.status == 302, f"check your answers: {check.status}"
        assert urlsplit(check.headers["location"]).path == here, check.headers["location"]
        done = self.page.request.get(f"/{form_id}/confirmation", max_redirects=0)
        assert done.status == 302, f"confirmation: {done.status}"
        assert not done.headers["location"].endswith("/confirmation")


def _option_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@pytest.fixture
def citizen(page: Page, axe: Axe) -> Citizen:
    """A citizen with JavaScript on, in a fresh browser context."""
    return Citizen(page, axe)


@pytest.fixture
def citizen_without_js(new_context, axe: Axe) -> Citizen:
    """A citizen whose browser has JavaScript turned off."""
    context = new_context(java_script_enabled=False)
    return Citizen(context.new_page(), axe, javascript=False)


# -- more live servers: a real SMTP inbox, short sessions, definitions a test controls -----------

RESUME_LINK = re.compile(r"https?://[^/\s]+(/resume/[A-Za-z0-9_-]+)")


class Inbox:
    """A real SMTP server on loopback (aiosmtpd) that keeps every message it receives.

    The app hands a message over before it answers the request that sent it, so by the time
    the browser shows the next page the message is here (a short poll covers slow machines).
    """

    def __init__(self) -> None:
        self.port = 0
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def messages_to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def last_to(self, address: str, *, count: int = 1, timeout: float = 5.0):
        """The latest message to this address, once `count` of them have arrived."""
        deadline = time.monotonic() + timeout
        while len(self.messages_to(address)) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"no email {count} to {address} within {timeout} s", pytrace=False)
            time.sleep(0.05)
        return self.messages_to(address)[-1]

    def link_for(self, address: str, *, count: int = 1) -> str:
        """The path of the resume link (/resume/<token>) in the latest email's text part."""
        text = self.last_to(address, count=count).get_body(("plain",)).get_content()
        found = RESUME_LINK.search(text)
        assert found, f"no resume link in the email to {address}:\n{text}"
        return found.group(1)


@pytest.fixture(scope="session")
def inbox() -> Iterator[Inbox]:
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    handler.port = port
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture(scope="session")
def make_live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Build another app to serve: make_live_app(**config), on a fresh SQLite database.

    Pass DATABASE_URL to share another app's database (a second app on the same data is
    how a test "deploys" new form definitions, which an app loads when it is created).
    """
    apps: list[Any] = []
    folders: list[Path] = []
    cache = tmp_path_factory.mktemp("e2e-template-cache")  # the GOV.UK macros compile once
    shm = Path("/dev/shm")

    def factory(**overrides: Any) -> Any:
        tmp = tmp_path_factory.mktemp("e2e-app")
        config = {
            "ENV_NAME": "test",
            "SECRET_KEY": "x" * 32,
            # One set of answer keys for every app here: a second app on the same database
            # is a redeploy, which keeps the service's keys.
            **ANSWER_KEYS,
            "INSTANCE_PATH": tmp,
            "FORMS_DEFINITIONS_DIR": PROJECT / "form_definitions",
            "SESSION_COOKIE_SECURE": False,
            "TEMPLATE_CACHE_DIR": cache,
            "STAFF_TWO_FACTOR": "off",  # as live_app
            "PDFS_AT_SUBMISSION": False,  # as live_app
            **overrides,
        }
        if "DATABASE_URL" not in config:
            data = Path(tempfile.mkdtemp(prefix="forms-e2e-", dir=shm)) if shm.is_dir() else tmp
            if data != tmp:
                folders.append(data)
            config["DATABASE_URL"] = f"sqlite:///{data}/e2e.db"
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("FORMS_SERVICE_ENV", "test")
            from forms_service import create_app

            app = create_app(config)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.extensions["jobs"].stop()  # a runner thread would outlive its database
    app.extensions["store"].engine.dispose()
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def smtp_config(inbox: Inbox) -> dict[str, Any]:
    """App config that sends email to the test's SMTP server, with rate limits out of the way."""
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": inbox.port,
        "SMTP_SECURITY": "none",
        "RESUME_LINKS_PER_EMAIL": 1000,
        "RESUME_LINKS_PER_IP": 1000,
        "RESUME_TOKEN_ATTEMPTS_PER_IP": 1000,
    }


@pytest.fixture(scope="session")
def mail_app(make_live_app, inbox: Inbox) -> Any:
    """The real forms, with email going to the test inbox."""
    return make_live_app(**smtp_config(inbox))


@pytest.fixture(scope="session")
def mail_server(mail_app) -> Iterator[str]:
    with serving(mail_app) as url:
        yield url


@pytest.fixture
def citizen_at(browser: Browser) -> Iterator[Any]:
    """citizen_at(server URL): a citizen in a brand new browser context on that server.

    Each call is another browser (its own cookies), as browser.new_context() gives; pass
    `context=` to open another tab of an existing citizen's browser instead.
    """
    contexts: list[BrowserContext] = []
    checkers: list[Axe] = []

    def factory(
        server: str, *, javascript: bool = True, context: BrowserContext | None = None
    ) -> Citizen:
        if context is None:
            context = browser.new_context(base_url=server, java_script_enabled=javascript)
            contexts.append(context)
        checker = Axe(browser, server)
        checkers.append(checker)
        return Citizen(context.new_page(), checker, javascript=javascript)

    yield factory
    for checker in checkers:
        checker.close()
    for context in contexts:
        context.close()


STAFF_PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_staff(live_app) -> Callable[..., str]:
    """make_staff(role, forms): a new member of staff (unique email) with STAFF_PASSWORD."""
    from forms_service.passwords import hash_password

    def factory(role: str, forms: list[str] | None = None, name: str = "Casey Worker") -> str:
        email = f"{role}-{uuid.uuid4().hex[:10]}@example.gov.uk"
        live_app.extensions["store"].create_user(
            email, name, role, forms or [], hash_password(STAFF_PASSWORD)
        )
        return email

    return factory


@pytest.fixture
def staff_browser(citizen_at, base_url) -> Callable[[], Citizen]:
    """staff_browser(): a person at the staff pages in a brand new browser context."""
    return lambda: citizen_at(base_url)
