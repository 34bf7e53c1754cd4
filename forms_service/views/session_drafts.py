"""A journey in a request: the runner for the draft being filled in, saving it, and the URL
of a Place. The runner (forms_service.journey) decides; this module only connects it to
Flask.

Two kinds of people fill a form in through the same pages (views/form_pages.py):
- a citizen, whose draft belongs to their browser session (blueprint "citizen", /<form>/...);
- a member of staff filling it in for a citizen (assisted digital), whose draft belongs to
  them and is named by a reference in the URL (blueprint "assisted_form",
  /staff/assisted/<reference>/<form>/...). views/assisted.py sets `g.assisted` for those.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, g, request, session, url_for
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge, TooManyRequests

from forms_service.data import Draft, StaffUser
from forms_service.definitions.model import Form
from forms_service.journey import ASSISTED_MODE, LIVE, PREVIEW, Place, Runner, migrate
from forms_service.retention import draft_days
from forms_service.views.common import store, today

HOUR = datetime.timedelta(hours=1)


class DraftTooLarge(RequestEntityTooLarge):
    """A change would make the draft larger than DRAFT_MAX_BYTES: it is not saved. Pages
    show it on the field; anywhere else it is the "too long" page (413)."""


class TooManyDrafts(TooManyRequests):
    """This address started more than DRAFTS_PER_IP drafts in the last hour (429)."""


@dataclass(frozen=True)
class AssistedDraft:
    """The assisted-digital draft a staff page is about, and who is filling it in."""

    reference: str
    draft: Draft
    staff: StaffUser


def assisted() -> AssistedDraft | None:
    """The assisted draft of this request, if a member of staff is filling a form in."""
    return g.get("assisted")


def retention(form: Form) -> int:
    """How many days a draft is kept after its last save."""
    return draft_days(form)


@dataclass(frozen=True)
class AuthorPreview:
    """A definition a form author uploaded in the staff area, being previewed: it is kept
    in their session only (never published), and so are the answers they try it with,
    sealed (a preview's answers are never in the drafts table)."""

    ref: str
    watched: Any  # definitions.watch.WatchedDefinition


PREVIEWS = "author_previews"  # session: {ref: {"name", "text", "uploaded", "answers"}}
PREVIEW_NOTICE = "preview_notice"


def author_preview() -> AuthorPreview | None:
    """The uploaded definition this request previews, if any (views/authoring.py)."""
    return g.get("author_preview")


def tell_author(text: str) -> None:
    """A line for the preview banner of the next page (why example answers stopped)."""
    session[PREVIEW_NOTICE] = text


def _preview_answers(preview: AuthorPreview) -> dict:
    sealed = (session.get(PREVIEWS) or {}).get(preview.ref, {}).get("answers")
    if not sealed or session.token is None:
        return {}
    return store().open_for_session(session.key, f"preview:{preview.ref}", sealed) or {}


def _keep_preview_answers(preview: AuthorPreview, answers: dict) -> None:
    previews = dict(session.get(PREVIEWS) or {})
    if preview.ref not in previews:
        return  # removed in another tab meanwhile: nothing to keep it with
    entry = dict(previews[preview.ref])
    entry["answers"] = store().seal_for_session(session.key, f"preview:{preview.ref}", answers)
    previews[preview.ref] = entry
    session[PREVIEWS] = previews


def _draft_key() -> str:
    helping = assisted()
    return helping.draft.session_key if helping else session.key


def load_runner(form: Form) -> tuple[Runner, int | None]:
    """The runner for the draft of the form being filled in, and the draft's id (None: no
    draft yet): the browser session's, or the member of staff's assisted one.

    A draft started on another version of the form is fitted to this one first.
    """
    preview = author_preview()
    if preview is not None:
        saved = _preview_answers(preview)
        runner = Runner(
            form, saved, today=today(), mode=PREVIEW, language=session.get("language"),
            gettext=gettext,
        )  # fmt: skip
        remember(form, runner)
        g.draft_id = None
        return runner, (0 if saved else None)  # 0: answers held in the session, no draft
    helping = assisted()
    draft = None
    if helping is not None:
        if helping.draft.form_id != form.id:
            abort(404)
        draft = helping.draft
    elif session.token is not None:
        draft = store().open_draft(session.key, form.id)
    saved = dict(draft.answers or {}) if draft else {}
    if draft is not None and draft.form_version != form.version:
        migrated = migrate(form, saved, today())
        draft = store().update_draft(
            _draft_key(),
            form.id,
            form.version,
            draft.language,
            lambda _old: migrated,
            retention_days=retention(form),
        )
        saved = dict(draft.answers)
        session["form_changed"] = form.id
    chosen = session.get("language")
    if draft is not None and chosen in form.languages and chosen != draft.language:
        store().set_draft_language(draft.id, chosen)  # chosen with ?lang= on a link
    runner = Runner(
        form,
        saved,
        today=today(),
        mode=ASSISTED_MODE if helping else _mode(),
        language=session.get("language"),
        gettext=gettext,
    )
    remember(form, runner)
    g.draft_id = draft.id if draft else None
    return runner, draft.id if draft else None


def _mode() -> str:
    """A citizen's journey, or a form author's in `forms-service preview`."""
    return PREVIEW if "preview" in current_app.extensions else LIVE


def save(form: Form, runner: Runner, change: Callable[[dict], dict]) -> Runner:
    """Apply a change to the draft in one transaction and return the runner after it.

    Raises DraftTooLarge (nothing saved) when the draft would outgrow DRAFT_MAX_BYTES, and
    TooManyDrafts when it would be a new citizen's draft from an address that started too
    many this hour (existing drafts always save).
    """
    preview = author_preview()
    if g.get("draft_id") is None and assisted() is None and preview is None:
        _count_new_draft()
    limit = current_app.config["DRAFT_MAX_BYTES"]

    def bounded(saved: dict) -> dict:
        after = change(saved)
        if draft_size(after) > limit:
            raise DraftTooLarge()  # inside the transaction: it is rolled back
        return after

    if preview is not None:
        answers = bounded(runner.journey.saved)
        _keep_preview_answers(preview, answers)
        after = runner.with_saved(answers)
        remember(form, after)
        return after

    draft = store().update_draft(
        _draft_key(),
        form.id,
        form.version,
        runner.language,
        bounded,
        retention_days=retention(form),
    )
    g.draft_id = draft.id
    after = runner.with_saved(draft.answers)
    remember(form, after)
    return after


def switch_language(form: Form, language: str) -> None:
    """The citizen chose another of the form's languages: the session and their draft
    remember it (the draft's emails, PDF and resumed pages follow it)."""
    session["language"] = language
    if g.get("draft_id") is not None:
        store().set_draft_language(g.draft_id, language)


def draft_size(answers: dict) -> int:
    """The size of a draft's answers in bytes, as JSON."""
    text = json.dumps(answers, ensure_ascii=False, separators=(",", ":"), default=str)
    return len(text.encode())


def _count_new_draft() -> None:
    key = f"draft:ip:{request.remote_addr or 'unknown'}"
    if not store().hit(key, current_app.config["DRAFTS_PER_IP"], HOUR):
        raise TooManyDrafts()


def remember(form: Form, runner: Runner) -> None:
    """What every page of the journey needs (base template, language) without being told."""
    g.language = runner.language
    g.form = form
    g.journey = runner.journey


def mark_resumed(form: Form) -> None:
    """Someone came back to a saved draft: the page they land on says so, once."""
    session["resumed"] = form.id


def take_resumed(form: Form) -> bool:
    """Whether this page is where someone came back to a draft of the form (then the flag
    is gone: a reload does not show the "You have saved answers" banner again)."""
    if session.get("resumed") is None:
        return False  # nothing to write to the session
    return session.pop("resumed") == form.id


def pages_blueprint() -> str:
    """The blueprint serving the form's pages to whoever is filling it in."""
    if author_preview() is not None:
        return "author_form"
    return "assisted_form" if assisted() else "citizen"


def url_for_place(form: Form, place: Place) -> str:
    """The one place where the runner's answers become URLs."""
    if place.kind == "step" and place.step is not None:
        url = url_for(f"{pages_blueprint()}.start", form_id=form.id) + place.step.path
        if place.change:
            url += "?change=1" + ("&recheck=1" if place.recheck else "")
        return url
    return url_for(f"{pages_blueprint()}.{place.kind}", form_id=form.id)
