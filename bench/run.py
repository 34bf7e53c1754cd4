"""Benchmark of forms_service: request latency next to a bare Flask baseline, and start-up.

Run from the project root: `make bench`, or `.venv/bin/python bench/run.py [--n 300]`.
`--profile` prints instead a cProfile of the page GET (the app's own functions, by
cumulative time), `--profile post` one of its valid POST; `--only pages` prints only the
request rows (a quick check of a change to a page's cost). Everything runs in this one
process through Flask's test client, so the figures measure the application (WSGI call,
routing, database, templates), never sockets.

What the figures mean
---------------------
Requests (milliseconds per request, median and 95th percentile over N timed requests,
after a warm-up; the app and the baseline take turns request by request so both see the
same machine load):

* GET question page: `GET /prison-visit-booking/prisoner` (the form's first question page:
  two text inputs, a date, a text input with hint, a 41-option select) by a citizen whose
  browser session exists but who has not saved an answer yet.
* POST + redirect: a valid POST of that page (answers saved, 302 to the next page) plus the
  GET of the next page, `visit-first-choice`, which the browser makes straight after.
  Indented rows split the two.

The baseline (bench/baseline.py) is a minimal Flask app in the same process with the same
Jinja loaders and settings and Flask-WTF CSRF protection (on Flask's signed-cookie
session). It renders the same GOV.UK template and macros with fixed parameters, and its
POST validates one field with WTForms and redirects. Before timing, the run checks that the
baseline's HTML is the app's HTML with only the CSP nonce and CSRF token masked.

app/baseline ratio: how many times longer the app takes than the bare rendering of the same
page. 1.0x would mean the definitions, journey, server-side session, database and
translations cost nothing; whatever is above 1.0x is the price of those. The POST row has
the largest ratio by construction: the baseline checks one field and stores nothing, the
app checks every question and saves the draft in the database. A ratio moving
between runs on the same machine is a change in the app; the absolute milliseconds depend
on the machine and say little on their own.

Start-up (milliseconds, median of several runs, min and max beside it):

* create_app, 3 forms: the real form_definitions/ folder, database schema already created;
  "of which load_definitions" is the part spent in forms_service.definitions.loader's
  load_definitions (timed by wrapping the function for the call, not by changing it).
  create_app keeps checked definitions in the instance folder (definitions/cache.py), so
  every run after the run's first takes unchanged files from there, as a restarted worker.
* first GET on a new app: the first page request after create_app, which loads (compiles,
  or reads from a cache) the Jinja templates; every new worker process pays it once. "instance
  folder kept" is a restarted worker: the app's instance folder (database, and whatever the
  app caches there, such as compiled templates) is the one earlier apps of the run used.
  "empty instance folder" is a worker on a new machine or container: nothing on disk yet.
* create_app, 300 forms: 100 copies of each definition, each with its own `id`, all
  checked to load without problems, and the part of it spent in load_definitions. Runs
  past SLOW_STARTUP_BUDGET_S are not repeated, so these rows may be one run (see "runs").
  The first run fills the definition cache (a cold start); later runs find it filled,
  so a row of one run is the cold figure and the median of several is the warm one.
* 100 definitions load: load_definitions alone on 100 copies of the real definitions
  (taking turns, each with its own `id`, the paper PDFs beside them), with the cache
  create_app uses: "cold" with an empty cache (a new machine, or every file changed; the
  process has read definitions before, as in a worker), "warm" with the one the cold
  run filled (a restarted or added worker). The target is under 1 s.

Performance dashboard (bench/dashboard.py): a fresh SQLite database filled by
`forms-service demo-data` (100,000 journeys over 90 days), then build_report for all forms
and for each form (last 90 and 30 days) and the CSV of all figures, each timed: median and
p95 against the absolute 200 ms target ("met"/"not met"). The same on PostgreSQL when
TEST_DATABASE_URL names one (`scripts/with-postgres.sh .venv/bin/python bench/run.py --only
dashboard`); otherwise a line says it was skipped. `--only dashboard` prints this part only.

The header gives the machine (cores, CPU, Python and library versions) and the load
average before and after the run: on a machine busy with other work (tests, browsers) every
figure is inflated and the p95 most of all, so compare runs made at a similar load.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

from baseline import create_baseline_app
from casework import bench_inbox, bench_pdf, bench_sealing
from dashboard import bench_dashboard
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from forms_service import create_app
from forms_service.data.sealing import AnswerKeys, new_key_setting
from forms_service.definitions import loader
from forms_service.definitions.cache import DefinitionCache

PROJECT = Path(__file__).resolve().parent.parent
DEFINITIONS = PROJECT / "form_definitions"
FORM_ID = "prison-visit-booking"
PAGE = f"/{FORM_ID}/prisoner"
NEXT_PAGE = f"/{FORM_ID}/visit-first-choice"
ANSWERS = {
    "prisoner_first_name": "Ann",
    "prisoner_last_name": "Smith",
    "prisoner_dob-day": "1",
    "prisoner_dob-month": "2",
    "prisoner_dob-year": "1980",
    "prisoner_number": "A1234BC",
    "prison": "bedford",
}
SECRET_KEY = "x" * 32
LABEL = 52  # width of the first column of the tables
STARTUP_RUNS = 5
COPIES = 100
HUNDRED = 100  # definitions in the "100 definitions load" rows
SLOW_STARTUP_BUDGET_S = 20.0  # repeat the 300-form start-up only while under this

CSRF_INPUT = re.compile(r'((?:name="csrf_token" value|data-csrf-token)=")([^"]+)(")')
NONCE = re.compile(r'(nonce=")([^"]+)(")')
TOP_LEVEL_ID = re.compile(r"^id:[ \t]*(\S+)[ \t]*$", re.MULTILINE)


# -- measuring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Samples in nanoseconds, reported in milliseconds."""

    samples_ns: list[int]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ns) / 1e6

    @property
    def p95_ms(self) -> float:
        if len(self.samples_ns) < 2:
            return self.samples_ns[0] / 1e6
        # 19 cut points split the samples into 20 groups; the last one is the 95th percentile.
        return statistics.quantiles(self.samples_ns, n=20, method="inclusive")[-1] / 1e6

    @property
    def min_ms(self) -> float:
        return min(self.samples_ns) / 1e6

    @property
    def max_ms(self) -> float:
        return max(self.samples_ns) / 1e6


