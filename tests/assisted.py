"""Assisted-digital submissions for integration tests, made through the store's own path.

A member of staff's draft (store.start_assisted_draft) is submitted with store.submit, as
the assisted journey does, with a complete set of realistic answers (those the PDF tests
build), so every output of the submission can be read back.
"""

from __future__ import annotations

import datetime
from typing import Any

from forms_service.assisted import channel_of
from forms_service.data import Submission
from forms_service.data.submissions import new_reference
from tests.test_pdf import submission as sample_submission

PRISON = "prison-visit-booking"


def submit_assisted(
    app: Any,
    staff_email: str,
    *,
    form_id: str = PRISON,
    citizen_name: str = "Ana Silva",
    method: str = "telephone",
    note: str | None = None,
    handed_over_at: str | None = None,
) -> Submission:
    """A submission a member of staff entered for a citizen (channel paper for a paper form)."""
    store = app.extensions["store"]
    form = app.extensions["forms"][form_id]
    staff = store.user_by_email(staff_email)
    how: dict[str, Any] = {"staff_name": staff.name, "citizen_name": citizen_name, "method": method}
    if note is not None:
        how["note"] = note
    _, draft = store.start_assisted_draft(form.id, form.version, "en", staff.id, how)
    if handed_over_at is not None:
        how["handed_over_at"] = handed_over_at
    answers = sample_submission(form_id).answers
    submission = store.submit(
        draft.id,
        make_reference=lambda: new_reference(form.reference_prefix or "ASD"),
        build=lambda _draft: {
            "form_id": form.id,
            "form_version": form.version,
            "definition": form.snapshot,
            "answers": answers,
            "language": "en",
            "channel": channel_of(method),
            "applicant_name": citizen_name,
            "due_on": datetime.date.today() + datetime.timedelta(days=10),
            "staff_user_id": staff.id,
            "assisted": how,
        },
        actor=staff.name,
        actor_id=staff.id,
    )
    return store.get_submission(submission.reference)
