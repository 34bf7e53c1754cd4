"""Issue 10, item 6: staff accounts cannot be found, kept locked, or used with a password
alone. Each attack runs against a live server over real HTTP."""

from __future__ import annotations

import re
import statistics
import time

import pyotp
import pytest
from argon2 import PasswordHasher

from forms_service import passwords
from forms_service.clock import as_utc, utcnow

PASSWORD = "correct horse battery staple"
CASEWORKER = "case@example.gov.uk"
ADMIN = "admin@example.gov.uk"
GENERIC = "Enter a correct email address and password"
TOKENS = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+|(nonce=")[^"]+')
SECRET = re.compile(r'<code class="app-secret"[^>]*>([A-Z2-7 ]+)</code>')
RECOVERY = re.compile(r'<li class="app-recovery-code">([a-z0-9-]+)</li>')


def staff_app(live, **config):
    url, app = live(**config)
    store = app.extensions["store"]
    store.create_user(
        CASEWORKER, "Casey Worker", "caseworker", [], passwords.hash_password(PASSWORD)
    )
    store.create_user(ADMIN, "Ada Admin", "admin", [], passwords.hash_password(PASSWORD))
    return url, app


def sign_in(person, email: str, password: str = PASSWORD):
    person.get("/staff/sign-in")
    return person.post("/staff/sign-in", {"email": email, "password": password})


def without_tokens(html: str, email: str) -> str:
    """The page with its per-request tokens blanked and the typed email taken out."""
    return TOKENS.sub(lambda m: m.group(1) or m.group(2), html).replace(email, "EMAIL")


