"""The emails a submission causes: the citizen's confirmation and the team's notice.

Both are jobs (jobs/registry.py): queued with the submission, in the same transaction, by
reference only; the address is found here, when the job runs, from the sealed submission.
A job may run twice (a worker killed after sending), so each records its effect and checks
for it first: one email per submission, per address the citizen asked for.
"""

from __future__ import annotations

import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale, gettext, ngettext
from markupsafe import Markup, escape

from forms_service.definitions.loader import load_snapshot
from forms_service.definitions.model import Form
from forms_service.delivery.recipients import answered_address
from forms_service.jobs.registry import task
from forms_service.journey.reader import AnswerReader
from forms_service.mailer import Email
from forms_service.markdown import render_markdown
from forms_service.rendition import AnswerRow, read_submission

STAFF_SUBMISSION_PATH = "/staff/submissions/{reference}"


def _store() -> Any:
    return current_app.extensions["store"]


def _render(name: str, **context: Any) -> str:
    # The environment's own render: no request here, so no request context processors.
    return current_app.jinja_env.get_template(name).render(**context)


def confirmation_key(reference: str, given: int = 0) -> str:
    return f"confirmation_email:{reference}" + (f":given:{given}" if given else "")


@task("confirmation_email")
def confirmation_email(reference: str, given: int = 0) -> None:
    """Email the citizen their reference (and, if the form allows, their answers).

    `given` 0: to the address among their answers. `given` n: to the address they typed
    on the confirmation page (or gave a member of staff), the n-th time they asked; a later
    request replaces an earlier one, so only the newest address is written to."""
    store = _store()
    key = confirmation_key(reference, given)
    if store.effect_done(key):
        return
    submission = store.get_submission(reference)
    if submission is None:  # deleted since (retention): nothing to send
        return
    form = load_snapshot(submission.definition)
    if given:
        address, latest = store.confirmation_address(submission.id)
        if latest != given:
            return  # they asked again since: that request's job sends it
    else:
        address = answered_address(form, submission.answers or {})
    if not address:
        return
    current_app.extensions["mailer"].send(confirmation_message(form, submission, address))
    store.record_effect(key, submission.id)


def confirmation_message(form: Form, submission: Any, address: str) -> Email:
    """The confirmation email, in the submission's language."""
    language = submission.language if submission.language in form.languages else None
    language = language or form.default_language
    reference = submission.reference
    with force_locale(language):
        reader = AnswerReader(
            form,
            submission.answers or {},
            today=_day(submission.submitted_at),
            language=language,
            gettext=gettext,
        )
        title = form.title.pick(language)
        context = {
            "language": language,
            "title": title,
            "reference": reference,
            **_next_steps(form, reader, reference),
            "sections": _answers(submission, language)
            if form.confirmation_email.copy_of_answers
            else None,
        }
        return Email(
            to=address,
            subject=gettext(
                "%(title)s: your reference %(reference)s", title=title, reference=reference
            ),
            text=_render("emails/confirmation.txt", **context),
            html=_render("emails/confirmation.html", **context),
        )


def _day(moment: datetime.datetime | None) -> datetime.date:
    return moment.date() if moment else datetime.date.today()


def _next_steps(form: Form, reader: AnswerReader, reference: str) -> dict[str, Any]:
    """What happens next, as the confirmation page says it: the form's confirmation body,
    else its service standard, else a general sentence."""
    body = form.confirmation.body if form.confirmation else None
    if body is not None:
        html = str(render_markdown(reader.pick(body)))  # the author's text, escaped
        # Safe: the only text put into that HTML is answers, each passed through escape().
        return {
            "next_html": Markup(reader.fill(html, escape=escape, extra={"reference": reference})),  # noqa: S704
            "next_text": reader.text(body, reference=reference),
        }
    if form.sla_working_days:
        days = form.sla_working_days
        sentence = ngettext(
            "We will contact you within %(num)d working day to tell you what happens next.",
            "We will contact you within %(num)d working days to tell you what happens next.",
            days,
        )
    else:
        sentence = gettext("We will contact you to tell you what happens next.")
    return {"next_html": None, "next_text": sentence}


def _answers(submission: Any, language: str) -> list[dict[str, Any]]:
    """The answers as check your answers lists them, as plain text (the templates escape)."""
    _form, sections = read_submission(
        submission.definition,
        submission.answers or {},
        language,
        gettext,
        today=_day(submission.submitted_at),
        channel=submission.channel,
    )
    shown = []
    for section in sections:
        blocks: list[dict[str, Any]] = [{"heading": None, "rows": []}]
        for entry in section.entries:
            if isinstance(entry, AnswerRow):
                blocks[-1]["rows"].append({"label": entry.label, "lines": entry.lines})
            elif hasattr(entry, "rows"):  # a repeat item under its own heading
                rows = [{"label": r.label, "lines": r.lines} for r in entry.rows]
                blocks.append({"heading": entry.heading, "rows": rows})
                blocks.append({"heading": None, "rows": []})
        shown.append({"title": section.title, "blocks": [b for b in blocks if b["rows"]]})
    return shown


@task("team_notice")
def team_notice(reference: str) -> None:
    """Tell the form's team (`notify_email`) a submission arrived: its reference and a link
    to it in the staff area, no answers and nothing personal (email is not a safe place)."""
    store = _store()
    key = f"team_notice:{reference}"
    if store.effect_done(key):
        return
    submission = store.get_submission(reference)
    if submission is None:
        return
    form = load_snapshot(submission.definition)
    if not form.notify_email:
        return
    language = form.default_language
    link = current_app.config["SERVICE_URL"].rstrip("/") + STAFF_SUBMISSION_PATH.format(
        reference=reference
    )
    with force_locale(language):
        title = form.title.pick(language)
        context = {"language": language, "title": title, "reference": reference, "link": link}
        email = Email(
            to=form.notify_email,
            subject=gettext("%(reference)s received", reference=reference),
            text=_render("emails/team_notice.txt", **context),
            html=_render("emails/team_notice.html", **context),
        )
    current_app.extensions["mailer"].send(email)
    store.record_effect(key, submission.id)
