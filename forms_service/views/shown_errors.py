"""Post/redirect/get for pages with errors, so the browser's Back button always lands on a
page.

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
NOT_KEPT = ("csrf_token", "action")  # the token is the page's; the button is not an answer


def here() -> str:
    """This page's path and query, which the redirect and the check below agree on."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def show_errors_again(typed: MultiDict | None = None) -> Response:
    """Answer a failed POST: remember what was typed and show the page again with a GET."""
    url = here()
    kept = [(k, v) for k, v in (typed or request.form).items(multi=True) if k not in NOT_KEPT]
    session[KEY] = {"url": url, "typed": store().seal_for_session(session.key, PURPOSE, kept)}
    return redirect(url, code=303)


def errors_to_show() -> MultiDict | None:
    """What was typed on this page before a failed POST redirected here (show its errors),
    or None: a plain visit. Read once: a reload shows the page without them."""
    shown = session.pop(KEY, None) if KEY in session else None
    if not isinstance(shown, dict) or shown.get("url") != here():
        return None
    typed = store().open_for_session(session.key, PURPOSE, shown.get("typed") or "")
    return MultiDict([tuple(pair) for pair in typed or []])
