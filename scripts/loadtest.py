"""Load and crash test: simulated citizens (locust, headless, only on 127.0.0.1) fill in and
send the three real forms while a chaos script SIGKILLs a web process, a worker and then the
whole PostgreSQL server; afterwards the database and the outbox are read to count what was
lost or doubled. Exits 1 when any figure that must be 0 is not.

    scripts/with-postgres.sh .venv/bin/python scripts/loadtest.py --seconds 90   (PostgreSQL)
    .venv/bin/python scripts/loadtest.py --seconds 90                            (SQLite)

On PostgreSQL (TEST_DATABASE_URL, given by scripts/with-postgres.sh, which also tells it how
to restart the server) it runs two gunicorn web processes on two ports, which each citizen
uses in turn (round-robin, so a dead one is simply skipped), and two `forms-service worker`
processes. On SQLite it runs one web process with threads, as `make run` does. `make loadtest`
runs both.

The citizens walk the journeys `forms-service test-journeys` generates from each definition
(forms_service/testing/journeys.py), repeats and exits included. Some press "Save and come
back later" part-way, read the resume link from the outbox and finish on a new browser
session; some use two tabs of one session: both save the first page at once, change two
answers at once, then both press Submit. A request that fails because a server is down is
sent again, as a person would press the button again.
"""

from __future__ import annotations

# ruff: noqa: E402, S311, S603, S607 (a test driver: locust must patch first; its randomness
# and the commands it runs are its own)
# isort: off
from locust import HttpUser, constant, task  # first: it patches the standard library (gevent)

# isort: on
import argparse
import contextlib
import itertools
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gevent
import httpx
from locust.clients import HttpSession
from locust.env import Environment
from locust.exception import StopUser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest_crash import ProcessGroup, Service

from forms_service.clock import today_in_london
from forms_service.data import Store
from forms_service.definitions.loader import load_definitions
from forms_service.definitions.model import Form
from forms_service.journey.route import Step
from forms_service.journey.routes_cover import PlannedJourney, cover
from forms_service.testing import load
from forms_service.testing.journeys import Driver, JourneyFailed, Response

FORMS = ("prison-visit-booking", "criminal-injuries-compensation", "lasting-power-of-attorney")
REDIRECTS = (301, 302, 303, 307, 308)
EXCEPTION = re.compile(r"^([\w.]+(?:Error|Exception|Exit|Timeout)):", re.M)  # a traceback's end
BIN = ROOT / ".venv" / "bin"


class Harness:
    """The run's shared state: where the service is, the journeys to walk, what happened."""

    def __init__(self, hosts: list[str], outbox: Path, seconds: float, think: float) -> None:
        self.hosts = hosts
        self._next_host = itertools.cycle(range(len(hosts)))
        self.outbox = outbox
        self.think = think
        self.started = time.monotonic()
        self.deadline = self.started + seconds  # no journey starts after this
        self.hard_stop = self.deadline + 90  # nor does any request, retried or not
        self.today = today_in_london()
        self.forms: dict[str, Form] = {}
        self.plans: dict[str, list[PlannedJourney]] = {}
        self.told = load.Told()
        self.numbers = itertools.count(1)
        self.events = Counter()
        self.failures: list[str] = []

    def plan(self, definitions: Path) -> None:
        paths = [definitions / f"{form_id}.yaml" for form_id in FORMS]
        forms, problems = load_definitions(paths, [])
        if problems:
            raise SystemExit("\n".join(map(str, problems)))
        for form in forms.values():
            self.forms[form.id] = form
            self.plans[form.id] = cover(form, self.today).journeys

    def host(self) -> str:
        return self.hosts[next(self._next_host)]

    def page_name(self, method: str, path: str, data: list[tuple[str, str]] | None) -> str:
        """The statistics' name for a request: the kind of page, whatever the form."""
        address = urlsplit(path)
        parts = address.path.strip("/").split("/")
        named = {
            "save": "save for later: email",
            "saved": "save for later: saved",
            "resume": "resume link",
        }
        if parts[0] in named:
            return named[parts[0]]
        if len(parts) == 1:
            return "start page"
        last = parts[-1]
        named = {
            "check-your-answers": "check your answers" + (": submit" if method == "POST" else ""),
            "confirmation": "confirmation",
            "tasks": "task list",
        }
        if last in named:
            return named[last]
        form = self.forms.get(parts[0])
        page = form.page(last) if form is not None else None
        if page is not None and page.is_repeat:
            return "add another?"
        name = "question page" + (" in a repeat" if len(parts) > 2 else "")
        if method == "POST":
            fields = dict(data or [])
            if "action" in fields:
                name += ": answer and save for later"
            elif "change=1" in address.query:
                name += ": change an answer"
            elif len(fields) <= 1:
                name += ": answer left empty"
            else:
                name += ": answer"
        return name


