"""The caseworker PDF of a submission: tagged (PDF/UA-1), paged, and safe with any answer.

It is built from what was stored with the submission (its definition snapshot and answers,
read through forms_service.rendition), never from the live YAML, so a PDF made years later
shows what the citizen was asked. Answers are untrusted: the HTML is escaped by Jinja's
autoescape, and WeasyPrint may fetch nothing but the app's own static files (see
StaticFileFetcher), so an answer like <img src="http://..."> is text, never a request.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import mimetypes
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from babel import Locale, UnknownLocaleError
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from forms_service.clock import LONDON
from forms_service.exports import CHANNEL_LABELS, assisted_facts
from forms_service.question_types.values import format_date_and_time
from forms_service.rendition import AnswerRow, ItemBlock, SectionBlock, read_submission
from forms_service.rendition import StoredSubmission as SubmissionLike
from forms_service.statuses import RECEIVED, STATUS_LABELS

TEMPLATES = Path(__file__).parent / "templates" / "pdf"
# A base URL no one can own (.invalid is reserved): relative URLs resolve under it, and the
# fetcher serves only <BASE_URL>static/... from the app's static folder.
BASE_URL = "https://forms.invalid/"
STATIC_PREFIX = "/static/"


class StaticFileFetcher(URLFetcher):
    """Serves WeasyPrint the files of one static folder and refuses every other URL.

    Every URL asked for is kept in `requested`, so tests (and logs) can show what a
    document tried to load.
    """

    def __init__(self, static_folder: Path):
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.root = Path(static_folder).resolve()
        self.requested: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        self.requested.append(url)
        path = self.path_for(url)
        if path is None:
            raise ValueError(f"the PDF may only load the service's own static files: {url[:80]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def path_for(self, url: str) -> Path | None:
        """The file a URL names inside the static folder, or None when it is anything else."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if (
            parts.scheme != "https"
            or parts.netloc != urlsplit(BASE_URL).netloc
            or parts.query
            or not parts.path.startswith(STATIC_PREFIX)
        ):
            return None
        relative = unquote(parts.path.removeprefix(STATIC_PREFIX))
        if not relative or "\\" in relative or "\0" in relative:
            return None
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path


class _NoFetching(URLFetcher):
    """For the service's own stylesheets, which load nothing."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        raise ValueError(f"the PDF styles may not load anything: {url[:80]}")


@dataclass(frozen=True)
class _Part:
    """A run of answer rows in one table; with a heading, one repeat item ("Attorney 2")."""

    heading: str | None
    rows: list[AnswerRow]


def render_submission_pdf(
    submission: SubmissionLike,
    *,
    static_folder: Path,
    service_name: str,
    gettext: Callable[[str], str] = lambda s: s,
    fetcher: StaticFileFetcher | None = None,
    assignee: str | None = None,
    language: str | None = None,
) -> bytes:
    """The submission as a tagged PDF (PDF/UA-1) for caseworkers; `assignee` is the name of
    the member of staff it is assigned to, for the cover line (None: unassigned).

    `language` is the one its texts are in (the form's, and the service's through
    `gettext`): the submission's own unless asked for another (answers stay as given)."""
    html = submission_html(
        submission, service_name=service_name, gettext=gettext, assignee=assignee,
        language=language,
    )  # fmt: skip
    fetcher = fetcher or StaticFileFetcher(static_folder)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    stylesheets = [_stylesheet(), _footer(gettext("Page %(page)s of %(pages)s"))]
    return document.write_pdf(stylesheets=stylesheets, pdf_variant="pdf/ua-1")


