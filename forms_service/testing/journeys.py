"""Generated journeys driven through the real app: `forms-service test-journeys`.

For each definition file: the journeys routes_cover finds, each walked through the app
(Flask's test client, or with `browser` a real server and Chromium with axe-core on every
page) on a throw-away SQLite database with a secret key made for the run. Each page must
answer 200 and each answer must be taken; each question page is also sent empty once, where
a question is required, to see it with its errors.
"""

from __future__ import annotations

import datetime
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from forms_service.clock import today_in_london
from forms_service.config import tool_template_cache
from forms_service.definitions.loader import DefinitionError, load_definitions, load_form_file
from forms_service.definitions.model import Form
from forms_service.journey.route import Step
from forms_service.journey.routes_cover import PlannedJourney, cover
from forms_service.question_types import question_type
from forms_service.testing.server import serving

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ERROR_MESSAGE = re.compile(r'govuk-error-message">\s*<span[^>]*>[^<]*</span>([^<]*)')
SUMMARY_ERROR = re.compile(r'govuk-error-summary__list">(.*?)</ul>', re.S)
TAG = re.compile(r"<[^>]+>")
TASK = re.compile(r'<li class="govuk-task-list__item.*?</li>', re.S)
START_BUTTON = re.compile(r'<a href="([^"]+)"[^>]*govuk-button--start')
MOST_PAGES = 1_000  # a journey longer than this is a routing loop
NEEDS_BROWSER = "--browser needs the test dependencies: pip install -e .[test]"


class JourneyFailed(Exception):
    """A page that did not answer as it should; the message says which and why."""


@dataclass
class Response:
    status: int
    path: str  # where the response came from (after redirects, for a GET)
    html: str = ""
    location: str | None = None


@dataclass
class FileReport:
    path: Path
    lines: list[str] = field(default_factory=list)
    ok: bool = True
    journeys: int = 0
    failed: int = 0


# -- clients: Flask's test client, or Chromium ---------------------------------------------------


class FlaskAgent:
    """The app through Flask's test client."""

    def __init__(self, app: Any):
        self.app = app
        self.client = app.test_client()

    def new_session(self) -> None:
        self.client = self.app.test_client()

    def get(self, path: str) -> Response:
        response = self.client.get(path, follow_redirects=True)
        return Response(response.status_code, response.request.path, response.get_data(True))

    def post(self, path: str, data: list[tuple[str, str]]) -> Response:
        from werkzeug.datastructures import MultiDict

        response = self.client.post(path, data=MultiDict(data))
        return Response(response.status_code, path, location=response.headers.get("Location"))

    def close(self) -> None:
        pass


