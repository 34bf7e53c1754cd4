"""Crash-load test: simulated citizens fill in and submit a form against gunicorn on
127.0.0.1 while its workers, and then the master, are killed with SIGKILL; afterwards the
database is read to count what a crash lost or doubled. Every figure should be 0.

    .venv/bin/python scripts/loadtest_crash.py [--seconds 60] [--citizens 16]
    DATABASE_URL=postgresql://... .venv/bin/python scripts/loadtest_crash.py   (PostgreSQL)

`make loadtest-crash` runs it on SQLite and on a throwaway PostgreSQL server. Half the
citizens use two tabs: both save the first page at once, then change different answers at
the same time, then both press Submit (a double click). A request that fails because the
server is down is retried, as a person would press the button again.
"""

from __future__ import annotations

# ruff: noqa: S311, S603, S607 (a test driver: its random numbers and commands are its own)
import argparse
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forms_service.clock import utcnow  # noqa: E402
from forms_service.data import Store  # noqa: E402
from forms_service.sessions import session_key  # noqa: E402

FORM = "crash-load"
PAGES = [f"page-{n}" for n in range(1, 7)]
DEFINITION = f"id: {FORM}\nversion: 1\ntitle: Crash load\npages:\n" + "".join(
    f"  - id: {page}\n    questions:\n      - {{id: q{n}, type: text, label: Question {n}}}\n"
    for n, page in enumerate(PAGES, 1)
)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REFERENCE = re.compile(r"\b[A-Z]{2,4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")
COOKIE = "forms_session"


class Results:
    """What the citizens were told: answers acknowledged as saved, references shown."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acknowledged: dict[str, dict[str, str]] = {}  # cookie -> page -> value
        self.seen: set[str] = set()
        self.sent_to_start = 0
        self.journeys = 0
        self.retries = 0
        self.errors: list[str] = []

    def ack(self, cookie: str, page: str, value: str) -> None:
        with self.lock:
            self.acknowledged.setdefault(cookie, {})[page] = value


class Tab:
    """One browser tab: retries a request until the server answers it."""

    def __init__(self, base: str, results: Results, deadline: float, cookies=None) -> None:
        self.http = httpx.Client(base_url=base, timeout=20, cookies=cookies)
        self.results = results
        self.deadline = deadline
        self.csrf = ""

    def request(self, method: str, path: str, data: dict | None = None) -> httpx.Response | None:
        for attempt in range(60):
            try:
                if method == "GET":
                    response = self.http.get(path)
                    found = CSRF.search(response.text)
                    if found:
                        self.csrf = found.group(1)
                else:
                    response = self.http.post(path, data={"csrf_token": self.csrf, **(data or {})})
                if response.status_code < 500:
                    return response
            except httpx.TransportError:
                pass
            if time.monotonic() > self.deadline + 30:
                return None
            with self.results.lock:
                self.results.retries += 1
            time.sleep(min(2.0, 0.2 * (attempt + 1)))
        return None

    def save(self, page: str, value: str, change: bool = False) -> None:
        n = PAGES.index(page) + 1
        path = f"/{FORM}/{page}" + ("?change=1" if change else "")
        response = self.request("POST", path, {f"q{n}": value})
        if response is not None and response.status_code == 302:
            self.results.ack(self.cookie, page, value)
        elif response is not None:
            self.results.errors.append(f"saving {page}: {response.status_code}")

    def change(self, pages: list[str], value: str) -> None:
        for page in pages:
            self.save(page, value, change=True)

    def submit(self) -> None:
        response = self.request("POST", f"/{FORM}/check-your-answers")
        if response is None:
            return
        if response.headers.get("location") != f"/{FORM}/confirmation":
            with self.results.lock:
                self.results.sent_to_start += 1
            return
        page = self.request("GET", f"/{FORM}/confirmation")
        found = REFERENCE.search(page.text) if page is not None else None
        if found:
            with self.results.lock:
                self.results.seen.add(found.group(0))

    @property
    def cookie(self) -> str:
        return self.http.cookies.get(COOKIE, "")


def both(*calls: Callable[[], None]) -> None:
    start = threading.Barrier(len(calls))
    threads = [threading.Thread(target=lambda c=c: (start.wait(), c())) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def citizen(number: int, base: str, results: Results, deadline: float) -> None:
    journey = 0
    while time.monotonic() < deadline:
        journey += 1
        value = f"c{number}j{journey}"
        one = Tab(base, results, deadline)
        if one.request("GET", f"/{FORM}/{PAGES[0]}") is None:
            return
        two_tabs = number % 2 == 0
        two = Tab(base, results, deadline, cookies=one.http.cookies) if two_tabs else None
        if two is not None:
            two.csrf = one.csrf
            both(partial(one.save, PAGES[0], value), partial(two.save, PAGES[0], value))
        else:
            one.save(PAGES[0], value)
        for page in PAGES[1:]:
            one.save(page, f"{value}-{page}")
        for round_ in range(3):
            if two is not None:
                both(
                    partial(one.change, PAGES[0::2], f"{value}-1-{round_}"),
                    partial(two.change, PAGES[1::2], f"{value}-2-{round_}"),
                )
            else:
                one.save(PAGES[round_], f"{value}-r{round_}", True)
        one.request("GET", f"/{FORM}/check-your-answers")
        if two is not None:
            both(one.submit, two.submit)
        else:
            one.submit()
        with results.lock:
            results.journeys += 1
        one.http.close()
        if two is not None:
            two.http.close()


class ProcessGroup:
    """A process started in its own process group, so it can be killed whole."""

    process: subprocess.Popen | None = None

    def kill_all(self) -> None:
        """The process and its children, all at once (a machine or container dying)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


