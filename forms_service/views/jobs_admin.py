"""Failed jobs, for administrators: what used up its attempts (an email the mail server
kept refusing, a webhook endpoint down for a day) and a button to try it again."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext

from forms_service.question_types.base import N_
from forms_service.roles import ADMIN
from forms_service.views.common import store
from forms_service.views.staff_access import audit, staff_required, tell

bp = Blueprint("jobs_admin", __name__, url_prefix="/staff/jobs")

# What each job is, as an administrator reads it.
JOB_NAMES = {
    "render_pdfs": N_("Make the submission’s PDF"),
    "resume_link": N_("Email a link to continue an application"),
    "purge": N_("Delete what is past its retention period"),
    "confirmation_email": N_("Email the applicant a confirmation"),
    "team_notice": N_("Email the team about a new submission"),
    "webhook": N_("Send the submission to a webhook"),
}


@bp.get("/")
@staff_required(ADMIN)
def failed():
    jobs = store().failed_jobs()
    return render_template(
        "staff/jobs.html",
        jobs=jobs,
        names={name: gettext(text) for name, text in JOB_NAMES.items()},
        waiting=store().queued_job_count(),
    )


@bp.post("/<int:job_id>/retry")
@staff_required(ADMIN)
def retry(job_id: int):
    if not store().retry_failed_job(job_id):
        abort(404)  # not failed (any more): retried by someone else, or gone
    audit("job_retried", str(job_id))
    tell(gettext("The job will be tried again shortly."))
    return redirect(url_for("jobs_admin.failed"), code=303)
