"""Submissions for other systems and people: one JSON shape, a CSV export, the cached PDFs.

No Flask here: the staff pages, the JSON API and batch jobs all call the same functions, so
a submission downloaded by a caseworker and one fetched through the API are the same bytes.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from forms_service.assisted import METHOD_LABELS, OTHER, completed_by
from forms_service.clock import LONDON
from forms_service.definitions.loader import DefinitionError, load_snapshot
from forms_service.definitions.model import Form, Page, Question
from forms_service.question_types import Display, csv_cell, question_type
from forms_service.question_types.base import N_
from forms_service.question_types.compound import CompoundType
from forms_service.rendition import StoredSubmission as SubmissionLike
from forms_service.statuses import RECEIVED, STATUS_LABELS

# Bump when pdf.py, its templates or rendition.py change what a PDF shows: every PDF cached
# under the old value is then made again on its next download.
PDF_RENDITION_VERSION = "pdf-4"

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
    "assigned_to",  # the staff user id, as in the JSON; last, so older readers still work
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
        # Whether GET /api/v1/submissions/{reference}/paper.pdf (and the staff download)
        # gives the answers on the paper form the online form replaces.
        "paper_form": paper_sha256(submission) is not None,
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

NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading ' stops it being run as a formula.

    Only text that a spreadsheet would read as a formula gets it (OWASP "CSV Injection": a
    start of = + - @, tab or carriage return); a plain number such as -5 or +2.50 is read as
    a number anyway, so it stays as it is and sums still work.
    """
    if value.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_line(cells: Iterable[str]) -> str:
    """One CSV record (RFC 4180: CRLF, quoted only where needed), every cell made safe."""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL).writerow([safe_cell(c) for c in cells])
    return buffer.getvalue()


@dataclass(frozen=True)
class CsvWording:
    """How the export for people words what the codes export gives as stored values.

    `gettext` translates the service's own words (column headings, status, channel),
    `staff_names` names the assignees (staff user id -> name).
    """

    gettext: Callable[[str], str] = field(default=lambda text: text)
    staff_names: Mapping[int, str] = field(default_factory=dict)


# The readable export's fixed columns, in the order of CODE_COLUMNS.
READABLE_COLUMNS = (
    N_("Reference"),
    N_("Form"),
    N_("Form version"),
    N_("Status"),
    N_("Assigned to"),
    N_("Submitted"),
    N_("Due"),
    N_("Applicant"),
    N_("Channel"),
    N_("Language"),
    N_("Completed by"),
    N_("How staff helped"),
    N_("Staff note on how they helped"),
    N_("Applicant's name as given to staff"),
)
UNKNOWN_USER = N_("Unknown user")  # an assignee whose account has gone
LANGUAGE_LABELS = {"en": N_("English"), "cy": N_("Welsh")}


def submissions_csv(
    submissions: Iterable[SubmissionLike],
    forms_by_id: Mapping[str, Form],
    wording: CsvWording | None = None,
) -> Iterator[str]:
    """The submissions as CSV lines (the first starts with a BOM), one row per submission.

    With `wording`, the export for people: headings from the form's own labels ("Visitor 1:
    date of birth"), option labels, status and channel by their names, the assignee's name,
    times in UK time with their offset. Without, the "codes" export for other systems:
    question ids as headings (`attorneys.2.attorney_name.first`), stored option values, times
    in UTC. Both: dates as YYYY-MM-DD, money in plain pounds ("1250.50").

    Fixed columns first, then one column per question of the forms present in the order of
    each form (live definition first, then questions only older versions had), compound
    answers and repeat items spread over columns. The submissions are read twice (columns
    depend on every row), so they are listed first.
    """
    rows = list(submissions)
    forms = _Forms(forms_by_id)
    gettext = wording.gettext if wording else (lambda text: text)
    flat_rows = [_flatten(s.answers or {}, forms.of(s), _cell_writer(s, wording)) for s in rows]
    columns, headings = _columns(rows, flat_rows, forms, gettext)
    if wording is None:
        yield BOM + csv_line([*FIXED_COLUMNS, *columns])
    else:
        fixed = [gettext(c) for c in READABLE_COLUMNS]
        yield BOM + csv_line([*fixed, *_unique([headings.get(c, c) for c in columns], columns)])
    for submission, flat in zip(rows, flat_rows, strict=True):
        if wording is None:
            cells = _fixed_cells(submission)
        else:
            cells = _readable_cells(submission, wording, forms.of(submission))
        yield csv_line([*cells, *(flat.get(c, "") for c in columns)])


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
        "" if submission.assigned_to is None else str(submission.assigned_to),
    ]


