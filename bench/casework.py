"""Caseworker figures for make bench: the inbox with 100,000 submissions in the database.

Rows are bulk-inserted (the realistic path is too slow to make 100k of), sealed as the
service seals them (a data key per row, the answers, name and assisted record encrypted,
the name's blind index); then a signed-in admin's inbox is requested with the filters
caseworkers use most. Each row of the table is the median and p95 of the page's full
request time through the Flask test client.

Also the cost of the encryption itself (bench_sealing): what sealing adds to a page POST
(open the draft's answers, seal them again) and to opening a submission (open its answers,
name and assisted record), for the largest realistic submission of each form, next to
the JSON encoding the same values cost without encryption and to the requests they are
part of, measured in the same run.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, update

from forms_service import create_app
from forms_service.clock import utcnow
from forms_service.data import Draft, Submission
from forms_service.data.sealing import decode, encode, field_ad, record_ad, seal, unseal
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


def sealed(keys: Any, row_id: int, scope: str, **fields: Any) -> dict[str, Any]:
    """A submission row's sealed columns, as the service writes them."""
    key, wrapped = keys.new_data_key(record_ad("submissions", row_id))
    row = {"data_key": wrapped}
    for name, (kind, value) in fields.items():
        where = field_ad("submissions", name, row_id, scope)
        row[f"{name}_sealed"] = None if value is None else seal(key, encode(kind, value), where)
    return row


