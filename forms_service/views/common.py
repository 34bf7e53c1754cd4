"""What the blueprints share: the store, the loaded forms, today's date, a submission's PDFs.

Blueprints import this module, never each other.
"""

from __future__ import annotations

import datetime
import logging

from flask import abort, current_app, g, render_template
from flask_babel import gettext
from markupsafe import Markup

from forms_service.clock import today_in_london
from forms_service.data import Store
from forms_service.definitions.model import Form
from forms_service.documents import (  # noqa: F401  the views' names for them
    has_paper_form,
    make_paper_pdf,
    make_pdf,
    unsent_paper_pdf,
    unsent_pdf,
)
from forms_service.journey.map import (
    GraphvizMissing,
    RenderFailed,
    describe,
    inline_svg,
    journey_map,
    render,
)

log = logging.getLogger(__name__)


def store() -> Store:
    return current_app.extensions["store"]


def get_form(form_id: str) -> Form:
    """The definition served at /<form_id>/, or a 404 page: a published one, or the one a
    form author uploaded to preview (views/authoring.py)."""
    previewed = g.get("author_preview")
    if previewed is not None:
        form = previewed.watched.form
        if form is None or form.id != form_id:
            abort(404)
        return form
    form = current_app.extensions["forms"].get(form_id)
    if form is None:
        abort(404)
    return form


def today() -> datetime.date:
    """Today in England and Wales (tests may fix it with FIXED_TODAY)."""
    fixed = current_app.config.get("FIXED_TODAY")
    return fixed or today_in_london()


def missing_parts_message(kind: str, label: str) -> str:
    """ "Start date must include a month and a year": a date input's "missing_month_and_year"
    problem in the GOV.UK date input pattern's words (staff filters' dates)."""
    missing = kind.removeprefix("missing_").split("_and_")
    words = {"day": gettext("a day"), "month": gettext("a month"), "year": gettext("a year")}
    return gettext("%(label)s must include %(parts)s") % {
        "label": label,
        "parts": f" {gettext('and')} ".join(words[m] for m in missing),
    }


def map_page(form: Form, back: str, back_text: str) -> str:
    """A form's journey map page: the picture (when Graphviz draws it) and the outline
    (staff's Forms pages, a definition an author uploaded, forms-service preview)."""
    journey = journey_map(form, gettext)
    picture, missing = None, False
    try:
        # Graphviz escapes every text of the SVG (the labels were escaped for DOT too), and
        # inline_svg refuses any element or attribute dot does not draw with: no script,
        # link or style, so the page's CSP stands.
        svg = inline_svg(render(journey, "svg", gettext).decode("utf-8"))
        picture = Markup(svg)  # noqa: S704
    except GraphvizMissing:
        missing = True
    except RenderFailed as error:
        log.warning("journey map of %s not drawn: %s", form.id, error)
    return render_template(
        "staff/form_map.html",
        journey=None,
        form=None,
        map=journey,
        description=describe(journey, gettext),
        picture=picture,
        missing=missing,
        back=back,
        back_text=back_text,
    )
