"""Signing members of staff in through the Flask client, second factor included.

An admin or assisted-digital member of staff (STAFF_TWO_FACTOR=privileged, the default)
sets up an authenticator on their first sign-in, through the real pages, and gives a
security code after the password from then on. The codes are made with pyotp from the
stored secret, as their phone would.
"""

from __future__ import annotations

import re
from typing import Any

import pyotp

from forms_service.passwords import hash_password
from tests.citizen import Citizen

PASSWORD = "correct horse battery staple"
SECRET = re.compile(r'<code class="app-secret"[^>]*>([A-Z2-7 ]+)</code>')
CONTINUE = re.compile(r'<a class="govuk-button"[^>]*href="([^"]+)"')


def add_caseworker_and_admin(store: Any) -> None:
    """Casey Worker (caseworker on the prison visit form) and Ada Admin, both with PASSWORD."""
    store.create_user(
        "case@example.com",
        "Casey Worker",
        "caseworker",
        ["prison-visit-booking"],
        hash_password(PASSWORD),
    )
    store.create_user("admin@example.com", "Ada Admin", "admin", [], hash_password(PASSWORD))


def sign_in(app: Any, email: str, password: str = PASSWORD) -> tuple[Citizen, Any]:
    """A new browser signing in: (its client, the password page's response)."""
    staff = Citizen(app.test_client())
    staff.get("/staff/sign-in")
    return staff, staff.post("/staff/sign-in", {"email": email, "password": password})


def second_factor(app: Any, staff: Citizen, email: str, response: Any) -> str | None:
    """Give the second factor if the password page asked for it (setting the authenticator
    up first if needed); where the member of staff lands, or None when not signed in."""
    if response.status_code != 302:
        return None
    store = app.extensions["store"]
    if response.location == "/staff/two-factor/set-up":
        page = staff.get(response.location).get_data(as_text=True)
        totp = pyotp.TOTP(SECRET.search(page).group(1).replace(" ", ""))
        done = staff.post(response.location, {"code": totp.now()})
        assert done.status_code == 200, done.get_data(as_text=True)[:500]
        return CONTINUE.search(done.get_data(as_text=True)).group(1)
    if response.location == "/staff/sign-in/security-code":
        user = store.user_by_email(email)
        # Tests sign the same person in several times within one 30-second step, which the
        # service rightly refuses (a code works once: tests/security proves it); forget
        # the last step used instead of waiting for the next.
        store.update_user(user.id, two_factor_last_step=None)
        staff.get(response.location)
        code = pyotp.TOTP(user.two_factor_secret).now()
        done = staff.post(response.location, {"code": code})
        return done.location if done.status_code == 302 else None
    return response.location


def signed_in(app: Any, email: str, password: str = PASSWORD) -> Citizen:
    """A member of staff signed in (password and, when asked, security code)."""
    staff, response = sign_in(app, email, password)
    assert second_factor(app, staff, email, response), response.get_data(as_text=True)[:500]
    return staff


def lands_on(app: Any, email: str, password: str = PASSWORD) -> str | None:
    """Where a member of staff lands after signing in."""
    staff, response = sign_in(app, email, password)
    return second_factor(app, staff, email, response)
