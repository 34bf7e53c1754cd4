"""Preview: a form author tries the definition they are writing (`forms-service preview`).

The app serves one definition file, read again whenever it changes (definitions/watch.py),
in the journey runner's preview mode, with a database of its own that is thrown away when
the preview stops (cli.py): the answers typed are never kept. Every page has a banner
saying so, with the definition's warnings, a "Fill with example answers" button
(journey/examples.py) and "Start again". A definition that does not load shows its problems
(file:line:col) instead of the form until the file is saved again. Check your answers links
to the PDF the answers would make. With JavaScript on, a page reloads itself when the file
changes.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from forms_service.definitions.watch import WatchedDefinition
from forms_service.views import preview_tools
from forms_service.views.common import map_page

bp = Blueprint("preview", __name__)

ALWAYS_SERVED = {"static", "assets", "preview.revision"}  # even while the file has problems


def init_app(app: Flask, watched: WatchedDefinition) -> None:
    """Serve `watched` as the app's only form, read again on every request that finds the
    file changed."""
    app.extensions["preview"] = watched
    watched.refresh()
    _read(app, watched)
    app.register_blueprint(bp)

    @app.before_request
    def read_again():
        if watched.refresh():
            _read(app, watched)
        if watched.form is None and request.endpoint not in ALWAYS_SERVED:
            return render_template("preview/problems.html", watched=watched), 200
        if request.endpoint == "citizen.index":
            return redirect(url_for("citizen.start", form_id=watched.form.id))
        return None

    app.context_processor(preview_tools.banner)


def _read(app: Flask, watched: WatchedDefinition) -> None:
    """Serve the latest reading of the file (refresh() has just made it)."""
    form = watched.form
    app.extensions["forms"] = {form.id: form} if form is not None else {}
    app.extensions["definition_problems"] = list(watched.problems)
    if form is not None:
        app.extensions["store"].record_form_versions({(form.id, form.version): form.snapshot})


@bp.get("/preview/revision")
def revision():
    """The reading of the file the pages show; the banner's script reloads when it moves."""
    watched: WatchedDefinition = current_app.extensions["preview"]
    return jsonify(revision=watched.revision)


@bp.get("/preview/map")
def journey_map_page():
    """The journey map of the definition previewed, drawn again when the file changes."""
    watched: WatchedDefinition = current_app.extensions["preview"]
    form = watched.form
    return map_page(form, url_for("citizen.start", form_id=form.id), gettext("Back to the form"))


preview_tools.register(bp)