HARNESS: Harness  # set by main() before the citizens start


class Agent:
    """A citizen's browser for journeys.Driver: one tab, or two sharing a session; each
    request goes to the next web process in turn and is sent again until one answers."""

    def __init__(self, user: HttpUser, two_tabs: bool) -> None:
        self.user = user
        self.two_tabs = two_tabs
        self.tabs: list[HttpSession] = []
        self.new_session()

    def new_session(self) -> None:
        self.close()
        event = self.user.environment.events.request
        first = HttpSession(HARNESS.hosts[0], event, self.user)
        self.tabs = [first]
        if self.two_tabs:
            second = HttpSession(HARNESS.hosts[0], event, self.user)
            second.cookies = first.cookies  # one browser: one cookie jar
            self.tabs.append(second)

    @property
    def cookie(self) -> str:
        return self.tabs[0].cookies.get("forms_session", "") if self.tabs else ""

    def send(self, method: str, path: str, data: list | None, tab: int = 0) -> Any:
        name = HARNESS.page_name(method, path, data)
        for attempt in itertools.count():
            response = self.tabs[tab].request(
                method, HARNESS.host() + path, name=name, data=data, allow_redirects=False
            )
            if 0 < response.status_code < 500:
                return response
            HARNESS.events["requests sent again (no answer or 5xx)"] += 1
            if time.monotonic() > HARNESS.hard_stop:
                raise JourneyFailed(f"{path}: no answer ({response.status_code})")
            gevent.sleep(min(2.0, 0.05 * (attempt + 1)))
        raise AssertionError  # unreachable

    def get(self, path: str, tab: int = 0) -> Response:
        gevent.sleep(random.uniform(0, 2 * HARNESS.think))  # reading the page
        for _ in range(10):
            response = self.send("GET", path, None, tab)
            if response.status_code not in REDIRECTS:
                return Response(response.status_code, urlsplit(path).path, response.text)
            address = urlsplit(response.headers.get("location", ""))
            path = address.path + (f"?{address.query}" if address.query else "")
        raise JourneyFailed(f"{path}: too many redirects")

    def post(self, path: str, data: list[tuple[str, str]], tab: int = 0) -> Response:
        response = self.send("POST", path, data, tab)
        return Response(response.status_code, path, location=response.headers.get("location"))

    def close(self) -> None:
        for tab in self.tabs:
            tab.close()


def at_once(*calls: Any) -> list[Any]:
    """Run calls at the same moment (two tabs pressing a button together)."""
    jobs = [gevent.spawn(call) for call in calls]
    gevent.joinall(jobs, raise_error=True)
    return [job.value for job in jobs]


