"""Who a staff page is for: the signed-in member of staff, their roles, and the audit log.

Shared by the staff blueprints (caseworking, assisted digital), which import this module,
never each other.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, g, redirect, request, session, url_for

from forms_service.clock import utcnow
from forms_service.data import StaffUser
from forms_service.views.common import store


def staff_actor(user: StaffUser) -> str:
    """How the audit log and timelines name a member of staff."""
    return f"staff:{user.id} {user.email}"


def audit(action: str, target: str | None = None, **detail: Any) -> None:
    user = g.get("staff")
    actor = staff_actor(user) if user else "anonymous"
    store().audit(actor, action, target, request.remote_addr, **detail)


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
    if user is None or not user.active:
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
    for key in ("staff_user_id", "staff_seen"):
        session.pop(key, None)
