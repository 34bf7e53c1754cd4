"""Two-factor sign-in pages: set up an authenticator app, then give its security code (or a
recovery code) after the password.

Between the password and the second factor the session holds only a pending sign-in
(staff_access.password_accepted): no staff page lets it in, since those ask for a signed-in
member of staff, which only complete_sign_in makes.
"""

from __future__ import annotations

import datetime

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from forms_service import two_factor
from forms_service.clock import utcnow
from forms_service.data import StaffUser
from forms_service.views.common import store
from forms_service.views.staff_access import (
    audit,
    backing_off,
    complete_sign_in,
    current_staff,
    pending_staff,
    record_failure,
    start_page,
)

bp = Blueprint("two_factor", __name__, url_prefix="/staff")


@bp.route("/two-factor/set-up", methods=["GET", "POST"])
def set_up():
    """Scan a QR code (or type the key), confirm with a code, get recovery codes once."""
    pending = pending_staff()
    user = pending or current_staff()
    if user is None:
        return redirect(url_for("staff.sign_in"))
    if user.has_two_factor:
        return redirect(url_for("two_factor.code") if pending else start_page(user))
    g.staff = None if pending else user  # no menu until the sign-in is complete
    secret = session.get("staff_new_secret")
    if not secret:
        secret = session["staff_new_secret"] = two_factor.new_secret()
    error = None
    if request.method == "POST":
        step = two_factor.matching_step(secret, request.form.get("code", ""), utcnow())
        if step is None:
            error = _code_error(request.form.get("code", ""))
        else:
            codes = two_factor.new_recovery_codes()
            hashes = [two_factor.recovery_code_hash(code) for code in codes]
            store().enable_two_factor(user.id, secret, step, hashes, utcnow())
            session.pop("staff_new_secret", None)
            g.staff = user
            audit("two_factor_set_up")
            target = complete_sign_in(user) if pending else start_page(user)
            return render_template(
                "staff/recovery_codes.html", journey=None, form=None, codes=codes, target=target
            )
    return render_template(
        "staff/two_factor_set_up.html",
        journey=None,
        form=None,
        error=error,
        qr_code=two_factor.qr_code(secret, user.email, current_app.config["SERVICE_NAME"]),
        secret=two_factor.grouped(secret),
    ), (422 if error else 200)


@bp.route("/sign-in/security-code", methods=["GET", "POST"])
def code():
    """After the password: the 6-digit code from their authenticator app."""
    return _second_factor(recovery=False)


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
def recovery():
    """After the password, for someone without their authenticator: a recovery code."""
    return _second_factor(recovery=True)


def _second_factor(*, recovery: bool):
    user = pending_staff()
    if user is None:
        return redirect(url_for("staff.sign_in"))
    if not user.has_two_factor:
        return redirect(url_for("two_factor.set_up"))
    error = None
    if request.method == "POST":
        if not store().hit(
            f"staff-sign-in:ip:{request.remote_addr}",
            current_app.config["STAFF_SIGN_INS_PER_IP"],
            datetime.timedelta(minutes=15),
        ):
            return render_template("resume/too_many.html"), 429
        typed = request.form.get("code", "")
        if _accepted(user, typed, recovery):
            return redirect(complete_sign_in(user))
        error = gettext("Enter a correct recovery code") if recovery else _code_error(typed)
    return render_template(
        "staff/security_code.html", journey=None, form=None, error=error, recovery=recovery
    ), (401 if error else 200)


def _accepted(user: StaffUser, typed: str, recovery: bool) -> bool:
    """Whether the code signs them in. Wrong codes count towards the same back-off as wrong
    passwords (a 6-digit code must not be guessable), and while it lasts nothing is tried."""
    if not typed.strip() or backing_off(user):
        return False
    if recovery:
        ok = store().use_recovery_code(user.id, two_factor.recovery_code_hash(typed), utcnow())
        if ok:
            g.staff = user
            audit("recovery_code_used", left=store().recovery_codes_left(user.id))
            return True
    else:
        step = two_factor.matching_step(user.two_factor_secret or "", typed, utcnow())
        # A code works once: its time step must be later than the last one used.
        if step is not None and store().use_two_factor_step(user.id, step):
            return True
    record_failure(user)
    store().audit(
        f"staff:{user.id} {user.email}",
        "two_factor_failed",
        None,
        request.remote_addr,
        kind="recovery_code" if recovery else "security_code",
    )
    return False


def _code_error(typed: str) -> str:
    """The GOV.UK message for a security code that is blank or not 6 numbers."""
    typed = "".join(typed.split())
    if not typed:
        return gettext("Enter the security code")
    if not (typed.isdigit() and len(typed) == 6):
        return gettext("The security code must be 6 numbers")
    return gettext("Enter a correct security code")