def render_continuation_pdf(
    submission: SubmissionLike,
    keep: Callable[[str, int | None], bool],
    *,
    static_folder: Path,
    service_name: str,
    gettext: Callable[[str], str] = lambda s: s,
    language: str | None = None,
) -> bytes:
    """The continuation sheet of a submission filled into its paper form, in the style of
    this PDF: only the answers `keep` names by question id and item number (from 1; None
    outside a repeat), grouped and labelled as here."""
    form, sections, language, local = _read(submission, language, gettext)
    kept: list[SectionBlock] = []
    for section in sections:
        entries: list = []
        for entry in section.entries:
            if isinstance(entry, ItemBlock):
                rows = [row for row in entry.rows if keep(row.question_id, entry.index + 1)]
                if rows:
                    entries.append(replace(entry, rows=rows))
            elif isinstance(entry, AnswerRow) and keep(entry.question_id, None):
                entries.append(entry)
        if entries:
            kept.append(SectionBlock(section.title, entries))
    form_title = form.title.pick(language)
    context = {
        "_": gettext,
        "lang": language,
        "document_title": gettext("%(form)s: %(reference)s, continuation sheet")
        % {"form": form_title, "reference": submission.reference},
        "author": form.organisation.pick(language) if form.organisation else service_name,
        "service_name": service_name,
        "form_title": form_title,
        "reference": submission.reference,
        "submitted": format_date_and_time(local, language, gettext),
        "sections": [{"title": s.title, "parts": _parts(s)} for s in kept],
    }
    html = _environment().get_template("continuation.html").render(context)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFileFetcher(static_folder))
    footer = _footer(gettext("Continuation sheet, page %(page)s of %(pages)s"))
    return document.write_pdf(stylesheets=[_stylesheet(), footer], pdf_variant="pdf/ua-1")


def submission_html(
    submission: SubmissionLike,
    *,
    service_name: str,
    gettext: Callable[[str], str] = lambda s: s,
    assignee: str | None = None,
    language: str | None = None,
) -> str:
    """The HTML the PDF is made from (escaped; without its styles).

    Its cover line says where the case stands when the PDF is made: the status and who it
    is assigned to. Caseworkers' notes are left out: they are internal working, kept in
    the service, and a PDF travels further.
    """
    form, sections, language, local = _read(submission, language, gettext)
    submitted = _aware(submission.submitted_at)
    form_title = form.title.pick(language)
    status = getattr(submission, "status", None) or RECEIVED
    names = {"form": form_title, "reference": submission.reference,
             "form_id": submission.form_id, "version": submission.form_version}  # fmt: skip
    context = {
        "_": gettext,
        "lang": language,
        "document_title": gettext("%(form)s: %(reference)s") % names,
        "author": form.organisation.pick(language) if form.organisation else service_name,
        "subject": gettext("Submission %(reference)s, form %(form_id)s version %(version)s")
        % names,
        "service_name": service_name,
        "created": submitted.isoformat(timespec="seconds"),
        "form_title": form_title,
        "reference": submission.reference,
        "status": gettext(STATUS_LABELS.get(status, status)),
        "assignee": assignee or gettext("Unassigned"),
        "submitted": format_date_and_time(local, language, gettext),
        "channel": gettext(CHANNEL_LABELS.get(submission.channel, submission.channel)),
        "assisted": assisted_facts(
            submission,
            gettext,
            lambda moment: format_date_and_time(
                _aware(moment).astimezone(LONDON), language, gettext
            ),
        ),
        "language_name": _language_name(language),
        "form_version": str(submission.form_version),
        "sections": [{"title": s.title, "parts": _parts(s)} for s in sections],
    }
    return _environment().get_template("submission.html").render(context)


def _read(
    submission: SubmissionLike, language: str | None, gettext: Callable[[str], str]
) -> tuple[Any, list[SectionBlock], str, datetime.datetime]:
    """The submission's form and answer sections in the language asked for (its own by
    default), the language its texts are really in (a form's first language stands in for
    one it lacks), and when it was submitted, in UK time."""
    local = _aware(submission.submitted_at).astimezone(LONDON)
    wanted = language or submission.language
    form, sections = read_submission(
        submission.definition,
        submission.answers,
        wanted,
        gettext,
        today=local.date(),
        channel=submission.channel,
    )
    return form, sections, wanted if wanted in form.languages else form.languages[0], local


def _parts(section: SectionBlock) -> list[_Part]:
    """Consecutive rows share one table; each repeat item gets its own heading and table."""
    parts: list[_Part] = []
    for entry in section.entries:
        if isinstance(entry, ItemBlock):
            parts.append(_Part(entry.heading, entry.rows))
        elif parts and parts[-1].heading is None:
            parts[-1].rows.append(entry)
        else:
            parts.append(_Part(None, [entry]))
    return parts