class LoadDriver(load.RecordingDriver):
    """A recording journeys.Driver that can also save and come back later, or use two tabs."""

    def __init__(self, form: Form, agent: Agent, record: load.JourneyRecord, save_at: int | None):
        super().__init__(form, agent, HARNESS.today, record)
        self.agent: Agent = agent
        self.save_at = save_at  # save for later after this many pages
        self.first_saved = False

    def post(self, path: str, data: list[tuple[str, str]]) -> Response:
        answering = self.pending is not None and len(data) > 0
        if answering and self.save_at is not None and len(self.record.acknowledged) >= self.save_at:
            self.save_at = None
            data = [*data, ("action", "save")]
        if answering and self.agent.two_tabs and not self.first_saved:
            # Both tabs save the first page at the same moment (the duplicate-draft race).
            self.first_saved = True
            both = at_once(
                lambda: super(LoadDriver, self).post(path, data),
                lambda: self.agent.post(path, [("csrf_token", self.token or ""), *data], tab=1),
            )
            self.acknowledge(both[1], path, self.pending)
            return both[0]
        return super().post(path, data)

    def follow(self, posted: Response, path: str) -> Response:
        location = urlsplit(posted.location or "").path
        if posted.status in REDIRECTS and location.startswith("/save/"):
            answered, self.pending = self.pending, None
            self.acknowledge(posted, path, answered)
            return self.save_and_return(location)
        return super().follow(posted, path)

    def save_and_return(self, save_page: str) -> Response:
        """Give an email address, read the link from the outbox, open it in a new browser."""
        self.open(save_page)
        address = f"citizen-{secrets.token_hex(6)}@example.com"
        saved = self.post(save_page, [("email", address)])
        if saved.status not in REDIRECTS:
            raise JourneyFailed(f"{save_page}: giving an email address gave {saved.status}")
        self.record.saved_to = address
        self.open(urlsplit(saved.location or "").path)
        link = None
        for _ in range(300):  # the email may come from a worker, and a worker may be down
            link = load.resume_link(HARNESS.outbox, address)
            if link or time.monotonic() > HARNESS.hard_stop:
                break
            gevent.sleep(0.2)
        if link is None:
            raise JourneyFailed(f"{save_page}: no resume link arrived for the saved draft")
        self.agent.new_session()  # another device
        self.token = None
        self.open(link)
        HARNESS.events["journeys saved and resumed by the emailed link"] += 1
        return super().follow(self.post(link, []), link)

    def submit(self, plan: PlannedJourney, path: str) -> None:
        if not self.agent.two_tabs:
            return super().submit(plan, path)
        self.two_tabs_finish(plan, path)
        self.note_reference(path)
        return None

    def two_tabs_finish(self, plan: PlannedJourney, path: str) -> None:
        """Each tab changes a different answer at the same moment; then both press Submit."""
        changes = []
        for tab, step in enumerate(free_text_steps(plan)[:2]):
            question = free_text(step)
            answers = {**plan.answers_for(step), question.id: f"Tab {tab + 1} {len(changes)}"}
            data = Driver.fields(self, step, answers)
            answered = (step, load.asked_on(step, answers))
            changes.append((tab, f"/{self.form.id}/{step.path}?change=1", data, answered))
        token = [("csrf_token", self.token or "")]
        posted = at_once(
            *[lambda c=c: self.agent.post(c[1], [*token, *c[2]], tab=c[0]) for c in changes]
        )
        for (_, change, _, answered), answer in zip(changes, posted, strict=True):
            self.acknowledge(answer, change, answered)
        self.open(path)
        token = [("csrf_token", self.token or ""), ("declaration", "yes")]
        sent = at_once(
            lambda: self.agent.post(path, token, tab=0), lambda: self.agent.post(path, token, tab=1)
        )
        confirmation = f"/{self.form.id}/confirmation"
        places = [urlsplit(s.location or "").path for s in sent]
        if confirmation not in places:
            raise JourneyFailed(f"{path}: two tabs pressing Submit went to {places}")
        if places != [confirmation, confirmation]:
            HARNESS.events["second tab's Submit not sent to the confirmation"] += 1
        shown = at_once(
            lambda: self.agent.get(confirmation, 0), lambda: self.agent.get(confirmation, 1)
        )
        references = {m.group(0) for s in shown if (m := load.REFERENCE.search(s.html))}
        if len(references) > 1:
            HARNESS.events["two tabs shown different references"] += 1
        self.last = shown[0]
        HARNESS.events["journeys in two tabs"] += 1


def free_text(step: Step) -> Any:
    for question in step.page.answerable:
        settings = question.settings
        free = question.type == "text" and not {"pattern", "transform"} & set(settings)
        if free and settings.get("max_length", 100) >= 12:
            return question
    return None


def free_text_steps(plan: PlannedJourney) -> list[Step]:
    """Pages outside repeats with a free-text question: any words are a valid change."""
    found = [s for s in plan.steps if s.repeat is None and not s.add_another and free_text(s)]
    return found if len(found) >= 2 else []