class BrowserAgent:
    """The app served on loopback, seen in Chromium: axe-core runs on every page shown.
    Answers are posted through the browser context (same cookies) so the journey follows
    the same answers as with the test client."""

    def __init__(self, browser: Any, axe: Any, base_url: str, javascript: bool = True):
        self.base_url = base_url
        self.browser = browser
        self.context = browser.new_context(base_url=base_url, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.axe = axe
        self.javascript = javascript
        self.violations: list[str] = []
        self.checked: set[tuple[str, bool, bool]] = set()

    def new_session(self) -> None:
        self.context.close()
        self.context = self.browser.new_context(
            base_url=self.base_url, java_script_enabled=self.javascript
        )
        self.page = self.context.new_page()

    def get(self, path: str) -> Response:
        from forms_service.testing.axe import format_violations

        response = self.page.goto(path)
        status = response.status if response is not None else 0
        html = self.page.content()
        # Each page once as it is and once with errors shown: the same page on another
        # journey differs only in its words, and axe takes seconds a page.
        seen = (urlsplit(self.page.url).path, "govuk-error-summary" in html, self.javascript)
        if status == 200 and seen not in self.checked:
            self.checked.add(seen)
            found = self.axe.violations(self.page, javascript=self.javascript)
            if found:
                self.violations.append(format_violations(found, path, self.page.title()))
        return Response(status, urlsplit(self.page.url).path, html)

    def post(self, path: str, data: list[tuple[str, str]]) -> Response:
        response = self.context.request.post(
            self.base_url + path,
            data=urlencode(data),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            max_redirects=0,
        )
        location = response.headers.get("location")
        response.dispose()
        return Response(response.status, path, location=location)

    def close(self) -> None:
        self.context.close()


# -- one journey ------------------------------------------------------------------------------


class Driver:
    """Walks planned journeys through the app, page by page."""

    def __init__(self, form: Form, agent: Any, today: datetime.date):
        self.form = form
        self.agent = agent
        self.today = today
        self.token: str | None = None
        self.tried_empty: set[str] = set()  # pages already sent empty (once per page)
        self.errors_shown = 0

    def open(self, path: str) -> Response:
        response = self.agent.get(path)
        if response.status != 200:
            raise JourneyFailed(f"{path} answered {response.status}")
        found = CSRF.search(response.html)
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, data: list[tuple[str, str]]) -> Response:
        return self.agent.post(path, [("csrf_token", self.token or ""), *data])

    def walk(self, plan: PlannedJourney, reached: list[str]) -> None:
        form_id = self.form.id
        prefix = f"/{form_id}/"
        self.agent.new_session()  # each journey is a new citizen
        self.token = None
        response = self.open(prefix)
        if response.path == prefix:  # the start page
            reached.append("start")
            button = START_BUTTON.search(response.html)
            if button is None:
                raise JourneyFailed(f"{prefix}: the start page has no Start now button")
            response = self.open(button.group(1))
        items: dict[str, int] = {}
        for _ in range(MOST_PAGES):
            path = response.path
            if not path.startswith(prefix):
                raise JourneyFailed(f"the journey left the form for {path}")
            where = path[len(prefix) :]
            reached.append(where)
            if where == "check-your-answers":
                self.submit(plan, path)
                reached.append("confirmation")
                return
            if where == "tasks":
                response = self.open(self.next_task(response.html, path))
                continue
            page = self.form.page(where.rsplit("/", 1)[-1])
            if page is None:
                raise JourneyFailed(f"{path} is not a page of the form")
            if page.is_exit:
                if plan.exit_page != page.id:
                    raise JourneyFailed(f"{path}: an exit page the answers were not meant to reach")
                return
            if page.is_repeat:
                wanted = plan.items(page.id)
                data = [("add_another", "yes" if items.get(page.id, 0) < wanted else "no")]
            else:
                step = self.planned_step(plan, where)
                if step.repeat is not None:
                    items[step.repeat.id] = max(items.get(step.repeat.id, 0), step.item + 1)
                self.try_empty(step, path)
                data = self.fields(step, plan.answers_for(step))
            response = self.follow(self.post(path, data), path)
        raise JourneyFailed(f"more than {MOST_PAGES} pages: a routing loop?")

    def planned_step(self, plan: PlannedJourney, where: str) -> Step:
        for step in plan.steps:
            if step.path == where:
                return step
        raise JourneyFailed(f"/{self.form.id}/{where}: a page the planned answers do not cover")

    def follow(self, posted: Response, path: str) -> Response:
        """Where a POST went: a redirect elsewhere means the answers were taken."""
        location = urlsplit(posted.location or "").path
        if posted.status not in (302, 303) or not location:
            raise JourneyFailed(f"{path}: answering gave {posted.status}, not a redirect")
        if location == path:  # refused: the page shows why
            shown = self.open(path)
            raise JourneyFailed(f"{path} refused the answers: {errors_in(shown.html)}")
        return self.open(location)

    def fields(self, step: Step, answers: dict[str, Any]) -> list[tuple[str, str]]:
        """The page's inputs for stored answers: part "" is the question id, part "x" is
        "<id>-x" (see views/question_fields.py)."""
        data: list[tuple[str, str]] = []
        for question, _, _ in step.page.all_questions():
            if question.id not in answers:
                continue
            qtype = question_type(question)
            raw = qtype.to_raw(question, answers[question.id])
            for part in qtype.input_parts(question):
                name = f"{question.id}-{part}" if part else question.id
                value = raw.get(part, "")
                for one in value if isinstance(value, list) else [value]:
                    data.append((name, str(one)))
        return data

    def try_empty(self, step: Step, path: str) -> None:
        """Send the page empty once, where a question is required: it must come back with
        its errors (303 to itself, then shown)."""
        key = step.page.id
        if key in self.tried_empty or not any(not q.optional for q in step.page.answerable):
            return
        self.tried_empty.add(key)
        posted = self.post(path, [])
        if posted.status != 303 or urlsplit(posted.location or "").path != path:
            raise JourneyFailed(f"{path}: an empty answer gave {posted.status}, not the errors")
        shown = self.open(path)
        if "govuk-error-summary" not in shown.html:
            raise JourneyFailed(f"{path}: an empty answer showed no error summary")
        self.errors_shown += 1

    def next_task(self, html: str, path: str) -> str:
        """From the task list: the first task not completed, or check your answers."""
        for item in TASK.findall(html):
            link = re.search(r'href="([^"]+)"', item)
            can_start = "govuk-task-list__status--cannot-start-yet" not in item
            if link and can_start and "Completed" not in item:
                return link.group(1)
        done = f"/{self.form.id}/check-your-answers"
        if f'href="{done}"' not in html:
            raise JourneyFailed(f"{path}: no task left to do, and no way to check answers")
        return done

    def submit(self, plan: PlannedJourney, path: str) -> None:
        if plan.exit_page is not None:
            raise JourneyFailed(f"{path} reached: the answers were meant for '{plan.exit_page}'")
        posted = self.post(path, [("declaration", "yes")])
        confirmation = f"/{self.form.id}/confirmation"
        if urlsplit(posted.location or "").path != confirmation:
            if urlsplit(posted.location or "").path == path:
                shown = self.open(path)
                raise JourneyFailed(f"{path}: not sent: {errors_in(shown.html)}")
            raise JourneyFailed(f"{path}: sending gave {posted.status} to {posted.location}")
        self.open(confirmation)


