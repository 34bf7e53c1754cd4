"""A journey in a request: the runner for the person's draft, saving it, and the URL of a
Place. The runner (forms_service.journey) decides; this module only connects it to Flask."""

from __future__ import annotations

from collections.abc import Callable

from flask import g, session, url_for
from flask_babel import gettext

from forms_service.definitions.model import Form
from forms_service.journey import LIVE, Place, Runner, migrate
from forms_service.views.common import store, today

DEFAULT_RETENTION_DAYS = 28


def retention(form: Form) -> int:
    """How many days a draft is kept after its last save."""
    return form.retention_days or DEFAULT_RETENTION_DAYS


def load_runner(form: Form, mode: str = LIVE) -> tuple[Runner, int | None]:
    """The runner for this session's draft of the form, and the draft's id (None: no draft).

    A draft started on another version of the form is fitted to this one first.
    """
    draft = None
    if session.token is not None:
        draft = store().find_draft(session.key, form.id)
    saved = dict(draft.answers or {}) if draft else {}
    if draft is not None and draft.form_version != form.version:
        migrated = migrate(form, saved, today())
        draft = store().update_draft(
            session.key,
            form.id,
            form.version,
            draft.language,
            lambda _old: migrated,
            retention_days=retention(form),
        )
        saved = dict(draft.answers)
        session["form_changed"] = form.id
    runner = Runner(
        form, saved, today=today(), mode=mode, language=session.get("language"), gettext=gettext
    )
    remember(form, runner)
    return runner, draft.id if draft else None


def save(form: Form, runner: Runner, change: Callable[[dict], dict]) -> Runner:
    """Apply a change to the draft in one transaction and return the runner after it."""
    draft = store().update_draft(
        session.key,
        form.id,
        form.version,
        runner.language,
        change,
        retention_days=retention(form),
    )
    after = runner.with_saved(draft.answers)
    remember(form, after)
    return after


def remember(form: Form, runner: Runner) -> None:
    """What every page of the journey needs (base template, language) without being told."""
    g.language = runner.language
    g.form = form
    g.journey = runner.journey


def url_for_place(form: Form, place: Place) -> str:
    """The one place where the runner's answers become URLs."""
    if place.kind == "step" and place.step is not None:
        url = f"/{form.id}/{place.step.path}"
        if place.change:
            url += "?change=1" + ("&recheck=1" if place.recheck else "")
        return url
    return url_for(f"citizen.{place.kind}", form_id=form.id)
