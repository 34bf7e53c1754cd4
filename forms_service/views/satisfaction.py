"""The GOV.UK feedback page after a submission: "Overall, how did you feel about the service
you received today?" and an optional comment, once per submission, for the citizen whose
browser session sent it. Stored anonymously (data/feedback.py): the rating as a `feedback`
journey event, the comment sealed; neither names the submission, the draft or the session.
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from forms_service.journey import AnswerReader
from forms_service.performance.events import CHANNELS, ONLINE, RATINGS
from forms_service.question_types.base import N_
from forms_service.views.common import get_form, store, today
from forms_service.views.form_pages import _sent_from_here as sent_from_here
from forms_service.views.service_info import language_for

COMMENT_MAX = 1200
# The submissions this browser session has given feedback on (their ids), so a second POST
# (a double click, the back button) is thanked again but not counted again.
GIVEN = "feedback_given"
GIVEN_KEPT = 20
# performance/events.py RATINGS, marked for translation here (best first).
RATING_LABELS = {
    5: N_("Very satisfied"),
    4: N_("Satisfied"),
    3: N_("Neither satisfied or dissatisfied"),
    2: N_("Dissatisfied"),
    1: N_("Very dissatisfied"),
}
assert set(RATING_LABELS) == set(RATINGS)


def feedback(form_id: str):
    form = get_form(form_id)
    submission = sent_from_here(form)
    if submission is None:
        return redirect(url_for("citizen.start", form_id=form.id))
    language = language_for(form)
    reader = AnswerReader(
        form, submission.answers, today=today(), language=language, gettext=gettext
    )
    g.form, g.journey, g.language = form, reader, reader.language
    title = reader.text(form.title)
    given = list(session.get(GIVEN) or [])
    if submission.id in given:
        return render_template("journey/feedback_done.html", form_title=title)
    errors: dict[str, str] = {}
    rating = request.form.get("rating", "")
    comment = request.form.get("comment", "").replace("\r\n", "\n").strip()
    if request.method == "POST":
        if not rating.isdigit() or int(rating) not in RATINGS:
            errors["rating"] = gettext("Select how you felt about the service")
        if len(comment) > COMMENT_MAX:
            errors["comment"] = gettext(
                "How could we improve this service must be 1,200 characters or fewer"
            )
        if not errors:
            channel = submission.channel if submission.channel in CHANNELS else ONLINE
            store().give_feedback(
                {
                    "form_id": form.id,
                    "form_version": submission.form_version,
                    "channel": channel,
                    "language": reader.language,
                    "journey": store().draft_journey(submission.draft_id),
                    "value": int(rating),
                },
                comment or None,
            )
            session[GIVEN] = [*given, submission.id][-GIVEN_KEPT:]
            return redirect(url_for("citizen.feedback", form_id=form.id))
    return render_template(
        "journey/feedback.html",
        form_title=title,
        ratings=[(value, gettext(label)) for value, label in RATING_LABELS.items()],
        rating=rating,
        comment=comment,
        comment_max=COMMENT_MAX,
        errors=errors,
    ), (422 if errors else 200)