@dataclass(frozen=True)
class Step:
    """One request of a measured case and the status it must answer with."""

    name: str
    send: Callable[[], TestResponse]
    status: int
    location: str | None = None  # for redirects: where it must point


def check(step: Step, response: TestResponse) -> None:
    if response.status_code != step.status:
        sys.exit(
            f"{step.name}: expected {step.status}, got {response.status_code}\n"
            f"{response.get_data(as_text=True)[:2000]}"
        )
    if step.location is not None and response.headers.get("Location") != step.location:
        sys.exit(
            f"{step.name}: redirected to {response.headers.get('Location')!r}, "
            f"expected {step.location!r}"
        )


def measure(cases: dict[str, list[Step]], n: int, warmup: int) -> dict[str, dict[str, Timing]]:
    """Time every step of every case n times, the cases taking turns (first one alternating).

    Returns per case the timing of each step and of the whole case under "total".
    """
    names = list(cases)
    for _ in range(warmup):
        for name in names:
            for step in cases[name]:
                check(step, step.send())
    samples: dict[str, dict[str, list[int]]] = {
        name: {step.name: [] for step in cases[name]} | {"total": []} for name in names
    }
    gc.collect()
    for i in range(n):
        for name in names if i % 2 == 0 else reversed(names):
            total = 0
            for step in cases[name]:
                start = time.perf_counter_ns()
                response = step.send()
                elapsed = time.perf_counter_ns() - start
                check(step, response)
                samples[name][step.name].append(elapsed)
                total += elapsed
            samples[name]["total"].append(total)
    return {name: {k: Timing(v) for k, v in steps.items()} for name, steps in samples.items()}


def timed(fn: Callable[[], Any]) -> tuple[int, Any]:
    start = time.perf_counter_ns()
    result = fn()
    return time.perf_counter_ns() - start, result


# -- the apps ---------------------------------------------------------------------------------


def app_config(tmp: Path, definitions: Path) -> dict[str, Any]:
    return {
        "ENV_NAME": "test",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "INSTANCE_PATH": tmp,
        "FORMS_DEFINITIONS_DIR": definitions,
    }