def errors_in(html: str) -> str:
    found = [" ".join(m.split()) for m in ERROR_MESSAGE.findall(html)]
    if not found:
        summary = SUMMARY_ERROR.search(html)
        found = [" ".join(TAG.sub(" ", summary.group(1)).split())] if summary else []
    return " | ".join(m for m in found if m) or "(no error message shown)"


# -- a file ----------------------------------------------------------------------------------


@contextmanager
def _app_for(path: Path) -> Iterator[Any]:
    """The app serving only this file, on a throw-away database and a key made for the run."""
    from forms_service.app import create_app

    folder = Path(tempfile.mkdtemp(prefix="forms-journeys-"))
    try:
        definitions = folder / "definitions"
        definitions.mkdir()
        shutil.copy(path, definitions / path.name)
        _copy_paper_form(path, definitions)
        app = create_app(
            {
                "ENV_NAME": "test",
                "SECRET_KEY": secrets.token_urlsafe(32),
                "DATABASE_URL": f"sqlite:///{folder / 'journeys.db'}",
                "INSTANCE_PATH": folder,
                "FORMS_DEFINITIONS_DIR": definitions,
                "TEMPLATE_CACHE_DIR": tool_template_cache(),
                "SESSION_COOKIE_SECURE": False,
                "SMTP_HOST": "",  # confirmation emails go to the run's outbox, never sent
                "DRAFTS_PER_IP": 1_000_000,  # every journey is a new draft from 127.0.0.1
            }
        )
        try:
            yield app
        finally:
            app.extensions["store"].engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy_paper_form(path: Path, definitions: Path) -> None:
    """The PDF the definition's paper_form names, beside the copy as beside the file."""
    try:
        paper = load_form_file(path).paper_form
    except (DefinitionError, OSError):
        return  # the app reports the definition's problems itself
    if paper is not None:
        target = definitions / paper.file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path.parent / paper.file, target)


