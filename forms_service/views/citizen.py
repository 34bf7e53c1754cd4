"""The citizen's side of the service: the list of forms and each form's pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from forms_service.views import form_pages, satisfaction

bp = Blueprint("citizen", __name__)


@bp.get("/")
def index():
    forms = sorted(current_app.extensions["forms"].values(), key=lambda f: f.title.pick("en"))
    problems = []
    if current_app.config["ENV_NAME"] != "production":
        problems = current_app.extensions["definition_problems"]
    return render_template("index.html", forms=forms, problems=problems)


form_pages.register(bp)
# After the confirmation page: the GOV.UK feedback page (citizens only, not assisted).
bp.add_url_rule("/<form_id>/feedback", view_func=satisfaction.feedback, methods=["GET", "POST"])