def _readable_cells(
    submission: SubmissionLike, wording: CsvWording, form: Form | None
) -> list[str]:
    _ = wording.gettext
    assisted = submission.assisted or {}
    status = submission.status or RECEIVED
    method = assisted.get("method")
    assignee = submission.assigned_to
    return [
        submission.reference,
        form.title.pick("en") if form else submission.form_id,
        str(submission.form_version),
        _(STATUS_LABELS[status]) if status in STATUS_LABELS else status,
        "" if assignee is None else wording.staff_names.get(assignee, _(UNKNOWN_USER)),
        local_iso(submission.submitted_at),
        submission.due_on.isoformat() if submission.due_on else "",
        submission.applicant_name or "",
        _(CHANNEL_LABELS.get(submission.channel, submission.channel)),
        _(LANGUAGE_LABELS.get(submission.language, submission.language)),
        str(assisted.get("staff_name") or ""),
        _(METHOD_LABELS.get(method, method)) if method else "",
        str(assisted.get("note") or ""),
        str(assisted.get("citizen_name") or ""),
    ]


def local_iso(moment: datetime.datetime | None) -> str:
    """ISO 8601 in UK time with its offset ("2024-05-01T10:30:15+01:00"): what a caseworker
    expects to see, and still exact for a spreadsheet or a program."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite gives back naive datetimes; the store writes UTC
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(LONDON).isoformat(timespec="seconds")


def _cell_writer(
    submission: SubmissionLike, wording: CsvWording | None
) -> Callable[[Question | None, Any], str]:
    """How one answer becomes a cell: stored values, or (for people) option labels."""
    if wording is None:
        return _cell
    display = Display(language=submission.language, gettext=wording.gettext)

    def readable(question: Question | None, value: Any) -> str:
        if question is None or value is None:
            return _cell(question, value)
        return question_type(question).csv_label(question, value, display)

    return readable


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
    rows: list[SubmissionLike],
    flat_rows: list[dict[str, str]],
    forms: _Forms,
    gettext: Callable[[str], str],
) -> tuple[list[str], dict[str, str]]:
    """Question columns: each form's in its own order, then any others seen in the answers;
    with the heading each has in the definitions (the live one's wording first)."""
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
    headings: dict[str, str] = {}
    for form_id in ordered_ids:
        form = forms.for_columns(form_id, rows)
        if form is not None:
            for key, heading in _form_columns(form, counts, gettext):
                columns[key] = None
                headings.setdefault(key, heading)
        for submission, flat in zip(rows, flat_rows, strict=True):
            if submission.form_id == form_id:
                columns.update(dict.fromkeys(flat))
                own = forms.of(submission)
                if own is not None and any(key not in headings for key in flat):
                    for key, heading in _form_columns(own, counts, gettext):
                        headings.setdefault(key, heading)
    return list(columns), headings


def _form_columns(
    form: Form, counts: Mapping[str, int], gettext: Callable[[str], str]
) -> Iterator[tuple[str, str]]:
    """(column, heading) for each input of the form, repeats numbered up to `counts`.

    A label that several questions share ("First name" for the lead visitor and for each
    other visitor) is prefixed with its page's title ("Visitor details: first name");
    a repeat's columns with the item ("Visitor 1: first name").
    """
    language = "en" if "en" in form.languages else form.default_language
    labels = Counter(
        _label(q, language) for p, _ in form.every_page() for q, _, _ in p.all_questions()
    )
    for page in form.pages:
        if page.is_repeat:
            item = _capital(_item_name(page, language))
            for number in range(1, counts.get(page.id, 0) + 1):
                for inner in page.pages:
                    for name, heading in _page_columns(inner, language, gettext):
                        yield f"{page.id}.{number}.{name}", f"{item} {number}: {_lower(heading)}"
        else:
            shared = {q.id for q, _, _ in page.all_questions() if labels[_label(q, language)] > 1}
            for name, heading in _page_columns(page, language, gettext):
                if page.title is not None and name.split(".")[0] in shared:
                    heading = f"{page.title.pick(language)}: {_lower(heading)}"
                yield name, heading


def _page_columns(
    page: Page, language: str, gettext: Callable[[str], str]
) -> Iterator[tuple[str, str]]:
    for question, _, _ in page.all_questions():
        label = _label(question, language)
        kind = question_type(question)
        if isinstance(kind, CompoundType):
            for part in kind.input_parts(question):
                words = kind.part_labels.get(part, (part,))[0]
                yield f"{question.id}.{part}", f"{label} ({_lower(gettext(words))})"
        else:
            yield question.id, label


def _label(question: Question, language: str) -> str:
    return question.label.pick(language) if question.label else question.id


def _item_name(page: Page, language: str) -> str:
    return page.item_name.pick(language) if page.item_name else "item"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    """'Date of birth' -> 'date of birth' within a heading; 'UK phone' keeps its capitals."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _unique(headings: list[str], columns: list[str]) -> list[str]:
    """Headings that tell every column apart: a label two questions share (say "First name"
    on two pages, or in two forms) gets the column's question path after it."""
    seen: dict[str, int] = {}
    for heading in headings:
        seen[heading] = seen.get(heading, 0) + 1
    return [
        f"{heading} [{column}]" if seen[heading] > 1 else heading
        for heading, column in zip(headings, columns, strict=True)
    ]


def _flatten(
    answers: Mapping[str, Any],
    form: Form | None,
    cell: Callable[[Question | None, Any], str],
    prefix: str = "",
) -> dict[str, str]:
    """Stored answers as column name -> cell text, typed by the submission's own definition."""
    flat: dict[str, str] = {}
    for key, value in answers.items():
        name = prefix + key
        question = form.question(key) if form is not None else None
        if value is None:
            continue
        if _is_repeat(value, question, form, key):
            for number, item in enumerate(value, start=1):
                flat.update(_flatten(item, form, cell, f"{name}.{number}."))
        elif isinstance(value, dict):
            for part, text in value.items():
                flat[f"{name}.{part}"] = csv_cell(text)
        else:
            flat[name] = cell(question, value)
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


def pdf_content_hash(
    submission: SubmissionLike, version: str = PDF_RENDITION_VERSION, assignee: str | None = None
) -> str:
    """What a PDF was made from: the rendition code version, the answers and the definition
    (and the few facts it prints, the assisted-digital record among them, and the cover
    line's current status and assignee's name), so any change to one of them makes a new
    PDF."""
    return _made_from(submission, version, casework=[submission.status or RECEIVED, assignee])


def _made_from(submission: SubmissionLike, version: str, **more: Any) -> str:
    """A hash of what a rendition of the submission was made from."""
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
            **more,
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
    assignee: str | None = None,
) -> bytes:
    """The submission's PDF: the stored one while it is current, else made and stored.

    Rendering takes a second or more, so a caseworker's download and the API share one
    copy. Two requests rendering at once both succeed; the later write is the one kept.
    `assignee` is the name `render` prints on the cover line: a new status or assignee
    makes a new PDF rather than serve a stale cover line.
    """
    content_hash = pdf_content_hash(submission, version, assignee)
    return _cached(store.stored_pdf, store.store_pdf, submission, content_hash, render)


