"""Submissions for other systems and people: one JSON shape, a CSV export, the cached PDF.

No Flask here: the staff pages, the JSON API and batch jobs all call the same functions, so
a submission downloaded by a caseworker and one fetched through the API are the same bytes.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Protocol

from forms_service.assisted import METHOD_LABELS, OTHER, completed_by
from forms_service.definitions.loader import DefinitionError, load_snapshot
from forms_service.definitions.model import Form, Page, Question
from forms_service.question_types import csv_cell, question_type
from forms_service.question_types.compound import CompoundType
from forms_service.rendition import StoredSubmission as SubmissionLike
from forms_service.statuses import RECEIVED

# Bump when pdf.py, its templates or rendition.py change what a PDF shows: every PDF cached
# under the old value is then made again on its next download.
PDF_RENDITION_VERSION = "pdf-2"

# How a submission reached the service; the labels are translated where they are shown.
CHANNEL_LABELS = {"online": "Online", "assisted": "Assisted", "paper": "Paper"}
CHANNELS = tuple(CHANNEL_LABELS)

FIXED_COLUMNS = (
    "reference",
    "form",
    "version",
    "status",
    "submitted_at",
    "due_on",
    "applicant_name",
    "channel",
    "language",
    # Assisted digital (empty for a citizen's own): the staff member who entered the
    # answers, how they helped (telephone, face_to_face, paper, other), their note for
    # "other", and the applicant's name as the staff member took it.
    "completed_by",
    "assisted_method",
    "assisted_note",
    "citizen_name",
)
ASSISTED_CELLS = ("staff_name", "method", "note", "citizen_name")  # the record's keys, in order
# A cell starting with one of these is read as a formula by spreadsheet programs (OWASP
# "CSV Injection"): an answer like =HYPERLINK(...) must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # Excel takes a CSV as UTF-8 only when it starts with a byte order mark


class PdfCache(Protocol):
    def stored_pdf(self, submission_id: int, content_hash: str) -> bytes | None: ...

    def store_pdf(self, submission_id: int, content_hash: str, pdf: bytes) -> None: ...


# -- JSON ------------------------------------------------------------------------------------


def utc_iso(moment: datetime.datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, the form every consumer parses the same way."""
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite gives back naive datetimes; the store writes UTC
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def submission_json(submission: SubmissionLike) -> dict[str, Any]:
    """The one JSON shape of a submission (staff download and API alike).

    Answers are exactly as stored, keyed by question id in the storage shapes of the form
    definition contract, so a consumer never depends on labels that authors may reword.
    """
    return {
        "reference": submission.reference,
        "form": {"id": submission.form_id, "version": submission.form_version},
        "status": submission.status or RECEIVED,
        "submitted_at": utc_iso(submission.submitted_at),
        "started_at": utc_iso(submission.started_at),
        "language": submission.language,
        "channel": submission.channel,
        "due_on": submission.due_on.isoformat() if submission.due_on else None,
        "assigned_to": submission.assigned_to,
        "applicant_name": submission.applicant_name,
        "assisted": assisted_json(submission),
        "answers": submission.answers or {},
    }


def assisted_json(submission: SubmissionLike) -> dict[str, Any] | None:
    """Who entered the answers, for whom and how; None for a citizen's own submission."""
    record = submission.assisted
    if record is None:
        return None
    return {
        "staff_user_id": submission.staff_user_id,
        "staff_name": record.get("staff_name"),
        "citizen_name": record.get("citizen_name"),
        "method": record.get("method"),
        "note": record.get("note") or None,
        "handed_over_at": _iso_time(record.get("handed_over_at")),
    }


def _iso_time(text: str | None) -> str | None:
    """A stored ISO time in the one form the JSON uses for every time (UTC, seconds, Z)."""
    return utc_iso(datetime.datetime.fromisoformat(text)) if text else None


