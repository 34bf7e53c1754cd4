"""Post/redirect/get for pages with errors, so the browser's Back button always lands on a
page; and for a change of language, so what was typed on the page is carried into it.

A citizen's pages are never cached (Cache-Control: no-store), so an error page that was the
answer to a POST cannot be shown again from history: pressing Back to it after correcting
the mistake made Chromium show "Confirm Form Resubmission" (ERR_CACHE_MISS). Instead, a
POST that fails keeps what was typed (sealed, in the server-side session), redirects to the
same page with 303, and that GET shows the errors once, with the typed input back in its
fields. The page in history is then a plain GET.
"""

from __future__ import annotations

from flask import redirect, request, session
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from forms_service.views.common import store

KEY = "errors_shown"
PURPOSE = "typed-with-errors"
CARRIED = "typed_carried"
CARRIED_PURPOSE = "typed-carried"
# The language switcher on a page with a form sends the form with this field (app.js), and
# ERRORS_SHOWN when the page was showing errors.
SWITCH = "switch_language"
ERRORS_SHOWN = "errors_shown"
# Not answers: the page's CSRF token, the button pressed, the language asked for.
NOT_KEPT = ("csrf_token", "action", SWITCH, ERRORS_SHOWN)


def here() -> str:
    """This page's path and query, which the redirect and the check below agree on."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def show_errors_again(typed: MultiDict | None = None) -> Response:
    """Answer a failed POST: remember what was typed and show the page again with a GET."""
    return _keep_and_reload(KEY, PURPOSE, typed or request.form)


def errors_to_show() -> MultiDict | None:
    """What was typed on this page before a failed POST redirected here (show its errors),
    or None: a plain visit. Read once: a reload shows the page without them."""
    return _take(KEY, PURPOSE)


def carry_typed_input() -> Response:
    """Answer a POST that only changes the page's language: keep what was typed (not yet
    checked or saved) and show the same page again, in the new language, with it filled in."""
    return _keep_and_reload(CARRIED, CARRIED_PURPOSE, request.form)


def carried_input() -> MultiDict | None:
    """What was typed on this page before the citizen changed language, read once."""
    return _take(CARRIED, CARRIED_PURPOSE)


def _keep_and_reload(key: str, purpose: str, typed: MultiDict) -> Response:
    url = here()
    kept = [(k, v) for k, v in typed.items(multi=True) if k not in NOT_KEPT]
    session[key] = {"url": url, "typed": store().seal_for_session(session.key, purpose, kept)}
    return redirect(url, code=303)


def _take(key: str, purpose: str) -> MultiDict | None:
    kept = session.pop(key, None) if key in session else None
    if not isinstance(kept, dict) or kept.get("url") != here():
        return None
    typed = store().open_for_session(session.key, purpose, kept.get("typed") or "")
    return MultiDict([tuple(pair) for pair in typed or []])
