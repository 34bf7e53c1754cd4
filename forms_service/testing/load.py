"""What `make loadtest` (scripts/loadtest.py) needs besides locust: what the simulated citizens
were told, and the figures read back from the database and the outbox afterwards.

Kept apart from the script so a fast test (tests/test_loadtest.py) can drive it without
locust, whose import patches the standard library for gevent. The figures that must be 0 are
those in `MUST_BE_ZERO`; the others are for reading.
"""

from __future__ import annotations

import email
import email.policy
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from forms_service.data import Store
from forms_service.jobs.tasks import RENDER_PDFS
from forms_service.journey.route import Step
from forms_service.question_types import question_type
from forms_service.sessions import session_key
from forms_service.testing.journeys import Driver, JourneyFailed, Response

REFERENCE = re.compile(r"\b[A-Z]{2,4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")
RESUME_LINK = re.compile(r"/resume/([A-Za-z0-9_-]{20,})")

ACKNOWLEDGED_LOST = "answers acknowledged to a client but not stored"
CONFIRMED_LOST = "submissions whose confirmation a client saw but not stored"
DUPLICATES = "duplicate submissions (a session sending a form twice)"
TWO_DRAFTS = "sessions with two open drafts of a form"
UNSEEN = "stored submissions whose citizen never saw the reference"
RESUME_LOST = "saved drafts whose resume link was never emailed"
RESUME_TWICE = "resume-link emails sent more than once for one save"
EMAILED_TWICE = "emails about a submission sent twice to one address"
NO_PDF = "submissions whose PDF was neither made nor still queued"
PDF_WAITING = "submissions whose PDF job still waits (a killed process held it)"
NO_WEBHOOK = "submissions never delivered to the webhook (nor still queued)"
WEBHOOK_TWICE = "submissions delivered to the webhook under two delivery ids"
WEBHOOK_REPEATS = "webhook attempts repeated after a 2xx (same id: receivers drop them)"
NO_NOTICE = "submissions whose team notice was never emailed (nor still queued)"
FAILED_JOBS = "jobs failed for good"
UNFINISHED_JOBS = "jobs still waiting or running at the end"
MUST_BE_ZERO = (
    ACKNOWLEDGED_LOST,
    CONFIRMED_LOST,
    DUPLICATES,
    TWO_DRAFTS,
    RESUME_LOST,
    RESUME_TWICE,
    EMAILED_TWICE,
    NO_PDF,
    NO_WEBHOOK,
    WEBHOOK_TWICE,
    NO_NOTICE,
    FAILED_JOBS,
)


@dataclass
class JourneyRecord:
    """One citizen's journey through one form: the answers each page acknowledged (the
    last per page wins), the browser session it ended in (a resume link moves the draft to a
    new one) and the reference its confirmation page showed."""

    form_id: str
    cookie: str = ""
    acknowledged: dict[str, tuple[Step, dict[str, Any]]] = field(default_factory=dict)
    reference: str | None = None
    saved_to: str | None = None  # the address a "save and come back later" link went to