def dispose(app: Flask) -> None:
    app.extensions["store"].engine.dispose()


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    if match is None:
        sys.exit("no csrf_token input in the page")
    return match.group(2)


def masked(html: str) -> str:
    """The page with the per-request values (CSP nonce, CSRF token) replaced by a marker."""
    return NONCE.sub(r"\1…\3", CSRF_INPUT.sub(r"\1…\3", html))


def first_difference(left: str, right: str) -> str | None:
    for number, (a, b) in enumerate(zip(left.splitlines(), right.splitlines(), strict=False), 1):
        if a != b:
            return f"line {number}: app {a.strip()[:60]!r} / baseline {b.strip()[:60]!r}"
    if len(left.splitlines()) != len(right.splitlines()):
        return "one page is longer than the other"
    return None


def page_session(client: FlaskClient) -> str:
    """Open the question page once (creating the session) and return its CSRF token."""
    response = client.get(PAGE)
    if response.status_code != 200:
        sys.exit(f"GET {PAGE}: {response.status_code} (is {FORM_ID} in form_definitions/?)")
    return csrf_token(response.get_data(as_text=True))


def same_html(app_client: FlaskClient, base_client: FlaskClient, path: str) -> str:
    """'same', or where the baseline's page departs from the app's."""
    app_html = masked(app_client.get(path).get_data(as_text=True))
    base_html = masked(base_client.get(path).get_data(as_text=True))
    if app_html == base_html:
        return "same"
    where = first_difference(app_html, base_html) or "?"
    return f"DIFFERENT ({where}) - the baseline no longer matches; update bench/baseline.py"


# -- start-up ---------------------------------------------------------------------------------


def copy_definitions(target: Path, copies: int) -> int:
    """Write `copies` copies of every definition, each with its own form id; return the count.

    The paper PDFs the definitions name (`paper_form: file:`, relative to their folder) are
    copied beside them, so the copies load as the originals do."""
    for folder in (p for p in DEFINITIONS.iterdir() if p.is_dir()):
        shutil.copytree(folder, target / folder.name)
    count = 0
    for source in loader.definition_files([DEFINITIONS]):
        text = source.read_text(encoding="utf-8")
        if not TOP_LEVEL_ID.search(text):
            sys.exit(f"{source}: no top-level 'id:' line to rewrite")
        for i in range(copies):
            new = TOP_LEVEL_ID.sub(lambda m, i=i: f"id: {m.group(1)}-copy-{i:03d}", text, count=1)
            (target / f"{source.stem}-copy-{i:03d}{source.suffix}").write_text(new, "utf-8")
            count += 1
    return count


@contextmanager
def timing_load_definitions() -> Iterator[list[int]]:
    """Time each call create_app makes to load_definitions (wrapped, not changed).

    The wrapper replaces the function in every forms_service module that imported it, so
    it works wherever create_app lives; call after create_app has run once (imports done).
    """
    original = loader.load_definitions
    holders = [
        module
        for name, module in list(sys.modules.items())
        if name.partition(".")[0] == "forms_service"
        and name != loader.__name__
        and getattr(module, "load_definitions", None) is original
    ]
    calls: list[int] = []

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        elapsed, result = timed(lambda: original(*args, **kwargs))
        calls.append(elapsed)
        return result

    for module in holders:
        module.load_definitions = wrapper
    try:
        yield calls
    finally:
        for module in holders:
            module.load_definitions = original


def startup(
    tmp: Path,
    definitions: Path,
    runs: int,
    expect: int,
    *,
    budget_s: float | None = None,
) -> dict[str, Timing]:
    """Time create_app `runs` times (fewer if over budget) and check every form loaded."""
    rows: dict[str, list[int]] = {"create_app": [], "load_definitions": []}
    spent = 0
    for _ in range(runs):
        with timing_load_definitions() as loads:
            elapsed, app = timed(lambda: create_app(app_config(tmp, definitions)))
        forms, problems = app.extensions["forms"], app.extensions["definition_problems"]
        if len(forms) != expect or problems:
            sys.exit(
                f"{definitions}: {len(forms)} forms loaded, {expect} expected; "
                f"problems: {[str(p) for p in problems[:5]]}"
            )
        rows["create_app"].append(elapsed)
        rows["load_definitions"].extend(loads)
        dispose(app)
        del app
        gc.collect()
        spent += elapsed
        if budget_s is not None and spent / 1e9 > budget_s:
            break
    return {name: Timing(samples) for name, samples in rows.items() if samples}


