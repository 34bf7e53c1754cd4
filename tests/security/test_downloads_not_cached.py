"""Item 10: a download (PDF, JSON, CSV) or an API answer holds personal data, so no browser
or shared cache may keep it: `Cache-Control: no-store` on every one, not only on pages."""

from __future__ import annotations

import datetime

from forms_service.data import new_reference
from forms_service.passwords import hash_password

PASSWORD = "correct horse battery staple"
FORM = "prison-visit-booking"


def _submission(app) -> str:
    store = app.extensions["store"]
    form = app.extensions["forms"][FORM]
    answers = {"prisoner_first_name": "Canary", "prisoner_last_name": "Person"}
    draft = store.update_draft("session-downloads", FORM, form.version, "en", lambda _: answers)
    submission = store.submit(
        draft.id,
        make_reference=lambda: new_reference("PVB"),
        build=lambda _draft: {
            "form_id": FORM,
            "form_version": form.version,
            "definition": form.snapshot,
            "answers": answers,
            "language": "en",
            "channel": "online",
            "applicant_name": "Canary Person",
            "due_on": datetime.date(2026, 6, 1),
        },
    )
    return submission.reference


def test_every_download_and_api_answer_says_no_store(live, visitor):
    url, app = live()
    store = app.extensions["store"]
    store.create_user("case@example.com", "Casey", "caseworker", [FORM], hash_password(PASSWORD))
    reference = _submission(app)
    staff = visitor(url)
    staff.get("/staff/sign-in")
    signed_in = staff.post("/staff/sign-in", {"email": "case@example.com", "password": PASSWORD})
    assert signed_in.status_code == 302
    for path in (
        f"/staff/submissions/{reference}.pdf",
        f"/staff/submissions/{reference}.json",
        "/staff/export.csv",
    ):
        response = staff.get(path)
        assert response.status_code == 200, path
        assert response.headers.get("Cache-Control") == "no-store", path

    token = store.issue_api_token("Casework", [FORM])
    api = visitor(url, headers={"Authorization": f"Bearer {token}"})
    for path, status in (
        ("/api/v1/submissions", 200),
        (f"/api/v1/submissions/{reference}", 200),
        (f"/api/v1/submissions/{reference}/pdf", 200),
        ("/api/v1/no-such-thing", 404),
    ):
        response = api.get(path)
        assert response.status_code == status, path
        assert response.headers.get("Cache-Control") == "no-store", path

    # The service's own stylesheets and fonts may still be cached.
    assert "no-store" not in staff.get("/static/app.css").headers.get("Cache-Control", "")