class Told:
    """Everything the clients were told, collected from many greenlets or threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.journeys: list[JourneyRecord] = []

    def start(self, form_id: str) -> JourneyRecord:
        record = JourneyRecord(form_id)
        with self.lock:
            self.journeys.append(record)
        return record

    @property
    def seen(self) -> set[str]:
        return {j.reference for j in self.journeys if j.reference}

    @property
    def acknowledged_count(self) -> int:
        return sum(len(answers) for j in self.journeys for _, answers in j.acknowledged.values())


class RecordingDriver(Driver):
    """journeys.Driver noting, in a JourneyRecord, the answers each page acknowledged: a
    redirect away from the page after the POST that sent them."""

    def __init__(self, form: Any, agent: Any, today: Any, record: JourneyRecord) -> None:
        super().__init__(form, agent, today)
        self.record = record
        self.pending: tuple[Step, dict[str, Any]] | None = None
        self.last: Response | None = None

    def open(self, path: str) -> Response:
        self.last = super().open(path)
        return self.last

    def fields(self, step: Step, answers: dict[str, Any]) -> list[tuple[str, str]]:
        self.pending = (step, asked_on(step, answers))
        return super().fields(step, answers)

    def acknowledge(self, posted: Response, path: str, answered: tuple | None) -> None:
        location = urlsplit(posted.location or "").path
        moved = location and location != urlsplit(path).path
        if posted.status in (302, 303) and moved and answered is not None:
            step, answers = answered
            self.record.acknowledged[step.path] = (step, answers)

    def follow(self, posted: Response, path: str) -> Response:
        answered, self.pending = self.pending, None
        self.acknowledge(posted, path, answered)
        return super().follow(posted, path)

    def submit(self, plan: Any, path: str) -> None:
        super().submit(plan, path)
        self.note_reference(path)

    def note_reference(self, path: str) -> None:
        found = REFERENCE.search(self.last.html if self.last else "")
        self.record.reference = found.group(0) if found else None
        if self.record.reference is None:
            raise JourneyFailed(f"{path}: the confirmation page showed no reference")


def asked_on(step: Step, answers: dict[str, Any]) -> dict[str, Any]:
    """The planned answers to the questions of one step's page."""
    asked = {q.id for q, _, _ in step.page.all_questions()}
    return {k: v for k, v in answers.items() if k in asked}


def stored_page(answers: dict[str, Any], step: Step, submitted: bool) -> dict[str, Any]:
    """A step's answers, by question id: in a draft's saved answers (page by page, a repeat's
    items page by page) or in a submission's (by question, a repeat's items by question)."""
    if step.repeat is None:
        return answers if submitted else answers.get(step.page.id) or {}
    items = answers.get(step.repeat.id) or ([] if submitted else {})
    if not submitted:
        items = items.get("items") or []
    if step.item is None or step.item >= len(items):
        return {}
    return items[step.item] if submitted else items[step.item].get("pages", {}).get(step.page.id)


def lost_answers(store: Store, record: JourneyRecord) -> int:
    """Acknowledged answers of one journey that its draft, or its submission, does not hold
    (compared as the page's inputs would show them, so a date is a date either way)."""
    if not record.acknowledged or not record.cookie:
        return 0
    key = session_key(record.cookie)
    submission = store.session_submission(key, record.form_id)
    if submission is not None:
        answers = submission.answers or {}
    else:
        draft = store.find_draft(key, record.form_id)
        answers = (draft.answers if draft is not None else None) or {}
    lost = 0
    for step, acknowledged in record.acknowledged.values():
        stored = stored_page(answers, step, submission is not None) or {}
        questions = {q.id: q for q, _, _ in step.page.all_questions()}
        for question_id, value in acknowledged.items():
            question = questions[question_id]
            qtype = question_type(question)
            if question_id not in stored or qtype.to_raw(question, stored[question_id]) != (
                qtype.to_raw(question, value)
            ):
                lost += 1
    return lost


def figures(store: Store, form_ids: list[str], told: Told) -> dict[str, int]:
    """The integrity figures, read from the database."""
    stored: set[str] = set()
    for form_id in form_ids:
        stored |= store.references(form_id)
    seen = told.seen
    return {
        ACKNOWLEDGED_LOST: sum(lost_answers(store, record) for record in told.journeys),
        CONFIRMED_LOST: len(seen - stored),
        DUPLICATES: sum(store.sessions_with_two_submissions(f) for f in form_ids),
        TWO_DRAFTS: store.sessions_with_two_open_drafts(),
        UNSEEN: len(stored - seen),
    }


# -- emails ------------------------------------------------------------------------------------


def read_outbox(outbox: Path) -> list[email.message.EmailMessage]:
    """Every email in the outbox folder (the service writes each one atomically)."""
    if not outbox.is_dir():
        return []
    messages = []
    for path in sorted(outbox.glob("*.eml")):
        with path.open("rb") as file:
            messages.append(email.message_from_binary_file(file, policy=email.policy.default))
    return messages