class Service(ProcessGroup):
    """gunicorn on loopback, started in its own process group so it can be killed whole."""

    def __init__(
        self,
        env: dict[str, str],
        port: int,
        code: Path,
        workers: int = 2,
        threads: int = 4,
        log: Path | None = None,
    ) -> None:
        self.env, self.port, self.code = env, port, code
        self.workers_, self.threads, self.log = workers, threads, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        out = self.log.open("ab") if self.log is not None else None
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--preload",
                "--workers",
                str(self.workers_),
                "--threads",
                str(self.threads),
                "--log-level",
                "warning",
                "forms_service:create_app()",
            ],
            env=self.env,
            cwd=self.code,
            start_new_session=True,
            stdout=out,
            stderr=out,
        )
        if out is not None:
            out.close()  # the child has its own copy
        for _ in range(600):  # a minute: loading the definitions is slow on a busy machine
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("gunicorn did not start")

    def workers(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]

    def kill_worker(self) -> None:
        workers = self.workers()
        if workers:
            os.kill(random.choice(workers), signal.SIGKILL)


def killer(
    service: Service, start: float, seconds: float, stop: threading.Event, log: list
) -> None:
    master_killed = False
    while not stop.wait(random.uniform(4, 8)):
        elapsed = time.monotonic() - start
        if elapsed > seconds:
            return
        if not master_killed and elapsed > seconds / 2:
            service.kill_all()
            log.append(f"{elapsed:5.1f}s  SIGKILL master and workers; restarting")
            time.sleep(1)
            service.start()
            master_killed = True
        else:
            service.kill_worker()
            log.append(f"{elapsed:5.1f}s  SIGKILL a worker")


def lost_answers(store: Store, results: Results) -> int:
    """Answers a citizen was told were saved that the database no longer has."""
    lost = 0
    for cookie, pages in results.acknowledged.items():
        key = session_key(cookie)
        draft = store.find_draft(key, FORM)
        submission = store.session_submission(key, FORM)
        answers = (draft.answers if draft else None) or (submission.answers if submission else {})
        for page, value in pages.items():
            n = PAGES.index(page) + 1
            # A draft keeps raw answers page by page; a submission typed ones by question.
            kept = (answers.get(page) or {}).get(f"q{n}") if draft else answers.get(f"q{n}")
            if kept != value:
                lost += 1
    return lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--citizens", type=int, default=16)
    parser.add_argument(
        "--code",
        type=Path,
        default=ROOT,
        help="serve the checkout in this folder (to measure "
        "an older commit: git worktree add /tmp/old <commit>); the checks use this one's",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="forms-crash-") as tmp:
        folder = Path(tmp)
        (folder / "definitions").mkdir()
        (folder / "definitions" / f"{FORM}.yaml").write_text(DEFINITION)
        database = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'forms.db'}"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {
            **os.environ,
            "FORMS_SERVICE_ENV": "development",
            "FORMS_INSTANCE_PATH": str(folder),
            "FORMS_DEFINITIONS_DIR": str(folder / "definitions"),
            "DATABASE_URL": database,
            "SERVICE_URL": f"http://127.0.0.1:{port}",
            "PORT": str(port),
            "PYTHONPATH": str(args.code.resolve()),
        }
        service = Service(env, port, args.code.resolve())
        service.start()
        results, log, stop = Results(), [], threading.Event()
        start = time.monotonic()
        deadline = start + args.seconds
        base = f"http://127.0.0.1:{port}"
        crowd = [
            threading.Thread(target=citizen, args=(n, base, results, deadline))
            for n in range(args.citizens)
        ]
        chaos = threading.Thread(target=killer, args=(service, start, args.seconds, stop, log))
        for thread in [*crowd, chaos]:
            thread.start()
        for thread in crowd:
            thread.join()
        stop.set()
        chaos.join()
        service.stop()

        # The answers keys the service made in its instance folder open the answers here too.
        os.environ.update({k: env[k] for k in ("FORMS_SERVICE_ENV", "FORMS_INSTANCE_PATH")})
        store = Store(env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))
        references = store.references(FORM)
        figures = {
            "acknowledged answers lost": lost_answers(store, results),
            "sessions with two open drafts": store.sessions_with_two_open_drafts(),
            "submissions whose citizen never saw the reference": len(references - results.seen),
            "duplicate submissions (a session sending twice)": store.sessions_with_two_submissions(
                FORM
            ),
        }
        store.engine.dispose()
        kind = "PostgreSQL" if "postgresql" in database else "SQLite"
        print(f"\nCrash-load test on {kind}, {args.seconds:.0f} s, {args.citizens} citizens")
        print("\n".join(log))
        print(
            f"journeys {results.journeys}, submissions {len(references)}, answers acknowledged "
            f"{sum(map(len, results.acknowledged.values()))}, retried requests "
            f"{results.retries}, sent to the start page after Submit {results.sent_to_start}"
        )
        for label, value in figures.items():
            print(f"  {label:55} {value}")
        for error in results.errors[:10]:
            print("  unexpected answer:", error)
        print(f"finished {utcnow():%H:%M:%S}")
        return 1 if any(figures.values()) or results.errors or not results.journeys else 0


if __name__ == "__main__":
    sys.exit(main())