def fill(app: Any, count: int) -> float:
    """Insert `count` sealed submissions in batches; returns seconds taken."""
    keys = app.extensions["store"].keys
    forms = list(app.extensions["forms"].values())
    # Each form's largest realistic answers, JSON-encoded once (sealed per row below).
    answers = {form.id: encode("json", _realistic_answers(form.id)) for form in forms}
    assisted = {channel: encode("json", record) for channel, record in ASSISTED.items()}
    rng = random.Random(7)
    channels = random.Random(11)  # its own draws: the other columns stay as they were
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
                        "created_at": submitted,
                        "updated_at": submitted,
                        "submitted_at": submitted,
                    }
                )
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                rows.append(
                    {
                        "id": n + 1,
                        "reference": f"BEN-{n:08d}",
                        "draft_id": n + 1,
                        "form_id": form.id,
                        "form_version": form.version,
                        "definition": {},
                        "language": "en",
                        "channel": channel,
                        "started_at": submitted,
                        "submitted_at": submitted,
                        "status": rng.choice(STATUSES),
                        "due_on": (submitted + datetime.timedelta(days=5)).date(),
                        "applicant_index": keys.index("applicant_name", name),
                        **sealed(
                            keys,
                            n + 1,
                            form.id,
                            answers=("bytes", answers[form.id]),
                            applicant_name=("text", name),
                            assisted=("bytes", assisted.get(channel)),
                        ),
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
    target = f"BEN-{min(54_321, SUBMISSIONS - 1):08d}"
    with app.extensions["store"].engine.begin() as connection:  # the one that is opened
        form = app.extensions["forms"][
            connection.scalar(
                Submission.__table__.select()
                .with_only_columns(Submission.form_id)
                .where(Submission.reference == target)
            )
        ]
        connection.execute(
            update(Submission)
            .where(Submission.reference == target)
            .values(definition=form.snapshot)
        )
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
        # Searches are POSTed (the term never sits in a URL).
        "search by exact applicant name (blind index)": ("/staff/", {"q": "cara patel"}),
        "search by reference": ("/staff/", {"q": target}),
        "sorted by reference, page 100": "/staff/?sort=reference&order=asc&page=100",
        "channel = assisted": "/staff/?channel=assisted",
        "channel = paper, one form": "/staff/?channel=paper&form=prison-visit-booking",
        "channel = assisted or paper, by due date": (
            "/staff/?channel=assisted&channel=paper&sort=due"
        ),
        "open a submission (its answers decrypted)": f"/staff/submissions/{target}",
    }
    lines = [
        f"Inbox with {SUBMISSIONS:,} submissions (inserted in {seconds:.1f} s)"
        f"                      median      p95  (ms)"
    ]
    medians = {}

    def fetch(case: str | tuple[str, dict]) -> Any:
        if isinstance(case, str):
            return client.get(case)
        url, search = case
        return client.post(url, data={"csrf_token": token, **search})

    for label, case in cases.items():
        page = fetch(case)
        assert page.status_code == 200, case
        if not isinstance(case, str):
            assert "BEN-" in page.get_data(as_text=True), f"{label} found nothing"
        times = []
        for _ in range(RUNS):
            began = time.perf_counter_ns()
            fetch(case)
            times.append((time.perf_counter_ns() - began) / 1e6)
        p95 = statistics.quantiles(times, n=20)[-1]
        medians[label] = statistics.median(times)
        lines.append(f"  {label:<48} {medians[label]:8.1f} {p95:8.1f}")
    app.extensions["store"].engine.dispose()
    return lines, medians["open a submission (its answers decrypted)"]


SEAL_RUNS = 2000
REAL_FORMS = ("prison-visit-booking", "criminal-injuries-compensation", "lasting-power-of-attorney")


def _realistic_answers(form_id: str) -> dict:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.test_pdf import submission  # the same large submissions the tests check

    return submission(form_id).answers


def bench_sealing(keys: Any, post_ms: float, open_ms: float) -> list[str]:
    """What encryption adds to a page POST and to opening a submission (median of runs)."""

    def median_ms(work: Any) -> float:
        for _ in range(50):
            work()
        times = []
        for _ in range(SEAL_RUNS):
            began = time.perf_counter_ns()
            work()
            times.append(time.perf_counter_ns() - began)
        return statistics.median(times) / 1e6

    assisted = ASSISTED["assisted"]
    lines = [
        f"Encryption (AES-256-GCM, a data key per record), median of {SEAL_RUNS}",
        f"  {'':<52}{'sealed ms':>10}{'JSON only':>11}{'x JSON':>8}   share of the request",
    ]
    for form_id in REAL_FORMS:
        answers = _realistic_answers(form_id)
        where, fad = record_ad("drafts", 1), field_ad("drafts", "answers", 1, form_id)
        key, wrapped = keys.new_data_key(where)
        blob = seal(key, encode("json", answers), fad)
        plain = encode("json", answers)

        def post(wrapped=wrapped, blob=blob, fad=fad, where=where) -> None:
            key = keys.unwrap(wrapped, where)
            seal(key, encode("json", decode("json", unseal(key, blob, fad))), fad)

        def post_json(plain=plain) -> None:  # what the plaintext JSON column cost
            encode("json", decode("json", plain))

        fields = {
            "answers": ("json", answers),
            "applicant_name": ("text", "Cara Patel"),
            "assisted": ("json", assisted),
        }
        sub = sealed(keys, 1, form_id, **fields)
        plain_sub = [plain, b"Cara Patel", encode("json", assisted)]

        def open_(sub=sub, form_id=form_id, fields=fields) -> None:
            key = keys.unwrap(sub["data_key"], record_ad("submissions", 1))
            for name, (kind, _) in fields.items():
                where = field_ad("submissions", name, 1, form_id)
                decode(kind, unseal(key, sub[f"{name}_sealed"], where))

        def open_json(plain_sub=plain_sub) -> None:
            decode("json", plain_sub[0]), plain_sub[1].decode(), decode("json", plain_sub[2])

        size = len(plain) / 1024
        for label, work, json_only, request, request_label in (
            (f"page POST, {form_id} ({size:.0f} KiB)", post, post_json, post_ms, "POST"),
            (f"open submission, {form_id}", open_, open_json, open_ms, "open"),
        ):
            ms, base = median_ms(work), median_ms(json_only)
            lines.append(
                f"  {label:<52}{ms:10.3f}{base:11.3f}{ms / base:7.1f}x   "
                f"{100 * (ms - base) / request:5.1f}% of {request_label} {request:.1f} ms"
            )
    lines.append(
        "  (target: under 2 ms each; 'share' = (sealed - JSON only) / the request's median)"
    )
    return lines


PDF_RUNS = 7


def bench_pdf() -> list[str]:
    """Each real form's largest realistic submission as a PDF, next to a minimal document.

    The large submissions are the ones the PDF tests build (every question answered,
    three items in each repeat, long free text).
    """
    import sys

    from weasyprint import HTML

    from forms_service.paper.filling import fill_paper_form
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
    lines.append("Paper form (the same submission filled into its paper PDF, flattened, with the")
    lines.append("continuation sheet for what has no box)      median ms   x minimal one-page")
    for form_id in (
        "prison-visit-booking",
        "criminal-injuries-compensation",
        "lasting-power-of-attorney",
    ):
        big = submission(form_id)
        folder = Path(__file__).resolve().parent.parent / "form_definitions"
        blank = (folder / big.definition["paper_form"]["file"]).read_bytes()
        ms = median_ms(
            lambda big=big, blank=blank: fill_paper_form(
                big, blank, static_folder=static, service_name="Justice forms",
                gettext=lambda s: s, language="en",
            )
        )  # fmt: skip
        lines.append(f"  {form_id + ', on its paper form':<48} {ms:8.1f} {ms / base:8.1f}x")
    return lines