class Citizen(HttpUser):
    """One person after another sending one of the three forms."""

    host = "http://127.0.0.1"
    wait_time = constant(0)

    @task
    def journey(self) -> None:
        if time.monotonic() > HARNESS.deadline:
            raise StopUser
        number = next(HARNESS.numbers)
        form_id = FORMS[number % len(FORMS)]
        form = HARNESS.forms[form_id]
        plan = random.choice(HARNESS.plans[form_id])
        agent = Agent(self, two_tabs=number % 4 == 1)
        record = HARNESS.told.start(form_id)
        save_at = random.randint(2, 8) if number % 3 == 0 else None
        driver = LoadDriver(form, agent, record, save_at)
        if number % 10:  # most people send no page empty first
            driver.tried_empty = {page.id for page, _ in form.every_page()}
        reached: list[str] = []
        try:
            driver.walk(plan, reached)
            HARNESS.events[
                "journeys ended at an exit page" if plan.exit_page else "journeys sent"
            ] += 1
        except JourneyFailed as failed:
            HARNESS.failures.append(f"{form_id}: {failed}")
        finally:
            record.cookie = agent.cookie
            agent.close()


# -- the processes ------------------------------------------------------------------------------


TEAM = "team@loadtest.example.gov.uk"  # the forms' notify_email


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Worker(ProcessGroup):
    """`forms-service worker` in its own process group."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(BIN / "forms-service"), "worker"],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )


class Postgres:
    """The throwaway server scripts/with-postgres.sh started: killed whole, started again."""

    def __init__(self) -> None:
        self.data = Path(os.environ["PG_TEST_DATA"])
        self.options = os.environ["PG_TEST_OPTIONS"]
        self.pg_ctl = str(Path(os.environ["PG_TEST_BINDIR"]) / "pg_ctl")
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []

    def kill(self) -> None:
        """SIGKILL the postmaster and every backend at once (the machine dying)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        found = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True)
        for pid in [postmaster, *map(int, found.stdout.split())]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def start(self) -> None:
        log = str(self.data.parent / "server.log")
        command = [self.pg_ctl, "-D", str(self.data), "-l", log, "-w", "-o", self.options]
        subprocess.run([*self.as_owner, *command, "start"], check=True, capture_output=True)


def recovered(urls: list[str], since: float) -> float:
    """Seconds from `since` until every URL answers without a server error: a page that
    reads and writes the database (an unknown resume link, which is counted)."""
    waiting = list(urls)
    while waiting and time.monotonic() < since + 300:
        try:
            if httpx.get(waiting[0], timeout=2).status_code < 500:
                waiting.pop(0)
                continue
        except httpx.TransportError:
            pass
        gevent.sleep(0.05)
    return time.monotonic() - since if not waiting else float("inf")


def chaos(
    seconds: float, webs: list[Service], workers: list[Worker], postgres: Postgres | None
) -> list[str]:
    """Kill -9 one web process, then one worker, then the whole database (or, on SQLite,
    a web process's worker and then the whole web process); restart each and time it."""
    log: list[str] = []
    probe = f"/resume/{'x' * 43}"
    urls = [f"http://127.0.0.1:{web.port}{probe}" for web in webs]

    def at(fraction: float) -> float:
        gevent.sleep(max(0.0, HARNESS.started + seconds * fraction - time.monotonic()))
        return time.monotonic()

    def note(what: str, killed: float, recovery: float) -> None:
        log.append(f"{killed - HARNESS.started:5.1f}s  {what}: recovered in {recovery:.2f} s")

    if postgres is None:
        killed = at(0.3)
        webs[0].kill_worker()
        note(
            "SIGKILL the web process's worker (gunicorn starts another)",
            killed,
            recovered(urls, killed),
        )
        killed = at(0.6)
        webs[0].kill_all()
        gevent.sleep(1)
        webs[0].start()
        note("SIGKILL the whole web process; restarted after 1 s", killed, recovered(urls, killed))
        return log
    killed = at(0.2)
    webs[0].kill_all()
    gevent.sleep(1)
    webs[0].start()
    note(
        "SIGKILL web process 1 (master and workers); restarted after 1 s",
        killed,
        recovered(urls[:1], killed),
    )
    killed = at(0.4)
    workers[0].kill_all()
    gevent.sleep(1)
    workers[0].start()
    note(
        "SIGKILL worker 1; restarted after 1 s (its process up)", killed, time.monotonic() - killed
    )
    killed = at(0.6)
    postgres.kill()
    gevent.sleep(3)
    postgres.start()
    note("SIGKILL PostgreSQL (every process); restarted after 3 s", killed, recovered(urls, killed))
    return log