def assisted_facts(
    submission: SubmissionLike,
    gettext: Callable[[str], str],
    moment: Callable[[datetime.datetime], str],
) -> list[tuple[str, str]]:
    """The assisted-digital record as (label, text) rows for the staff page and the PDF:
    "Completed by ... (telephone)", the name the staff member took, how they helped and, if
    they handed the draft over, when. Nothing for a citizen's own submission.

    `moment` words a time as the output does ("12 March 2024 at 2:05pm").
    """
    record = submission.assisted
    if record is None:
        return []
    method = record.get("method", OTHER)
    how = gettext(METHOD_LABELS.get(method, method))
    if record.get("note"):
        how = f"{how}: {record['note']}"
    rows = [
        (gettext("How completed"), completed_by(record, gettext)),
        (gettext("Applicant's name as given to staff"), record.get("citizen_name") or ""),
        (gettext("How staff helped"), how),
    ]
    if handed := record.get("handed_over_at"):
        when = moment(datetime.datetime.fromisoformat(handed))
        rows.append(
            (
                gettext("Handed over"),
                gettext("Handed to the applicant to finish on %(when)s") % {"when": when},
            )
        )
    return rows


# -- CSV -------------------------------------------------------------------------------------


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading ' stops it being run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_line(cells: Iterable[str]) -> str:
    """One CSV record (RFC 4180: CRLF, quoted only where needed), every cell made safe."""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL).writerow([safe_cell(c) for c in cells])
    return buffer.getvalue()


def submissions_csv(
    submissions: Iterable[SubmissionLike], forms_by_id: Mapping[str, Form]
) -> Iterator[str]:
    """The submissions as CSV lines (the first starts with a BOM), one row per submission.

    Fixed columns first, then one column per question of the forms present in the order of
    each form (live definition first, then questions only older versions had), compound
    answers and repeat items spread over columns such as `attorneys.2.attorney_name.first`.
    The submissions are read twice (columns depend on every row), so they are listed first.
    """
    rows = list(submissions)
    forms = _Forms(forms_by_id)
    flat_rows = [_flatten(s.answers or {}, forms.of(s)) for s in rows]
    columns = _columns(rows, flat_rows, forms)
    yield BOM + csv_line([*FIXED_COLUMNS, *columns])
    for submission, flat in zip(rows, flat_rows, strict=True):
        yield csv_line([*_fixed_cells(submission), *(flat.get(c, "") for c in columns)])


def _fixed_cells(submission: SubmissionLike) -> list[str]:
    assisted = submission.assisted or {}
    return [
        submission.reference,
        submission.form_id,
        str(submission.form_version),
        submission.status or RECEIVED,
        utc_iso(submission.submitted_at) or "",
        submission.due_on.isoformat() if submission.due_on else "",
        submission.applicant_name or "",
        submission.channel,
        submission.language,
        *(str(assisted.get(key) or "") for key in ASSISTED_CELLS),
    ]


class _Forms:
    """Each submission's own definition snapshot (parsed once per version) or the live one."""

    def __init__(self, live: Mapping[str, Form]):
        self.live = live
        self.snapshots: dict[tuple[str, int], Form | None] = {}

    def of(self, submission: SubmissionLike) -> Form | None:
        key = (submission.form_id, submission.form_version)
        if key not in self.snapshots:
            try:
                self.snapshots[key] = load_snapshot(submission.definition)
            except (DefinitionError, TypeError, ValueError, KeyError):
                self.snapshots[key] = None
        return self.snapshots[key] or self.live.get(submission.form_id)

    def for_columns(self, form_id: str, rows: list[SubmissionLike]) -> Form | None:
        """The live definition orders the columns; without it, the newest version present."""
        if form_id in self.live:
            return self.live[form_id]
        newest = max((s for s in rows if s.form_id == form_id), key=lambda s: s.form_version)
        return self.of(newest)