def first_get(tmp: Path, runs: int) -> dict[str, Timing]:
    """The first page request of a new app, in the instance folder used so far ("kept") and
    in an empty one ("empty"): whatever the app keeps there (database, caches) is missing."""
    rows: dict[str, list[int]] = {"kept": [], "empty": []}
    for i in range(runs):
        for kind, instance in (("kept", tmp), ("empty", tmp / f"empty-{i}")):
            app = create_app(app_config(instance, DEFINITIONS))
            elapsed, response = timed(lambda app=app: app.test_client().get(PAGE))
            if response.status_code != 200:
                sys.exit(f"first GET {PAGE} on a new app: {response.status_code}")
            rows[kind].append(elapsed)
            dispose(app)
    return {kind: Timing(samples) for kind, samples in rows.items()}


# -- report -----------------------------------------------------------------------------------


def load_average() -> str:
    if not hasattr(os, "getloadavg"):
        return "?"
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def machine(load_before: str) -> list[str]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    model = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    packages = ", ".join(
        f"{p} {version(p)}" for p in ("flask", "werkzeug", "jinja2", "sqlalchemy", "pyyaml")
    )
    return [
        f"Machine: {os.cpu_count()} cores ({usable} usable), {model}, {platform.platform()}",
        f"Python:  {platform.python_implementation()} {platform.python_version()}; {packages}",
        f"Load average (1, 5, 15 min) at start {load_before}, at end {load_average()}; "
        "above ~0.5 per core, other processes share the CPU and the figures are noisy.",
    ]


def ratio(app: float, base: float) -> str:
    return f"{app / base:.1f}x" if base > 0 else "-"


def request_table(rows: list[tuple[str, Timing, Timing | None]]) -> list[str]:
    columns = f"{'median':>9}{'p95':>8}{'median':>10}{'p95':>8}{'median':>10}{'p95':>8}"
    lines = [
        f"{'Requests (ms)':<{LABEL}}{'app':>17}{'baseline':>18}{'app/baseline':>18}",
        f"{'':<{LABEL}}{columns}",
    ]
    for label, app, base in rows:
        line = f"{label:<{LABEL}}{app.median_ms:>9.2f}{app.p95_ms:>8.2f}"
        if base is not None:
            line += f"{base.median_ms:>10.2f}{base.p95_ms:>8.2f}"
            line += f"{ratio(app.median_ms, base.median_ms):>10}{ratio(app.p95_ms, base.p95_ms):>8}"
        lines.append(line)
    return lines


def startup_table(rows: list[tuple[str, Timing]]) -> list[str]:
    lines = [f"{'Start-up (ms)':<{LABEL}}{'runs':>6}{'median':>10}{'min':>10}{'max':>10}"]
    for label, timing in rows:
        lines.append(
            f"{label:<{LABEL}}{len(timing.samples_ns):>6}{timing.median_ms:>10.1f}"
            f"{timing.min_ms:>10.1f}{timing.max_ms:>10.1f}"
        )
    return lines


# -- main -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestResults:
    get: dict[str, dict[str, Timing]]
    post: dict[str, dict[str, Timing]]
    same_page: str
    same_next: str
    events: dict[str, dict[str, Timing]]


