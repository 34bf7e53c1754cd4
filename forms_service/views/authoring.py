"""Form authors in the staff area: upload a definition and preview it, unpublished.

A member of staff with the `author` role (or an admin) uploads a YAML file. If it loads, it
is kept in their session only (never in the forms folder, never served to citizens) and
opens at /staff/author/<ref>/<form id>/ with the same pages, banner and tools as
`forms-service preview` (views/preview.py): example answers, start again, the PDF. The
answers tried on it stay in the session too, sealed (session_drafts.AuthorPreview); check
your answers sends nothing. If the file does not load, the upload page lists its problems
as file:line:col.
"""

from __future__ import annotations

import datetime
import functools
import secrets
from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from forms_service.clock import utcnow
from forms_service.definitions.watch import WatchedDefinition
from forms_service.roles import ADMIN, AUTHOR
from forms_service.views import form_pages, preview_tools
from forms_service.views.common import map_page
from forms_service.views.session_drafts import PREVIEWS, AuthorPreview
from forms_service.views.staff_access import audit, current_staff, staff_required

bp = Blueprint("authoring", __name__, url_prefix="/staff/author")
form_bp = Blueprint("author_form", __name__, url_prefix="/staff/author/<ref>")
form_pages.register(form_bp)
preview_tools.register(form_bp)
form_bp.context_processor(preview_tools.banner)

MAX_BYTES = 256 * 1024  # the longest real definition is about 60 KB
MAX_PREVIEWS = 3  # kept in the session: the oldest goes when a fourth is uploaded
FIELD = "definition"


@bp.route("/", methods=["GET", "POST"])
@staff_required(AUTHOR, ADMIN)
def index():
    """Upload a definition to preview, and the ones uploaded in this session."""
    errors: list[dict[str, str]] = []
    problems: list[Any] = []
    if request.method == "POST":
        upload = request.files.get(FIELD)
        data = upload.read(MAX_BYTES + 1) if upload is not None and upload.filename else b""
        name = (upload.filename or "").rsplit("/", 1)[-1][:100] if upload is not None else ""
        if not name:
            errors.append(_error(gettext("Select a form definition file")))
        elif not name.lower().endswith((".yaml", ".yml")):
            errors.append(_error(gettext("The selected file must be a YAML file (.yaml or .yml)")))
        elif len(data) > MAX_BYTES:
            errors.append(_error(gettext("The selected file must be smaller than 256 KB")))
        elif not data.strip():
            errors.append(_error(gettext("The selected file is empty")))
        elif not _utf8(data):
            errors.append(_error(gettext("The selected file must be saved as UTF-8 text")))
        else:
            watched = _loaded(data.decode("utf-8"), name)
            if watched.form is None:
                problems = watched.problems
                errors.append(
                    _error(gettext("The definition has problems: fix them and upload it again"))
                )
            else:
                ref = _keep(name, watched)
                audit("definition_previewed", watched.form.id)
                return redirect(url_for("author_form.start", ref=ref, form_id=watched.form.id))
    return render_template(
        "staff/authoring.html",
        errors=errors,
        problems=problems,
        uploads=_uploads(),
    )


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _error(text: str) -> dict[str, str]:
    return {"text": text, "href": f"#{FIELD}"}


def _keep(name: str, watched: WatchedDefinition) -> str:
    previews = dict(session.get(PREVIEWS) or {})
    while len(previews) >= MAX_PREVIEWS:
        oldest = min(previews, key=lambda ref: previews[ref]["uploaded"])
        del previews[oldest]
    ref = secrets.token_urlsafe(9)
    previews[ref] = {"name": name, "text": watched.text, "uploaded": utcnow().isoformat()}
    session[PREVIEWS] = previews
    return ref


def _uploads() -> list[dict[str, Any]]:
    """The definitions uploaded in this session, newest first, with what each holds."""
    rows = []
    for ref, entry in (session.get(PREVIEWS) or {}).items():
        watched = _watched(entry)
        rows.append(
            {
                "ref": ref,
                "name": entry["name"],
                "uploaded": datetime.datetime.fromisoformat(entry["uploaded"]),
                "form": watched.form,
                "warnings": len(watched.warnings),
            }
        )
    return sorted(rows, key=lambda row: row["uploaded"], reverse=True)


def _watched(entry: dict[str, Any]) -> WatchedDefinition:
    return _loaded(entry["text"], entry["name"])


@functools.lru_cache(maxsize=16)
def _loaded(text: str, name: str) -> WatchedDefinition:
    """An uploaded definition, loaded once per process (pages of a preview ask each time;
    the largest real form takes tens of milliseconds to load). Read only once loaded."""
    watched = WatchedDefinition(text=text, name=name, advice=preview_tools.advice)
    watched.refresh()
    return watched


@bp.post("/<ref>/remove")
@staff_required(AUTHOR, ADMIN)
def remove(ref: str):
    previews = dict(session.get(PREVIEWS) or {})
    previews.pop(ref, None)
    session[PREVIEWS] = previews
    return redirect(url_for("authoring.index"))


@form_bp.get("/map")
def uploaded_map():
    """The journey map of the uploaded definition, as published forms have theirs."""
    return map_page(
        g.author_preview.watched.form,
        url_for("authoring.index"),
        gettext("Your uploaded definitions"),
    )


@form_bp.url_value_preprocessor
def _take_ref(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.author_ref = (values or {}).pop("ref", None)


@form_bp.url_defaults
def _give_ref(endpoint: str, values: dict[str, Any]) -> None:
    if "ref" not in values and g.get("author_ref"):
        values["ref"] = g.author_ref


@form_bp.before_request
def _uploaded_definition():
    """Only its author (in their own session) previews an upload."""
    staff = current_staff()
    if staff is None:
        return redirect(url_for("staff.sign_in", next=request.full_path))
    if not staff.has_role(AUTHOR, ADMIN):
        abort(403)
    g.staff = staff
    entry = (session.get(PREVIEWS) or {}).get(g.author_ref)
    if entry is None:
        abort(404)
    watched = _watched(entry)
    if watched.form is None:  # loaded when uploaded; the loader has changed since
        return render_template("preview/problems.html", watched=watched)
    g.author_preview = AuthorPreview(g.author_ref, watched)
    return None
