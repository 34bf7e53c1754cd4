"""Who a staff page is for: the signed-in member of staff, their roles, and the audit log.

Shared by the staff blueprints (caseworking, assisted digital), which import this module,
never each other.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from forms_service import two_factor
from forms_service.clock import as_utc, utcnow
from forms_service.data import StaffUser
from forms_service.roles import ADMIN, ASSISTED_DIGITAL, CASEWORKER, PERFORMANCE
from forms_service.views.common import store

# Between the right password and the second factor: who, since when, and where to go after.
PENDING_KEYS = ("staff_pending_id", "staff_pending_at", "staff_next", "staff_new_secret")
PENDING_FOR = datetime.timedelta(minutes=10)
# What the last action did, for the success banner on the next staff page (one-shot).
BANNER_KEY = "staff_banner"


def staff_actor(user: StaffUser) -> str:
    """How the audit log and timelines name a member of staff."""
    return f"staff:{user.id} {user.email}"


def audit(action: str, target: str | None = None, **detail: Any) -> None:
    user = g.get("staff")
    actor = staff_actor(user) if user else "anonymous"
    store().audit(actor, action, target, request.remote_addr, **detail)


def tell(message: str) -> None:
    """Say what an action did: a success banner on the next staff page shown (the action
    redirects to it: post/redirect/get), once. The message is already translated."""
    session[BANNER_KEY] = message


def take_banner() -> str | None:
    """The message of the last action, if not shown yet (it is forgotten once taken)."""
    return session.pop(BANNER_KEY, None) if BANNER_KEY in session else None


# The inbox lists this sign-in has already written to the audit log (their filters).
INBOX_LISTS_KEY = "staff_inbox_lists"
INBOX_LISTS_KEPT = 50


def audit_inbox(filters: dict[str, Any], searched: bool) -> None:
    """Write a look at the inbox to the audit log once per list per sign-in.

    An auditor needs who looked at which lists of people, not every page turn: so the
    first view of each filtered list (ignoring its page and sort order) in a sign-in is
    written, and every search is (the term never is: it may be a name).
    """
    shown = {k: v for k, v in filters.items() if k not in ("sort", "order", "page")}
    if not searched:
        signature = json.dumps(shown, sort_keys=True)
        seen = list(session.get(INBOX_LISTS_KEY) or [])
        if signature in seen:
            return
        session[INBOX_LISTS_KEY] = [*seen, signature][-INBOX_LISTS_KEPT:]
    audit("inbox", None, filters=shown, searched=searched)


def current_staff() -> StaffUser | None:
    """The signed-in member of staff, if the sign-in is still fresh."""
    user_id = session.get("staff_user_id")
    if user_id is None:
        return None
    seen = session.get("staff_seen")
    idle = datetime.timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])
    if seen is None or utcnow() - datetime.datetime.fromisoformat(seen) > idle:
        sign_out()
        return None
    user = store().user(user_id)
    if user is None or not user.active or (needs_two_factor(user) and not user.has_two_factor):
        # A second factor reset (a lost phone) or newly required ends the sign-in: the next
        # one sets it up.
        sign_out()
        return None
    session["staff_seen"] = utcnow().isoformat()
    return user


def staff_required(*roles: str) -> Callable:
    """Only signed-in staff (with one of these roles, if given) may use the view."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_staff()
            if user is None:
                return redirect(url_for("staff.sign_in", next=request.full_path))
            if roles and not user.has_role(*roles):
                abort(403)
            g.staff = user
            return view(*args, **kwargs)

        return wrapped

    return decorate


def visible_forms(user: StaffUser) -> list[str] | None:
    """The forms whose submissions this person may see (None: every form)."""
    return None if user.is_admin else list(user.forms or [])


def sign_out() -> None:
    for key in ("staff_user_id", "staff_seen", INBOX_LISTS_KEY, *PENDING_KEYS):
        session.pop(key, None)