# -- the run ---------------------------------------------------------------------------------------


def report(env: Environment, seconds: float) -> None:
    print(f"\n{'requests':>8} {'failed':>6} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7}  page")
    entries = sorted(env.stats.entries.values(), key=lambda e: (e.name, e.method))
    for e in [*entries, env.stats.total]:
        print(
            f"{e.num_requests:8} {e.num_failures:6} {e.num_requests / seconds:6.1f} "
            f"{e.get_response_time_percentile(0.5):7.0f} "
            f"{e.get_response_time_percentile(0.95):7.0f}"
            f"  {e.method or ''} {e.name}"
        )
    errors = Counter()
    for error in env.stats.errors.values():
        errors[str(error.error).split("(")[0][:90]] += error.occurrences
    for text, count in errors.most_common(8):
        print(f"  error x{count}: {text}")


def drive(
    args: argparse.Namespace,
    ports: list[int],
    definitions: Path,
    folder: Path,
    webs: list[Service],
    workers: list[Worker],
) -> tuple[Environment, float, list[str]]:
    """The citizens and the chaos script, until the time is up and every journey ended."""
    global HARNESS
    HARNESS = Harness(
        [f"http://127.0.0.1:{port}" for port in ports], folder / "outbox", args.seconds, args.think
    )
    HARNESS.plan(definitions)
    HARNESS.started = time.monotonic()
    HARNESS.deadline = HARNESS.started + args.seconds
    HARNESS.hard_stop = HARNESS.deadline + 90
    environment = Environment(user_classes=[Citizen])
    runner = environment.create_local_runner()
    runner.start(args.users, spawn_rate=max(1, args.users / 5))
    postgres = Postgres() if os.environ.get("TEST_DATABASE_URL") else None
    killing = gevent.spawn(chaos, args.seconds, webs, workers, postgres)
    print(f"{len(webs)} web process(es), {len(workers)} worker(s); citizens started", flush=True)
    while time.monotonic() < HARNESS.hard_stop and (
        time.monotonic() < HARNESS.deadline or runner.user_count > 0
    ):
        gevent.sleep(0.5)
    ran_for = time.monotonic() - HARNESS.started
    runner.quit()
    try:
        log = killing.get()
    except BaseException as error:  # noqa: BLE001 (say it in the report; stop the rest)
        log = [f"the chaos script failed: {error!r}"]
    log.append(drain(args.drain))
    for process in [*webs, *workers]:
        process.stop()
    return environment, ran_for, log