def _columns(
    rows: list[SubmissionLike], flat_rows: list[dict[str, str]], forms: _Forms
) -> list[str]:
    """Question columns: each form's in its own order, then any others seen in the answers."""
    present = list(dict.fromkeys(s.form_id for s in rows))
    ordered_ids = [f for f in forms.live if f in present] + sorted(
        f for f in present if f not in forms.live
    )
    counts: dict[str, int] = {}  # repeat id -> the most items any submission has
    for submission in rows:
        for key, value in (submission.answers or {}).items():
            if isinstance(value, list) and all(isinstance(v, dict) for v in value):
                counts[key] = max(counts.get(key, 0), len(value))
    columns: dict[str, None] = {}
    for form_id in ordered_ids:
        form = forms.for_columns(form_id, rows)
        if form is not None:
            columns.update(dict.fromkeys(_form_columns(form, counts)))
        for submission, flat in zip(rows, flat_rows, strict=True):
            if submission.form_id == form_id:
                columns.update(dict.fromkeys(flat))
    return list(columns)


def _form_columns(form: Form, counts: Mapping[str, int]) -> Iterator[str]:
    for page in form.pages:
        if page.is_repeat:
            for number in range(1, counts.get(page.id, 0) + 1):
                for inner in page.pages:
                    for name in _page_columns(inner):
                        yield f"{page.id}.{number}.{name}"
        else:
            yield from _page_columns(page)


def _page_columns(page: Page) -> Iterator[str]:
    for question, _, _ in page.all_questions():
        kind = question_type(question)
        if isinstance(kind, CompoundType):
            for part in kind.input_parts(question):
                yield f"{question.id}.{part}"
        else:
            yield question.id


def _flatten(answers: Mapping[str, Any], form: Form | None, prefix: str = "") -> dict[str, str]:
    """Stored answers as column name -> cell text, typed by the submission's own definition."""
    flat: dict[str, str] = {}
    for key, value in answers.items():
        name = prefix + key
        question = form.question(key) if form is not None else None
        if value is None:
            continue
        if _is_repeat(value, question, form, key):
            for number, item in enumerate(value, start=1):
                flat.update(_flatten(item, form, f"{name}.{number}."))
        elif isinstance(value, dict):
            for part, text in value.items():
                flat[f"{name}.{part}"] = csv_cell(text)
        else:
            flat[name] = _cell(question, value)
    return flat


def _is_repeat(value: Any, question: Question | None, form: Form | None, key: str) -> bool:
    """A list of items: a repeat's answers (even none), not a checkboxes answer."""
    if not isinstance(value, list) or question is not None:
        return False
    page = form.page(key) if form is not None else None
    if page is not None:
        return page.is_repeat
    return bool(value) and all(isinstance(v, dict) for v in value)


def _cell(question: Question | None, value: Any) -> str:
    """Money in pounds ("1250.50"), yes/no, checkboxes joined with "; ", the rest as stored."""
    if value is None:
        return ""
    if question is None:
        return csv_cell(value)
    return question_type(question).csv_cell(question, value)


# -- PDF -------------------------------------------------------------------------------------


def pdf_content_hash(submission: SubmissionLike, version: str = PDF_RENDITION_VERSION) -> str:
    """What a PDF was made from: the rendition code version, the answers and the definition
    (and the few fixed facts it prints, the assisted-digital record among them), so any
    change to one of them makes a new PDF."""
    material = json.dumps(
        {
            "code": version,
            "answers": submission.answers,
            "definition": submission.definition,
            "facts": [
                submission.reference,
                submission.form_id,
                submission.form_version,
                submission.language,
                submission.channel,
                utc_iso(submission.submitted_at),
            ],
            "assisted": submission.assisted,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()


def submission_pdf(
    store: PdfCache,
    submission: SubmissionLike,
    render: Callable[[SubmissionLike], bytes],
    version: str = PDF_RENDITION_VERSION,
) -> bytes:
    """The submission's PDF: the stored one while it is current, else made and stored.

    Rendering takes a second or more, so a caseworker's download and the API share one
    copy. Two requests rendering at once both succeed; the later write is the one kept.
    """
    content_hash = pdf_content_hash(submission, version)
    stored = store.stored_pdf(submission.id, content_hash)
    if stored is not None:
        return stored
    pdf = render(submission)
    store.store_pdf(submission.id, content_hash, pdf)
    return pdf