def _direction(line: str) -> str:
    """Right to left when the first strong character is (Arabic, Hebrew...), else left to right.

    The first-strong rule of `unicode-bidi: plaintext`, which WeasyPrint does not support:
    an answer in Arabic is then laid out and aligned right to left, others left to right.
    """
    for char in line:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def _language_name(code: str) -> str:
    """The language's own name ("English", "Cymraeg"), as GOV.UK language switches show it."""
    try:
        return Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code


def _aware(moment: datetime.datetime) -> datetime.datetime:
    # SQLite gives back naive datetimes: the store writes UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


@functools.cache
def _environment() -> Environment:
    """One environment for the process: templates are compiled once and never re-read."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        auto_reload=False,
        finalize=_printable,
    )
    env.filters["direction"] = _direction
    return env


def _printable(value: Any) -> Any:
    """Every text put into the document, with characters no installed font can draw named
    instead ("[thumbs up sign]").

    Otherwise WeasyPrint draws them with the .notdef glyph: an empty box for the caseworker,
    a PDF/UA failure (7.21.8), and a font encoding that some text extractors then misread
    for the whole font. With an emoji font installed, emoji are drawn as they are.
    """
    if not isinstance(value, str) or isinstance(value, Markup) or not _UNUSUAL.search(value):
        return value  # Markup is a macro's output: its own values went through here already
    return _UNUSUAL.sub(lambda m: m[0] if _drawable(m[0]) else f"[{_char_name(m[0])}]", value)


_UNUSUAL = re.compile(r"[^\x20-\x7e\n\t]")  # printable ASCII is in every font


@functools.lru_cache(maxsize=4096)
def _drawable(char: str) -> bool:
    coverage = _font_coverage()
    if coverage is None:
        return True  # cannot tell: leave it to WeasyPrint
    code = ord(char)
    starts, ends = coverage
    index = bisect.bisect_right(starts, code) - 1
    if index >= 0 and code <= ends[index]:
        return True
    # Default-ignorable characters (joiners, bidi marks, variation selectors) have no glyph.
    return unicodedata.category(char) == "Cf" or 0xFE00 <= code <= 0xFE0F


def _char_name(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.lower() if name else f"U+{ord(char):04X}"


@functools.cache
def _font_coverage() -> tuple[list[int], list[int]] | None:
    """The characters some installed font has, as sorted ranges (from fontconfig, which
    Pango asks for fallback fonts); None when fc-list is missing: then nothing is named."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    # Fixed arguments, no shell: nothing from a submission reaches this command.
    found = subprocess.run(  # noqa: S603
        [fc_list, "--format", "%{charset}\n"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    ranges = []
    for token in found.stdout.split():
        low, _, high = token.partition("-")
        ranges.append((int(low, 16), int(high or low, 16)))
    starts: list[int] = []
    ends: list[int] = []
    for low, high in sorted(ranges):
        if ends and low <= ends[-1] + 1:
            ends[-1] = max(ends[-1], high)
        else:
            starts.append(low)
            ends.append(high)
    return (starts, ends) if starts else None


@functools.cache
def _stylesheet() -> CSS:
    """The styles, parsed once (a CSS object can be shared by many documents)."""
    text = (TEMPLATES / "submission.css").read_text(encoding="utf-8")
    return CSS(string=text, base_url=BASE_URL, url_fetcher=_NoFetching())


@functools.lru_cache(maxsize=16)
def _footer(label: str) -> CSS:
    """`content` for "Page N of M" in the reader's language, from its translated message."""
    pieces = []
    for piece in re.split(r"(%\(pages?\)s)", label):
        if piece == "%(page)s":
            pieces.append("counter(page)")
        elif piece == "%(pages)s":
            pieces.append("counter(pages)")
        elif piece:
            pieces.append(_css_string(piece))
    content = " ".join(pieces) or '""'
    css = f"@page {{ @bottom-right {{ content: {content} }} }}"
    return CSS(string=css, base_url=BASE_URL, url_fetcher=_NoFetching())


def _css_string(text: str) -> str:
    """A CSS string literal: everything but letters, digits and spaces as hex escapes."""
    escaped = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x}" for c in text)
    return f'"{escaped}"'