def bench_requests(tmp: Path, n: int, warmup: int) -> RequestResults:
    app = create_app(app_config(tmp, DEFINITIONS))
    base = create_baseline_app(DEFINITIONS / f"{FORM_ID}.yaml", SECRET_KEY)

    # 1. The question page, for a citizen with a session and no answers yet.
    app_get, base_get = app.test_client(), base.test_client()
    page_session(app_get)
    page_session(base_get)
    same_page = same_html(app_get, base_get, PAGE)
    get = measure(
        {
            "app": [Step("GET", lambda: app_get.get(PAGE), 200)],
            "baseline": [Step("GET", lambda: base_get.get(PAGE), 200)],
        },
        n,
        warmup,
    )

    # 2. A valid POST of that page (302 to the next page) and the GET of the next page.
    app_post, base_post = app.test_client(), base.test_client()
    app_data = {**ANSWERS, "csrf_token": page_session(app_post)}
    base_data = {**ANSWERS, "csrf_token": page_session(base_post)}
    app_post.post(PAGE, data=app_data)  # the draft now exists, the next page is reachable
    same_next = same_html(app_post, base_post, NEXT_PAGE)

    def steps(client: FlaskClient, data: dict[str, str]) -> list[Step]:
        return [
            Step("POST", lambda: client.post(PAGE, data=data), 302, NEXT_PAGE),
            Step("GET next", lambda: client.get(NEXT_PAGE), 200),
        ]

    post = measure(
        {"app": steps(app_post, app_data), "baseline": steps(base_post, base_data)}, n, warmup
    )
    events = bench_events(app, tmp / "no-events", n, warmup)
    dispose(app)
    return RequestResults(get, post, same_page, same_next, events)


def bench_events(app: Flask, tmp: Path, n: int, warmup: int) -> dict[str, dict[str, Timing]]:
    """The same valid POST on the app and on an app with PERFORMANCE_EVENTS off: what
    writing its journey events (page_saved, and the next page's page_shown) adds."""
    tmp.mkdir()
    quiet = create_app({**app_config(tmp, DEFINITIONS), "PERFORMANCE_EVENTS": False})
    clients = {"events on": app.test_client(), "events off": quiet.test_client()}
    cases = {}
    for name, client in clients.items():
        data = {**ANSWERS, "csrf_token": page_session(client)}
        client.post(PAGE, data=data)
        cases[name] = [
            Step("POST", partial(client.post, PAGE, data=data), 302, NEXT_PAGE),
            Step("GET next", partial(client.get, NEXT_PAGE), 200),
        ]
    timings = measure(cases, n, warmup)
    dispose(quiet)
    return timings


def event_rows(events: dict[str, dict[str, Timing]]) -> list[str]:
    """What the performance events add to a page POST and to the next page (target: under
    1 ms added to a POST), the median of each against the same app with events off."""
    rows = ["Performance events (the same app with PERFORMANCE_EVENTS off, same run):"]
    for step, label in (("POST", "page POST"), ("GET next", "next page GET")):
        on, off = events["events on"][step], events["events off"][step]
        added = on.median_ms - off.median_ms
        verdict = f" (target < 1 ms: {'met' if added < 1 else 'not met'})" if step == "POST" else ""
        rows.append(
            f"  {label}: {on.median_ms:.2f} ms with, {off.median_ms:.2f} ms without: "
            f"{added:+.2f} ms{verdict}"
        )
    return rows


def hundred_definitions(target: Path, total: int = HUNDRED) -> None:
    """`total` copies of the real definitions (taking turns), each with its own form id,
    with the paper PDFs they name beside them."""
    target.mkdir()
    for folder in (p for p in DEFINITIONS.iterdir() if p.is_dir()):
        shutil.copytree(folder, target / folder.name)
    sources = [(s, s.read_text(encoding="utf-8")) for s in loader.definition_files([DEFINITIONS])]
    for i in range(total):
        source, text = sources[i % len(sources)]
        new = TOP_LEVEL_ID.sub(lambda m, i=i: f"id: {m.group(1)}-n{i:03d}", text, count=1)
        (target / f"{source.stem}-n{i:03d}{source.suffix}").write_text(new, "utf-8")


def bench_hundred(tmp: Path, runs: int = 3) -> dict[str, Timing]:
    """load_definitions on HUNDRED definitions with the cache create_app gives it (in the
    instance folder): "cold" with an empty cache (a new machine, or every file changed),
    "warm" with the cache the cold run filled (a restarted or added worker)."""
    folder = tmp / "hundred"
    hundred_definitions(folder)
    rows: dict[str, list[int]] = {"cold": [], "warm": []}
    for run_number in range(runs):
        cache = DefinitionCache(tmp / f"hundred-cache-{run_number}")
        for kind in ("cold", "warm"):
            gc.collect()
            elapsed, (forms, problems) = timed(
                lambda cache=cache: loader.load_definitions([folder], [], cache)
            )
            if len(forms) != HUNDRED or problems:
                sys.exit(f"{folder}: {len(forms)} of {HUNDRED} forms loaded; {problems[:3]}")
            rows[kind].append(elapsed)
    return {kind: Timing(samples) for kind, samples in rows.items()}