def needs_two_factor(user: StaffUser) -> bool:
    """Whether this person must give a security code after their password (their roles and
    STAFF_TWO_FACTOR); anyone who has set one up is asked for it anyway."""
    return user.has_two_factor or two_factor.required(
        user.roles or [], current_app.config["STAFF_TWO_FACTOR"]
    )


def password_accepted(user: StaffUser, target: str) -> Response:
    """The right password: signed in, or on to the second factor (its set-up first, for
    someone who must have one and has not), with nothing else reachable until then."""
    session.rotate()  # a session id known before signing in is useless after it
    if not needs_two_factor(user):
        return redirect(complete_sign_in(user, target))
    sign_out()
    session["staff_pending_id"] = user.id
    session["staff_pending_at"] = utcnow().isoformat()
    session["staff_next"] = target
    endpoint = "two_factor.code" if user.has_two_factor else "two_factor.set_up"
    return redirect(url_for(endpoint))


def pending_staff() -> StaffUser | None:
    """The member of staff who gave the right password in the last 10 minutes and is yet
    to give their second factor."""
    user_id, since = session.get("staff_pending_id"), session.get("staff_pending_at")
    if user_id is None or since is None:
        return None
    if utcnow() - datetime.datetime.fromisoformat(since) > PENDING_FOR:
        sign_out()
        return None
    user = store().user(user_id)
    if user is None or not user.active:
        sign_out()
        return None
    return user


def complete_sign_in(user: StaffUser, target: str | None = None) -> str:
    """Sign them in (all factors given): a new session id, failures forgiven, audited.
    Returns where to go next: the page they asked for, or their start page."""
    target = session.get("staff_next", "") if target is None else target
    sign_out()
    session.rotate()
    session["staff_user_id"] = user.id
    session["staff_seen"] = utcnow().isoformat()
    g.staff = user
    store().record_sign_in(user.id, utcnow())
    audit("sign_in")
    if not target.startswith("/staff/") or target.startswith("//"):
        target = start_page(user)
    return target


def start_page(user: StaffUser) -> str:
    """Where a member of staff starts: the inbox, their forms for someone, the
    performance dashboard, or (a form author only) the definitions they preview."""
    if user.has_role(CASEWORKER, ADMIN):
        return url_for("staff.inbox")
    if user.has_role(ASSISTED_DIGITAL):
        return url_for("assisted.drafts")
    if user.has_role(PERFORMANCE):
        return url_for("performance.index")
    return url_for("authoring.index")


def record_failure(user: StaffUser) -> None:
    """A wrong password or security code: counted towards the growing back-off."""
    config = current_app.config
    store().record_failed_sign_in(
        user.id,
        utcnow(),
        config["STAFF_MAX_FAILED_SIGN_INS"],
        datetime.timedelta(seconds=config["STAFF_BACKOFF_SECONDS"]),
        datetime.timedelta(seconds=config["STAFF_BACKOFF_MAX_SECONDS"]),
    )


def backing_off(user: StaffUser) -> bool:
    """Whether sign-ins for this account must wait (too many failures in a row)."""
    return user.locked_until is not None and as_utc(user.locked_until) > utcnow()


# Error pages under /staff/ that have a staff version (templates/staff/errors/); the others
# (too large, too many, session ended) are the citizen ones.
STAFF_ERROR_PAGES = ("not_found", "forbidden", "unavailable")


def error_page(template: str, status: int) -> tuple[str, int] | None:
    """The staff version of an error page, inside the staff layout with the staff menu
    (app.py's error handlers ask for it under /staff/); None when there is none."""
    if template not in STAFF_ERROR_PAGES:
        return None
    user = g.get("staff")
    if user is None and template != "unavailable":  # a URL no view answers: who is it?
        try:
            user = g.staff = current_staff()
        except Exception:  # noqa: BLE001 (an error page must not fail: show it without a menu)
            user = None
    admins = []
    if template == "forbidden" and user is not None:
        admins = [u for u in store().users() if u.active and u.is_admin]
    return render_template(
        f"staff/errors/{template}.html",
        form=None,
        journey=None,
        admins=admins,
        start_page=start_page(user) if user else url_for("staff.sign_in"),
    ), status
