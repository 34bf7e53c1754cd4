"""Journey maps in the staff area: each form's journey as a picture and as an outline.

The map shows a form's structure, not anybody's answers. Admins, assisted-digital staff
(who fill in any form) and form authors see every form's map; caseworkers see the maps of
the forms they work on, and any other form is "not found", as in their inbox.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, g, render_template, url_for
from flask_babel import gettext

from forms_service.data import StaffUser
from forms_service.definitions.model import Form
from forms_service.roles import ADMIN, ASSISTED_DIGITAL, AUTHOR
from forms_service.views.common import map_page
from forms_service.views.staff_access import staff_required

bp = Blueprint("maps", __name__, url_prefix="/staff/forms")
log = logging.getLogger(__name__)


def mappable_forms(user: StaffUser) -> list[Form]:
    """The forms whose maps this member of staff may see, by title."""
    forms = current_app.extensions["forms"]
    if user.has_role(ADMIN, ASSISTED_DIGITAL, AUTHOR):
        chosen = list(forms.values())
    else:
        chosen = [forms[form_id] for form_id in user.forms or [] if form_id in forms]
    return sorted(chosen, key=lambda form: form.title.pick("en"))


@bp.get("/")
@staff_required()
def index():
    return render_template(
        "staff/forms.html", journey=None, form=None, forms=mappable_forms(g.staff)
    )


@bp.get("/<form_id>/map")
@staff_required()
def form_map(form_id: str):
    form = next((f for f in mappable_forms(g.staff) if f.id == form_id), None)
    if form is None:
        abort(404)
    return map_page(form, url_for("maps.index"), gettext("Forms"))
