"""Caseworker figures for make bench: the inbox with 100,000 submissions in the database.

Rows are bulk-inserted (the realistic path is too slow to make 100k of); then a signed-in
admin's inbox is requested with the filters caseworkers use most. Each row of the table is
the median and p95 of the page's full request time through the Flask test client.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from forms_service import create_app
from forms_service.clock import utcnow
from forms_service.data import Draft, Submission
from forms_service.passwords import hash_password
from forms_service.statuses import STATUSES

SUBMISSIONS = 100_000
# Most people apply online; staff enter a few for them, fewer still arrive on paper.
CHANNELS, CHANNEL_SHARES = ("online", "assisted", "paper"), (94, 5, 1)
ASSISTED = {
    channel: {"staff_name": "Al Jones", "citizen_name": "Ana Silva", "method": method}
    for channel, method in (("assisted", "telephone"), ("paper", "paper"))
}
RUNS = 15
FIRST = ["Ann", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kit", "Lena"]
LAST = ["Smith", "Jones", "Patel", "Evans", "Hughes", "Khan", "Lewis", "Morgan", "Price", "Ward"]


def fill(app: Any, count: int) -> float:
    """Insert `count` submissions in batches; returns seconds taken."""
    rng = random.Random(7)
    channels = random.Random(11)  # its own draws: the other columns stay as they were
    forms = list(app.extensions["forms"].values())
    now = utcnow()
    began = time.perf_counter()
    with app.extensions["store"].engine.begin() as connection:
        for start in range(0, count, 5000):
            rows, drafts = [], []
            for n in range(start, min(start + 5000, count)):
                form = forms[n % len(forms)]
                submitted = now - datetime.timedelta(minutes=rng.randrange(0, 60 * 24 * 120))
                channel = channels.choices(CHANNELS, CHANNEL_SHARES)[0]
                drafts.append(
                    {
                        "id": n + 1,
                        "session_key": f"bench-{n}",
                        "form_id": form.id,
                        "form_version": form.version,
                        "language": "en",
                        "answers": {},
                        "created_at": submitted,
                        "updated_at": submitted,
                        "submitted_at": submitted,
                    }
                )
                rows.append(
                    {
                        "reference": f"BEN-{n:08d}",
                        "draft_id": n + 1,
                        "form_id": form.id,
                        "form_version": form.version,
                        "definition": {},
                        "answers": {},
                        "language": "en",
                        "channel": channel,
                        "started_at": submitted,
                        "submitted_at": submitted,
                        "status": rng.choice(STATUSES),
                        "due_on": (submitted + datetime.timedelta(days=5)).date(),
                        "applicant_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        "assisted": None if channel == "online" else ASSISTED[channel],
                    }
                )
            connection.execute(insert(Draft), drafts)
            connection.execute(insert(Submission), rows)
    return time.perf_counter() - began


def bench_inbox(tmp: Path, definitions: Path, secret: str) -> list[str]:
    app = create_app(
        {
            "ENV_NAME": "test",
            "SECRET_KEY": secret,
            "INSTANCE_PATH": tmp,
            "DATABASE_URL": f"sqlite:///{tmp / 'inbox.db'}",
            "FORMS_DEFINITIONS_DIR": definitions,
            "STAFF_TWO_FACTOR": "off",  # the bench measures the inbox, not the sign-in
        }
    )
    seconds = fill(app, SUBMISSIONS)
    app.extensions["store"].create_user(
        "bench@example.com", "Bench", "admin", [], hash_password("bench password 1")
    )
    client = app.test_client()
    page = client.get("/staff/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(
        "/staff/sign-in",
        data={"csrf_token": token, "email": "bench@example.com", "password": "bench password 1"},
    )
    cases = {
        "inbox, newest first": "/staff/",
        "status = received": "/staff/?status=received",
        "one form, overdue": "/staff/?form=prison-visit-booking&overdue=1",
        "search by applicant name": "/staff/?q=cara+patel",
        "search by reference": "/staff/?q=BEN-00054321",
        "sorted by name, page 100": "/staff/?sort=name&order=asc&page=100",
        "channel = assisted": "/staff/?channel=assisted",
        "channel = paper, one form": "/staff/?channel=paper&form=prison-visit-booking",
        "channel = assisted or paper, by name": "/staff/?channel=assisted&channel=paper&sort=name",
    }
    lines = [
        f"Inbox with {SUBMISSIONS:,} submissions (inserted in {seconds:.1f} s)"
        f"                      median      p95  (ms)"
    ]
    for label, url in cases.items():
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(RUNS):
            began = time.perf_counter_ns()
            client.get(url)
            times.append((time.perf_counter_ns() - began) / 1e6)
        p95 = statistics.quantiles(times, n=20)[-1]
        lines.append(f"  {label:<48} {statistics.median(times):8.1f} {p95:8.1f}")
    app.extensions["store"].engine.dispose()
    return lines


PDF_RUNS = 7


def bench_pdf() -> list[str]:
    """Each real form's largest realistic submission as a PDF, next to a minimal document.

    The large submissions are the ones the PDF tests build (every question answered,
    three items in each repeat, long free text).
    """
    import sys

    from weasyprint import HTML

    from forms_service.pdf import render_submission_pdf

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.test_pdf import submission  # the same large submissions the tests check

    static = Path(__file__).resolve().parent.parent / "forms_service" / "static"
    minimal = "<html lang='en'><head><title>x</title></head><body><p>Hello</p></body></html>"

    def median_ms(render: Any) -> float:
        render()  # warm-up: fonts and stylesheets
        times = []
        for _ in range(PDF_RUNS):
            began = time.perf_counter_ns()
            render()
            times.append((time.perf_counter_ns() - began) / 1e6)
        return statistics.median(times)

    base = median_ms(lambda: HTML(string=minimal).write_pdf(pdf_variant="pdf/ua-1"))
    lines = [f"PDF (tagged PDF/UA-1), median of {PDF_RUNS}        median ms   x minimal one-page"]
    lines.append(f"  {'WeasyPrint, minimal one-page document':<48} {base:8.1f}      1.0x")
    for form_id in (
        "prison-visit-booking",
        "criminal-injuries-compensation",
        "lasting-power-of-attorney",
    ):
        big = submission(form_id)
        ms = median_ms(
            lambda big=big: render_submission_pdf(
                big, static_folder=static, service_name="Justice forms"
            )
        )
        lines.append(f"  {form_id + ', largest realistic':<48} {ms:8.1f} {ms / base:8.1f}x")
    return lines