def bench_startup(tmp: Path) -> tuple[int, dict[str, Timing], int, dict[str, Timing]]:
    """Start-up with the three forms, then with COPIES copies of each."""
    own = len(loader.definition_files([DEFINITIONS]))
    create_app(app_config(tmp, DEFINITIONS))  # warm-up: schema created, imports done
    small = startup(tmp, DEFINITIONS, STARTUP_RUNS, expect=own)
    small |= {f"first GET, {kind}": timing for kind, timing in first_get(tmp, STARTUP_RUNS).items()}
    copies = tmp / "copies"
    copies.mkdir()
    count = copy_definitions(copies, COPIES)
    large = startup(tmp, copies, 3, expect=count, budget_s=SLOW_STARTUP_BUDGET_S)
    if "load_definitions" not in large:
        # create_app no longer calls load_definitions by that name: time it on its own.
        elapsed, _ = timed(lambda: loader.load_definitions([copies]))
        large["load_definitions"] = Timing([elapsed])
    return own, small, count, large


def bench_proofs(runs: int = 3) -> list[str]:
    """What `check`'s solver proofs cost per real form, against loading the same file (the
    baseline, measured here too), in processor time; the proofs' own bound is 2 s a form
    (forms_service.definitions.proofs.FORM_BUDGET_S)."""
    from forms_service.definitions.loader import load_form_file
    from forms_service.definitions.proofs import FORM_BUDGET_S, prove

    lines = [f"check's proofs per form, processor time (median of {runs}; bound {FORM_BUDGET_S} s)"]
    for path in sorted(DEFINITIONS.glob("*.yaml")):
        loads, proofs = [], []
        for _ in range(runs):
            started = time.process_time()
            form = load_form_file(path, [])
            loaded = time.process_time()
            findings = prove(form)
            proofs.append(time.process_time() - loaded)
            loads.append(loaded - started)
        load_s, proof_s = statistics.median(loads), statistics.median(proofs)
        lines.append(
            f"  {path.stem:<34} proofs {proof_s * 1000:7.0f} ms  load {load_s * 1000:5.0f} ms  "
            f"{ratio(proof_s, load_s)} of loading  {len(findings)} finding(s)"
        )
    return lines


def request_rows(get: dict, post: dict) -> list[str]:
    """The request rows: a page GET, and a POST with its redirect and the next GET."""
    return request_table(
        [
            ("GET question page " + PAGE, get["app"]["total"], get["baseline"]["total"]),
            ("POST + redirect + GET next page", post["app"]["total"], post["baseline"]["total"]),
            (f"  POST {PAGE} (302)", post["app"]["POST"], post["baseline"]["POST"]),
            (f"  GET {NEXT_PAGE}", post["app"]["GET next"], post["baseline"]["GET next"]),
        ]
    )


def run_pages(n: int, warmup: int) -> None:
    """Only the request rows (`--only pages`): a quick check of a change to a request's cost."""
    began, load_before = time.perf_counter(), load_average()
    with tempfile.TemporaryDirectory(prefix="forms-bench-") as name:
        requests = bench_requests(Path(name), n, warmup)
    get, post = requests.get, requests.post
    lines = [
        "forms_service benchmark, request rows only",
        *machine(load_before),
        f"N = {n} timed requests per row after {warmup} warm-up requests; app and baseline "
        "alternate request by request; Flask test client, in-process.",
        "",
        *request_rows(get, post),
        *event_rows(requests.events),
        f"Run took {time.perf_counter() - began:.0f} s.",
    ]
    print("\n".join(lines))