def _cached(stored_copy, store_copy, submission, content_hash: str, render) -> bytes:
    """The stored rendition while it is current, else made and stored."""
    stored = stored_copy(submission.id, content_hash)
    if stored is not None:
        return stored
    made = render(submission)
    store_copy(submission.id, content_hash, made)
    return made


# -- the paper form --------------------------------------------------------------------------


class PaperPdfCache(Protocol):
    def stored_paper_pdf(self, submission_id: int, content_hash: str) -> bytes | None: ...

    def store_paper_pdf(self, submission_id: int, content_hash: str, pdf: bytes) -> None: ...


def paper_sha256(submission: SubmissionLike) -> str | None:
    """The hash of the blank paper PDF this submission's answers were mapped to, if any."""
    paper = (submission.definition or {}).get("paper_form")
    sha256 = paper.get("sha256") if isinstance(paper, dict) else None
    return sha256 if isinstance(sha256, str) and sha256 else None


def paper_content_hash(submission: SubmissionLike, version: str) -> str:
    """What a filled paper form was made from: the filler's version, the answers, the
    definition snapshot (which names the blank PDF by its hash) and the facts the filler may
    print. Not the status or assignee: the paper form does not show them."""
    return _made_from(submission, version)


def paper_pdf(
    store: PaperPdfCache,
    submission: SubmissionLike,
    render: Callable[[SubmissionLike], bytes],
    version: str | None = None,
) -> bytes:
    """The submission filled into its paper form: the stored copy while it is current, else
    filled and stored. `version` is the filler's (PAPER_FILLER_VERSION unless given): a new
    filler fills every submission again on its next download."""
    if version is None:
        from forms_service.paper.filling import PAPER_FILLER_VERSION  # pypdf: on first use

        version = PAPER_FILLER_VERSION
    content_hash = paper_content_hash(submission, version)
    return _cached(store.stored_paper_pdf, store.store_paper_pdf, submission, content_hash, render)