def timed_sign_in(person, email: str) -> float:
    person.get("/staff/sign-in")
    started = time.perf_counter()
    response = person.post("/staff/sign-in", {"email": email, "password": "not the password"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 401
    return elapsed


@pytest.fixture
def standard_hashing(monkeypatch):
    """Password checks at the production cost (the suite runs the cheapest, see
    tests/conftest.py): a timing comparison needs the check to be what takes the time."""
    hasher = PasswordHasher.from_parameters(passwords.COST)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", hasher.hash("not a real password"))


def test_unknown_wrong_and_locked_accounts_look_and_take_the_same(standard_hashing, live, visitor):
    url, _app = staff_app(live, STAFF_MAX_FAILED_SIGN_INS=3, STAFF_BACKOFF_SECONDS=600)
    attacker = visitor(url)
    unknown_email = "nobody@example.gov.uk"
    unknown = sign_in(attacker, unknown_email, "not the password")
    wrong = sign_in(attacker, CASEWORKER, "not the password")
    for _ in range(3):
        sign_in(attacker, CASEWORKER, "still not it")
    locked = sign_in(attacker, CASEWORKER, PASSWORD)  # right password, but backing off
    assert unknown.status_code == wrong.status_code == locked.status_code == 401
    assert GENERIC in unknown.text
    pages = {
        "unknown": without_tokens(unknown.text, unknown_email),
        "wrong": without_tokens(wrong.text, CASEWORKER),
        "locked": without_tokens(locked.text, CASEWORKER),
    }
    assert pages["unknown"] == pages["wrong"] == pages["locked"]

    # The same cost too: one password check whatever the case (medians, a generous factor).
    store = _app.extensions["store"]
    others = [f"worker{n}@example.gov.uk" for n in range(5)]
    for email in others:
        store.create_user(email, "Wren Worker", "caseworker", [], passwords.hash_password(PASSWORD))
    times = {
        "unknown": [timed_sign_in(attacker, unknown_email) for _ in range(5)],
        "locked": [timed_sign_in(attacker, CASEWORKER) for _ in range(5)],
        "wrong": [timed_sign_in(attacker, email) for email in others],
    }
    medians = {k: statistics.median(v) for k, v in times.items()}
    assert max(medians.values()) < 3 * min(medians.values()), medians


def wait_out(app, email: str) -> None:
    """Sleep until the account's back-off has passed."""
    until = as_utc(app.extensions["store"].user_by_email(email).locked_until)
    time.sleep(max(0.0, (until - utcnow()).total_seconds()) + 0.2)


def test_the_owner_signs_in_after_the_back_off_however_hard_it_is_attacked(live, visitor):
    # Generous delays: one argon2 check takes up to a second on a busy test machine.
    url, app = staff_app(live, STAFF_MAX_FAILED_SIGN_INS=3, STAFF_BACKOFF_SECONDS=5)
    store = app.extensions["store"]
    attacker, owner = visitor(url), visitor(url)
    for _ in range(3):
        assert sign_in(attacker, CASEWORKER, "guess").status_code == 401
    # Backing off: even the right password is refused, with the same message.
    refused = sign_in(owner, CASEWORKER)
    assert refused.status_code == 401 and GENERIC in refused.text
    # Attempts during the back-off are refused unchecked: they do not make it longer...
    sign_in(attacker, CASEWORKER, "guess")
    assert store.user_by_email(CASEWORKER).failed_sign_ins == 3
    wait_out(app, CASEWORKER)
    # ...but a further failure after it doubles the delay (5 s, then 10 s).
    assert sign_in(attacker, CASEWORKER, "guess").status_code == 401
    delay = as_utc(store.user_by_email(CASEWORKER).locked_until) - utcnow()
    assert 7 < delay.total_seconds() <= 10, delay
    assert sign_in(owner, CASEWORKER).status_code == 401
    wait_out(app, CASEWORKER)
    signed_in = sign_in(owner, CASEWORKER)
    assert signed_in.status_code == 302, signed_in.text[:300]
    assert owner.get("/staff/").status_code == 200
    assert store.user_by_email(CASEWORKER).failed_sign_ins == 0


def test_an_admin_needs_a_second_factor_and_codes_work_once(live, visitor):
    url, app = staff_app(live)
    admin = visitor(url)
    # The password alone reaches only the set-up of the second factor.
    response = sign_in(admin, ADMIN)
    assert response.status_code == 302
    assert response.headers["location"] == "/staff/two-factor/set-up"
    for path in ("/staff/", "/staff/users", "/staff/audit", "/staff/assisted/"):
        assert admin.get(path).status_code == 302, path
        assert admin.get(path).headers["location"].startswith("/staff/sign-in"), path

    setup = admin.get("/staff/two-factor/set-up")
    assert setup.status_code == 200
    assert 'src="data:image/svg+xml' in setup.text  # the QR code, allowed by the CSP
    totp = pyotp.TOTP(SECRET.search(setup.text).group(1).replace(" ", ""))
    wrong = admin.post("/staff/two-factor/set-up", {"code": "000000"})
    assert wrong.status_code == 422 and "security code" in wrong.text
    first_code = totp.now()
    done = admin.post("/staff/two-factor/set-up", {"code": first_code})
    assert done.status_code == 200, done.text[:500]
    assert done.headers["cache-control"].startswith("no-store")
    recovery = RECOVERY.findall(done.text)
    assert len(recovery) == 10
    assert admin.get("/staff/users").status_code == 200  # signed in now
    stored = app.extensions["store"].user_by_email(ADMIN)
    assert not any(code in repr(vars(stored)) for code in recovery)
    admin.post("/staff/sign-out", {})

    # Password, then the security code page; nothing else is reachable in between.
    assert sign_in(admin, ADMIN).headers["location"] == "/staff/sign-in/security-code"
    assert admin.get("/staff/users").status_code == 302
    page = admin.get("/staff/sign-in/security-code")
    assert "Enter the security code" in page.text
    assert 'autocomplete="one-time-code"' in page.text and 'inputmode="numeric"' in page.text
    # The code already used at set-up cannot be used again.
    reused = admin.post("/staff/sign-in/security-code", {"code": first_code})
    assert reused.status_code == 401 and admin.get("/staff/users").status_code == 302
    # A recovery code works instead, once.
    admin.get("/staff/sign-in/recovery-code")
    ok = admin.post("/staff/sign-in/recovery-code", {"code": recovery[0].upper()})
    assert ok.status_code == 302 and admin.get("/staff/users").status_code == 200
    admin.post("/staff/sign-out", {})
    sign_in(admin, ADMIN)
    admin.get("/staff/sign-in/recovery-code")
    again = admin.post("/staff/sign-in/recovery-code", {"code": recovery[0]})
    assert again.status_code == 401 and admin.get("/staff/users").status_code == 302
    # The next time step's code (one step of clock drift is allowed) signs in.
    admin.get("/staff/sign-in/security-code")
    later = admin.post(
        "/staff/sign-in/security-code", {"code": totp.at(time.time() + totp.interval)}
    )
    assert later.status_code == 302 and admin.get("/staff/users").status_code == 200

    actions = [e.action for e in app.extensions["store"].audit_events()[0]]
    for action in ("two_factor_set_up", "two_factor_failed", "recovery_code_used", "sign_in"):
        assert action in actions, action