def run(n: int, warmup: int) -> None:
    began, load_before = time.perf_counter(), load_average()
    with tempfile.TemporaryDirectory(prefix="forms-bench-") as name:
        requests = bench_requests(Path(name), n, warmup)
        gc.collect()
        requests_done = time.perf_counter()
        own, small, count, large = bench_startup(Path(name))
        hundred = bench_hundred(Path(name))
        inbox, open_ms = bench_inbox(Path(name), DEFINITIONS, SECRET_KEY)
        keys = AnswerKeys.from_settings(new_key_setting("bench"), new_key_setting())
        sealing = bench_sealing(keys, requests.post["app"]["POST"].median_ms, open_ms)
        pdfs = bench_pdf()
        proofs = bench_proofs()
        dashboard = bench_dashboard(Path(name), DEFINITIONS, SECRET_KEY)
    finished = time.perf_counter()

    get, post = requests.get, requests.post
    lines = [
        "forms_service benchmark",
        *machine(load_before),
        f"N = {n} timed requests per row after {warmup} warm-up requests; app and baseline "
        "alternate request by request; Flask test client, in-process.",
        "",
        *request_rows(get, post),
        "Baseline HTML = app HTML (CSP nonce and CSRF token masked)?",
        f"  {PAGE}: {requests.same_page}",
        f"  {NEXT_PAGE}: {requests.same_next}",
        *event_rows(requests.events),
        "",
        *startup_table(
            [
                (f"create_app, {own} forms", small["create_app"]),
                ("  of which load_definitions", small["load_definitions"]),
                ("first GET on a new app, instance folder kept", small["first GET, kept"]),
                ("first GET on a new app, empty instance folder", small["first GET, empty"]),
                (f"create_app, {count} forms", large["create_app"]),
                (f"  of which load_definitions ({count} files)", large["load_definitions"]),
            ]
        ),
        f"  load_definitions per file: {large['load_definitions'].median_ms / count:.1f} ms",
        *startup_table(
            [
                (f"{HUNDRED} definitions load, cold (empty cache)", hundred["cold"]),
                (f"{HUNDRED} definitions load, warm (cache filled)", hundred["warm"]),
            ]
        )[1:],
        "",
        *inbox,
        "",
        *sealing,
        "",
        *pdfs,
        "",
        *proofs,
        "",
        *dashboard,
        "",
        f"Run took {finished - began:.0f} s (requests {requests_done - began:.0f} s, "
        f"start-up {finished - requests_done:.0f} s).",
    ]
    print("\n".join(lines))


def profile(n: int, warmup: int, top: int = 10, post: bool = False) -> None:
    """cProfile of n page GETs (or, with `post`, n valid POSTs of the page); the app's own
    functions, by cumulative time."""
    with tempfile.TemporaryDirectory(prefix="forms-bench-") as name:
        app = create_app(app_config(Path(name), DEFINITIONS))
        client = app.test_client()
        data = {**ANSWERS, "csrf_token": page_session(client)}

        def send() -> TestResponse:
            return client.post(PAGE, data=data) if post else client.get(PAGE)

        for _ in range(warmup):
            send()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            send()
        profiler.disable()
        dispose(app)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    # The app's Python code only: compiled templates are generators, whose every resumption
    # cProfile counts as a call.
    own_code = re.escape(str(PROJECT / "forms_service")) + "/(?!templates/)"
    stats.sort_stats("cumulative").print_stats(own_code, top)
    what = "POST" if post else "GET"
    print(
        f"cProfile of {n} x {what} {PAGE}: top {top} of the app's own functions by cumulative time"
    )
    print(out.getvalue().replace(str(PROJECT) + "/", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--n", type=int, default=300, help="timed requests per row")
    parser.add_argument("--warmup", type=int, default=30, help="untimed requests first")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="get",
        choices=["get", "post"],
        help="profile the page GET (or, with `post`, the page's valid POST) instead",
    )
    parser.add_argument(
        "--only",
        choices=["pages", "dashboard"],
        help="`pages`: only the request rows, not start-up etc.; `dashboard`: only the "
        "performance dashboard's figures over demo-data",
    )
    args = parser.parse_args()
    os.environ["FORMS_SERVICE_ENV"] = "test"
    if args.profile:
        profile(args.n, args.warmup, post=args.profile == "post")
    elif args.only == "pages":
        run_pages(args.n, args.warmup)
    elif args.only == "dashboard":
        with tempfile.TemporaryDirectory(prefix="forms-bench-") as name:
            print("\n".join(bench_dashboard(Path(name), DEFINITIONS, SECRET_KEY)))
    else:
        run(args.n, args.warmup)


if __name__ == "__main__":
    main()