def drain(most: float) -> str:
    """Wait for the jobs the citizens caused (a killed worker's are put back after a
    minute without its heartbeat), at most `most` seconds."""
    store = Store(os.environ["LOADTEST_DATABASE_URL"])
    started = time.monotonic()
    try:
        while (left := store.queued_job_count()) and time.monotonic() < started + most:
            gevent.sleep(1)
    finally:
        store.engine.dispose()
    waited = time.monotonic() - started
    return f"after the citizens: {left} job(s) left waiting or running after {waited:.0f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--think", type=float, default=0.15, help="mean seconds on a page")
    parser.add_argument(
        "--drain", type=float, default=180, help="most seconds to wait for the jobs at the end"
    )
    args = parser.parse_args()
    url = os.environ.get("TEST_DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="forms-load-") as tmp:
        folder = Path(tmp)
        definitions = folder / "definitions"
        shutil.copytree(ROOT / "form_definitions", definitions)
        # Every submission also goes to a webhook on loopback and a team notice: the jobs
        # whose doubles or losses the run counts.
        hook_secret = secrets.token_urlsafe(32)
        receiver = load.HookReceiver(hook_secret)
        for form_id in FORMS:
            with (definitions / f"{form_id}.yaml").open("a", encoding="utf-8") as file:
                file.write(
                    f"\nnotify_email: {TEAM}\nwebhooks:\n"
                    f"  - url: http://127.0.0.1:{receiver.port}/hook\n"
                    "    secret_env: LOADTEST_WEBHOOK_SECRET\n"
                )
        database = url or f"sqlite:///{folder / 'forms.db'}"
        ports = [free_port(), free_port()] if url else [free_port()]
        env = {
            **os.environ,
            "FORMS_SERVICE_ENV": "development",
            "FORMS_INSTANCE_PATH": str(folder),
            "FORMS_DEFINITIONS_DIR": str(definitions),
            "DATABASE_URL": database,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "SERVICE_URL": f"http://127.0.0.1:{ports[0]}",
            "SMTP_HOST": "",  # emails go to the outbox folder, where the test reads them
            "DRAFTS_PER_IP": "1000000",  # every citizen comes from 127.0.0.1
            "RESUME_LINKS_PER_IP": "1000000",
            "RESUME_TOKEN_ATTEMPTS_PER_IP": "1000000",
            "PYTHONPATH": str(ROOT),
            "WEBHOOKS_ALLOW_PRIVATE": "1",  # the receiver is on loopback (not production)
            "LOADTEST_WEBHOOK_SECRET": hook_secret,
        }
        os.environ.update({k: env[k] for k in ("FORMS_SERVICE_ENV", "FORMS_INSTANCE_PATH")})
        os.environ["LOADTEST_DATABASE_URL"] = database
        subprocess.run([str(BIN / "forms-service"), "init-db"], env=env, check=True, cwd=ROOT)
        webs = [
            Service(
                {**env, "PORT": str(port)},
                port,
                ROOT,
                workers=1,
                threads=6 if url else 8,
                log=folder / f"web-{n}.log",
            )
            for n, port in enumerate(ports, 1)
        ]
        workers = [Worker(env, folder / f"worker-{n}.log") for n in (1, 2)] if url else []
        try:
            for process in [*webs, *workers]:
                process.start()
            environment, ran_for, log = drive(args, ports, definitions, folder, webs, workers)
        finally:
            for process in [*webs, *workers]:  # whatever went wrong, leave nothing running
                with contextlib.suppress(ProcessLookupError):
                    process.kill_all()

        store = Store(database)
        figures = load.figures(store, list(FORMS), HARNESS.told)
        figures.update(load.job_figures(store, folder / "outbox", HARNESS.told))
        figures.update(
            load.webhook_figures(store, list(FORMS), receiver.accepted, folder / "outbox", TEAM)
        )
        receiver.close()
        store.engine.dispose()
        kind = "PostgreSQL, 2 web processes, 2 workers" if url else "SQLite, 1 web process"
        print(f"\nLoad test on {kind}: {args.seconds:.0f} s, {args.users} citizens at once")
        print("\n".join(log))
        report(environment, ran_for)
        print(f"  {'webhook: deliveries accepted (by id)':60} {len(receiver.accepted)}")
        print(f"  {'webhook: answered 500 on purpose (then retried)':60} {receiver.refused}")
        print(f"  {'webhook: bad signatures':60} {receiver.bad_signatures}")
        for what, count in sorted(HARNESS.events.items()):
            print(f"  {what:60} {count}")
        print(f"  {'answers acknowledged':60} {HARNESS.told.acknowledged_count}")
        print(f"  {'journeys that failed':60} {len(HARNESS.failures)}")
        for failure in HARNESS.failures[:10]:
            print(f"    {failure}")
        logs = [*folder.glob("web-*.log"), *folder.glob("worker-*.log")]
        kept = ROOT / "instance" / f"loadtest-{'postgresql' if url else 'sqlite'}"
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir(parents=True)
        for path in logs:  # the run's folder goes: its logs stay for reading
            shutil.copy(path, kept / path.name)
        text = "\n".join(path.read_text(errors="replace") for path in logs)
        print(
            f"  {'tracebacks in the web and worker logs (' + str(kept.relative_to(ROOT)) + ')':60}"
            f" {text.count('Traceback')}"
        )
        raised = Counter(EXCEPTION.findall(text))
        for name, count in raised.most_common(6):
            print(f"    {name} x{count}")
        print("From the database:")
        for what, count in figures.items():
            flag = "  (must be 0)" if what in load.MUST_BE_ZERO else ""
            print(f"  {what:60} {count}{flag}")
        bad = any(figures[what] for what in load.MUST_BE_ZERO)
        return 1 if bad or not HARNESS.told.seen else 0


if __name__ == "__main__":
    sys.exit(main())
