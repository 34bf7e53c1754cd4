"""A submission's documents for people: its PDF and its paper form, made in the language
asked for and cached in the database (exports.py keeps the cache rules).

Needs an application context (the store, settings, templates), not a request: the staff
pages, the API and the job that makes them at submission (jobs/tasks.py) all call here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, gettext

from forms_service.data import Store, Submission
from forms_service.exports import paper_pdf, paper_sha256, submission_pdf
from forms_service.rendition import StoredSubmission


def store() -> Store:
    return current_app.extensions["store"]


def setting(name: str, language: str) -> str:
    """A service-wide wording in a language: SERVICE_NAME, or SERVICE_NAME_CY in Welsh."""
    config = current_app.config
    return (language == "cy" and config.get(f"{name}_CY")) or config[name]


def make_pdf(submission: Submission, language: str | None = None) -> bytes:
    """The submission's PDF, for the API and the staff pages, with its current status and
    assignee on the cover line.

    It is in the submission's language (the citizen's), service words and all; that copy is
    cached in the database. `language` asks for another of the form's languages: a
    caseworker's English copy of a Welsh submission, made each time it is asked for.
    """
    language = language or submission.language
    assigned = store().user(submission.assigned_to) if submission.assigned_to else None
    assignee = (assigned.name or assigned.email) if assigned else None
    render = _pdf_renderer(language, assignee)
    with force_locale(language):  # the service's own words in the PDF's language
        if language != submission.language:
            return render(submission)
        return submission_pdf(store(), submission, render, assignee=assignee)


def has_paper_form(submission: StoredSubmission) -> bool:
    """Whether the submission can be downloaded as its paper form: its snapshot names a
    blank paper PDF by hash and the service has that PDF (which is not read here)."""
    sha256 = paper_sha256(submission)
    if sha256 is None:
        return False
    return _live_paper_pdf(sha256) is not None or store().has_paper_pdf(sha256)


def _live_paper_pdf(sha256: str) -> tuple[str, bytes] | None:
    """The blank paper PDF with this hash if a form loaded now names it: (file, bytes)."""
    for form in current_app.extensions["forms"].values():
        paper = form.paper_form
        if paper is not None and paper.sha256 == sha256 and paper.pdf:
            return paper.file, paper.pdf
    return None


def _blank_paper_pdf(sha256: str) -> bytes | None:
    """The blank paper PDF a snapshot names: kept in the database (recorded at start-up,
    and here when start-up could not write it), whatever the folder holds today."""
    blank = store().paper_pdf(sha256)
    if blank is None and (live := _live_paper_pdf(sha256)) is not None:
        store().record_paper_pdfs({sha256: live})  # for when the file changes or goes
        blank = live[1]
    return blank


def make_paper_pdf(submission: StoredSubmission) -> bytes | None:
    """The submission filled into the paper form it was mapped to, for the API and the
    staff pages; None when its form names none, or that PDF is not kept.

    The blank PDF is the one the snapshot names by hash, never the file in the definitions
    folder today; the filled copy is cached in the database, in the submission's language.
    """
    sha256 = paper_sha256(submission)
    blank = _blank_paper_pdf(sha256) if sha256 else None
    if blank is None:
        return None
    with force_locale(submission.language):  # the continuation sheet's words
        return paper_pdf(store(), submission, _paper_filler(submission.language, blank))


def unsent_pdf(submission: StoredSubmission) -> bytes:
    """The PDF answers would make if they were sent (a form author's preview): made each
    time, kept nowhere."""
    with force_locale(submission.language):
        return _pdf_renderer(submission.language, None)(submission)


def unsent_paper_pdf(submission: StoredSubmission, blank_pdf: bytes) -> bytes:
    """The answers filled into the form's paper form (a form author's preview): made each
    time, kept nowhere."""
    with force_locale(submission.language):
        return _paper_filler(submission.language, blank_pdf)(submission)


def _paper_filler(language: str, blank_pdf: bytes) -> Callable[[StoredSubmission], bytes]:
    from forms_service.paper.filling import fill_paper_form  # pypdf: load on first use

    return partial(
        fill_paper_form,
        blank_pdf=blank_pdf,
        static_folder=Path(current_app.static_folder or "static"),
        service_name=setting("SERVICE_NAME", language),
        gettext=gettext,
        language=language,
    )


def _pdf_renderer(language: str, assignee: str | None) -> Callable[[StoredSubmission], bytes]:
    from forms_service.pdf import render_submission_pdf  # WeasyPrint: load on first use

    return partial(
        render_submission_pdf,
        static_folder=Path(current_app.static_folder or "static"),
        service_name=setting("SERVICE_NAME", language),
        gettext=gettext,
        assignee=assignee,
        language=language,
    )