def run_file(
    path: Path, make_agent: Callable[[Any], Iterator[Any]] | None = None, today=None
) -> FileReport:
    """Generate and drive the journeys of one definition file. `make_agent(app)` is a
    context manager giving the client (the Flask test client when None)."""
    report = FileReport(path)
    started = time.monotonic()
    warnings: list = []
    forms, problems = load_definitions([path], warnings)
    if problems:
        report.ok = False
        report.lines += [str(p) for p in problems]
        return report
    (form,) = forms.values()
    today = today or today_in_london()
    coverage = cover(form, today)
    report.lines += [f"{path}: note: {note}" for note in coverage.notes]
    with _app_for(path) as app, (make_agent or _flask_agent)(app) as agent:
        driver = Driver(app.extensions["forms"][form.id], agent, today)
        walks = list(enumerate(coverage.journeys, 1))
        if isinstance(agent, BrowserAgent) and walks:
            walks.append((0, walks[0][1]))  # the first one again, with JavaScript off
        for number, plan in walks:
            ending = f"exit '{plan.exit_page}'" if plan.exit_page else "check your answers"
            if number == 0:
                agent.javascript, driver.tried_empty = False, set()
                ending += ", JavaScript off"
            reached: list[str] = []
            try:
                driver.walk(plan, reached)
                failure = None
            except JourneyFailed as failed:
                failure = str(failed)
            violations = getattr(agent, "violations", [])
            if violations:
                failure = (failure + "\n" if failure else "") + "\n".join(violations)
                violations.clear()
            report.journeys += 1
            line = f"journey {number or 1} ({ending}): {' > '.join(reached)}"
            if failure:
                report.failed += 1
                report.ok = False
                line += f"\n  FAILED: {failure}"
            report.lines.append(line)
    for goal in coverage.unreached:
        report.lines.append(f"{path}: warning: {goal}")
    report.lines.append(
        f"{path}: {report.journeys} journey(s), {report.failed} failed; "
        f"{driver.errors_shown} page(s) shown with errors; "
        f"{len(coverage.unreached)} route(s) not reached; {time.monotonic() - started:.1f} s"
    )
    return report


@contextmanager
def _flask_agent(app: Any) -> Iterator[FlaskAgent]:
    yield FlaskAgent(app)


@contextmanager
def browser_agents() -> Iterator[Callable[[Any], Any]]:
    """Chromium for the whole run; for each file, its app served on loopback and a fresh
    browser context. Raises ImportError when playwright is not installed."""
    from playwright.sync_api import sync_playwright

    from forms_service.testing.axe import Axe, chromium_launch_args

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium_launch_args())

        @contextmanager
        def agent_for(app: Any) -> Iterator[BrowserAgent]:
            with serving(app) as base_url:
                axe = Axe(browser, base_url)
                agent = BrowserAgent(browser, axe, base_url)
                try:
                    yield agent
                finally:
                    agent.close()
                    axe.close()

        try:
            yield agent_for
        finally:
            browser.close()


def run(files: list[Path], browser: bool, echo: Callable[[str], None]) -> int:
    """The command: each file's journeys, one line each, then a summary; 0 when every
    journey ran, 1 otherwise (or when a definition has errors)."""
    if browser:
        try:
            agents = browser_agents()
            make_agent = agents.__enter__()
        except ImportError:
            echo(NEEDS_BROWSER)
            return 1
        except Exception as error:  # noqa: BLE001 (Playwright's own errors: say it in one line)
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            echo(f"--browser could not start Chromium ({first}): set CHROMIUM_PATH")
            return 1
    else:
        agents, make_agent = None, None
    reports = []
    try:
        for path in files:
            report = run_file(path, make_agent)
            for line in report.lines:
                echo(line)
            reports.append(report)
    finally:
        if agents is not None:
            agents.__exit__(None, None, None)
    journeys = sum(r.journeys for r in reports)
    failed = sum(r.failed for r in reports)
    bad = [r for r in reports if not r.ok]
    echo(
        f"{len(files)} file(s), {journeys} journey(s): {journeys - failed} ran, {failed} failed"
        + (f"; {len(bad)} file(s) with problems" if bad else "")
        + (" (with axe-core in Chromium)" if browser else "")
        + "."
    )
    return 1 if bad else 0