def body_of(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def resume_link(outbox: Path, address: str) -> str | None:
    """The newest resume link sent to `address`, as a path (/resume/<token>)."""
    for message in reversed(read_outbox(outbox)):
        if str(message.get("To", "")).strip().lower() == address.lower():
            found = RESUME_LINK.search(body_of(message))
            if found:
                return found.group(0)
    return None


def emails_per_reference(outbox: Path) -> Counter[tuple[str, str]]:
    """How many emails went to each (reference, recipient): a job run twice with a visible
    effect shows as a count above 1."""
    counts: Counter[tuple[str, str]] = Counter()
    for message in read_outbox(outbox):
        text = f"{message.get('Subject', '')}\n{body_of(message)}"
        for reference in set(REFERENCE.findall(text)):
            counts[(reference, str(message.get("To", "")).strip().lower())] += 1
    return counts


def job_figures(store: Store, outbox: Path, told: Told) -> dict[str, int]:
    """What the jobs did, counted by their visible effects: emails in the outbox (each
    citizen saves to an address of their own), PDFs stored, the queue itself."""
    messages = read_outbox(outbox)
    to = Counter(str(m.get("To", "")).strip().lower() for m in messages)
    saved = [j.saved_to.lower() for j in told.journeys if j.saved_to]
    without_pdf = store.submissions_without_pdf()
    waiting = {args.get("reference") for args in store.pending_job_args(RENDER_PDFS)}
    return {
        RESUME_LOST: sum(1 for address in saved if not to[address]),
        RESUME_TWICE: sum(max(0, to[address] - 1) for address in saved),
        EMAILED_TWICE: sum(n - 1 for n in emails_per_reference(outbox).values() if n > 1),
        NO_PDF: len(without_pdf - waiting),
        PDF_WAITING: len(without_pdf & waiting),
        FAILED_JOBS: len(store.failed_jobs()),
        UNFINISHED_JOBS: store.queued_job_count(),
    }


class HookReceiver:
    """A webhook endpoint on loopback for the load test: checks each signature, answers
    500 to a share of deliveries (so retries happen) and counts what it accepted by
    Forms-Delivery-Id, as a real receiver that drops repeats would."""

    def __init__(self, secret: str, fail_share: float = 0.1) -> None:
        import http.server
        import random
        import time

        from forms_service.delivery.signing import DELIVERY_ID_HEADER, SIGNATURE_HEADER, verify

        self.accepted: Counter[str] = Counter()
        self.refused = self.bad_signatures = 0
        receiver, lock = self, threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                signed = verify(
                    secret, self.headers.get(SIGNATURE_HEADER, ""), body, int(time.time())
                )
                with lock:
                    if not signed:
                        receiver.bad_signatures += 1
                        status = 401
                    elif random.random() < fail_share:  # noqa: S311 (a chance, not a secret)
                        receiver.refused += 1
                        status = 500
                    else:
                        receiver.accepted[self.headers.get(DELIVERY_ID_HEADER, "")] += 1
                        status = 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def webhook_figures(
    store: Store, forms: list[str], accepted: Counter[str], outbox: Path, team: str
) -> dict[str, int]:
    """Each stored submission delivered once to the webhook (by its delivery id) and its
    team notice emailed once; what is still queued is not counted as lost."""
    references = set().union(*(store.references(form_id) for form_id in forms))
    waiting = {args.get("reference") for args in store.pending_job_args("webhook")}
    delivered = Counter(ident.split(":", 1)[0] for ident in accepted)
    noticed = {ref for (ref, to), n in emails_per_reference(outbox).items() if to == team}
    waiting_notice = {args.get("reference") for args in store.pending_job_args("team_notice")}
    return {
        NO_WEBHOOK: len(references - set(delivered) - waiting),
        WEBHOOK_TWICE: sum(1 for n in delivered.values() if n > 1),
        WEBHOOK_REPEATS: sum(n - 1 for n in accepted.values() if n > 1),
        NO_NOTICE: len(references - noticed - waiting_notice),
    }
