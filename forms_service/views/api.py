"""The JSON API at /api/v1 for other systems (case management, reporting): "APIs as standard".

Callers present a bearer token made with `forms-service create-api-token`; only a SHA-256 of
it is stored. A token reads only the submissions of its own forms: anything else is "not
found", exactly as if it did not exist. Tokens expire (90 days unless made otherwise). Every
call with a valid token is written to the audit log, never with answers in it; calls with a
bad one are counted per address (429 past the limit) and summarised, one row per window.
The API takes no cookies, so it is exempt from CSRF protection.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from flask.blueprints import BlueprintSetupState

from forms_service.assisted import METHOD_WORDS
from forms_service.clock import as_utc, utcnow
from forms_service.data import ApiToken, Store, Submission
from forms_service.exports import CHANNELS, submission_json
from forms_service.performance.report import Filters, build_report
from forms_service.performance.report_json import report_json
from forms_service.statuses import RECEIVED, STATUSES
from forms_service.tokens import hash_secret
from forms_service.views.common import make_paper_pdf, make_pdf

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_NOTE = 2000
LIST_PARAMS = frozenset({"form", "status", "channel", "since", "limit", "cursor"})
PUBLIC_ENDPOINTS = frozenset({"api.openapi"})
PERFORMANCE_PARAMS = frozenset({"form", "from", "to", "channel", "language"})
PERFORMANCE_DEFAULT_DAYS = 30  # today and the 29 days before it
PERFORMANCE_MAX_DAYS = 366
BAD_TOKEN_WINDOW_MINUTES = 10  # API_BAD_TOKENS_PER_IP calls with a bad token in this long


@bp.record_once
def _exempt_from_csrf(state: BlueprintSetupState) -> None:
    """Bearer tokens are not sent by browsers on their own, so CSRF cannot apply."""
    csrf = state.app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bp)


# -- tokens ----------------------------------------------------------------------------------


def _store() -> Store:
    return current_app.extensions["store"]


def _token() -> ApiToken:
    return g.api_token


def _actor(token: ApiToken | None) -> str:
    return (f"api:{token.id} {token.name}" if token else "api:unknown")[:200]


def _audit(action: str, target: str | None, **detail: Any) -> None:
    """Who called what from where; detail holds filters and counts, never answers."""
    token = g.get("api_token")
    _store().audit(
        _actor(token), action, target=target[:200] if target else None, ip=_ip(), **detail
    )


def _ip() -> str | None:
    return request.remote_addr[:64] if request.remote_addr else None


def problem(status: int, error: str, message: str) -> Response:
    """An error as JSON (the Problem schema), whatever went wrong."""
    response = jsonify({"error": error, "message": message})
    response.status_code = status
    return response


def _unauthorised(message: str, invalid: bool) -> Response:
    response = problem(401, "unauthorised", message)
    # RFC 6750: no error code when no credentials were sent at all.
    challenge = 'Bearer realm="api"' + (', error="invalid_token"' if invalid else "")
    response.headers["WWW-Authenticate"] = challenge
    return response


@bp.before_request
def authenticate() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        return _unauthorised("Send a token in the header Authorization: Bearer <token>.", False)
    token = _store().api_token(hash_secret(credentials))
    if token is None:
        return _bad_token()
    g.api_token = token
    return None


def _bad_token() -> Response:
    """A token that is not valid (unknown, revoked or expired): counted per IP; past the
    limit the answer is 429. The audit log gets one row per IP and window, not one per
    call, saying how many the previous window had."""
    window = datetime.timedelta(minutes=BAD_TOKEN_WINDOW_MINUTES)
    count, before = _store().count(f"api-bad-token:ip:{_ip() or 'unknown'}", window)
    if count == 1:
        detail = {"failures_in_previous_window": before} if before else {}
        _store().audit(
            _actor(None), "api.unauthorised", target=request.path[:200], ip=_ip(), **detail
        )
    if count > current_app.config["API_BAD_TOKENS_PER_IP"]:
        response = problem(
            429,
            "too_many_requests",
            f"Too many calls with a token that is not valid. Wait {BAD_TOKEN_WINDOW_MINUTES} "
            "minutes, then use a valid token.",
        )
        response.headers["Retry-After"] = str(BAD_TOKEN_WINDOW_MINUTES * 60)
        return response
    return _unauthorised("The token is not valid, or has been revoked or has expired.", True)


@bp.after_request
def no_caching(response: Response) -> Response:
    """Responses hold personal data: no shared or browser cache may keep them."""
    response.headers["Cache-Control"] = "no-store"
    return response


# -- submissions -----------------------------------------------------------------------------


def encode_cursor(submission: Submission) -> str:
    """An opaque position: just after this submission in (submitted_at, id) order."""
    raw = f"{utc_iso_micro(submission.submitted_at)}|{submission.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    """The position in a cursor; ValueError when it is not one this API made."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, _, number = raw.partition("|")
        return as_utc(datetime.datetime.fromisoformat(moment)), int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError("cursor is not valid: use next_cursor from the last page") from exc


def utc_iso_micro(moment: datetime.datetime) -> str:
    return as_utc(moment).isoformat(timespec="microseconds")


class BadRequest(ValueError):
    """A parameter the API cannot use; its message is shown to the caller."""


class FormNotFound(LookupError):
    """A form the token cannot see, or that does not exist (the caller cannot tell which)."""


def _list_filters(token: ApiToken) -> dict[str, Any]:
    args = request.args
    unknown = sorted(set(args) - LIST_PARAMS)
    if unknown:
        raise BadRequest(f"unknown parameter(s): {', '.join(unknown)}")
    filters: dict[str, Any] = {"forms": list(token.forms)}
    if form := args.get("form"):
        if form not in token.forms:
            raise BadRequest(f"form must be one of this token's forms: {', '.join(token.forms)}")
        filters["forms"] = [form]
    if status := args.get("status"):
        if status not in STATUSES:
            raise BadRequest(f"status must be one of: {', '.join(STATUSES)}")
        filters["status"] = status
    if channel := args.get("channel"):
        if channel not in CHANNELS:
            raise BadRequest(f"channel must be one of: {', '.join(CHANNELS)}")
        filters["channel"] = channel
    if since := args.get("since"):
        # An offset's "+" sent unencoded arrives as a space ("...T09:00:00 01:00").
        since = re.sub(r" (\d{2}:?\d{2})$", r"+\1", since)
        try:
            filters["since"] = as_utc(datetime.datetime.fromisoformat(since))
        except ValueError:
            raise BadRequest("since must be an ISO 8601 date-time: 2024-05-01T09:00:00Z") from None
    limit = args.get("limit", str(DEFAULT_LIMIT))
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    filters["limit"] = int(limit)
    if cursor := args.get("cursor"):
        try:
            filters["after"] = decode_cursor(cursor)
        except ValueError as exc:
            raise BadRequest(str(exc)) from None
    return filters


@bp.get("/submissions")
def list_submissions() -> Response:
    """A page of submissions, oldest first; `next_cursor` continues, null at the end."""
    try:
        filters = _list_filters(_token())
    except BadRequest as exc:
        _audit("api.list", request.args.get("form"), outcome="bad_request")
        return problem(400, "bad_request", str(exc))
    limit = filters.pop("limit")
    rows = _store().submissions_page(limit=limit + 1, **filters)
    more = len(rows) > limit
    rows = rows[:limit]
    _audit(
        "api.list",
        request.args.get("form"),
        status=filters.get("status"),
        # Only when asked for, so earlier audit entries keep their shape.
        **({"channel": filters["channel"]} if "channel" in filters else {}),
        since=(request.args.get("since") or "")[:64] or None,
        count=len(rows),
    )
    return jsonify(
        {
            "data": [submission_json(s) for s in rows],
            "next_cursor": encode_cursor(rows[-1]) if more else None,
        }
    )


def _find(reference: str, action: str) -> Submission | Response:
    """The token's submission with this reference, or the same 404 whether or not it exists
    (another form's reference must not be told apart from a made-up one)."""
    reference = reference.strip().upper()
    submission = _store().submission_for(reference, list(_token().forms))
    if submission is None:
        _audit(action, reference, outcome="not_found")
        return problem(404, "not_found", "There is no submission with this reference.")
    return submission


@bp.get("/submissions/<reference>")
def get_submission(reference: str) -> Response:
    found = _find(reference, "api.view")
    if isinstance(found, Response):
        return found
    _audit("api.view", found.reference)
    return jsonify(submission_json(found))


@bp.get("/submissions/<reference>/pdf")
def get_submission_pdf(reference: str) -> Response:
    found = _find(reference, "api.pdf")
    if isinstance(found, Response):
        return found
    _audit("api.pdf", found.reference)
    pdf = make_pdf(found)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{found.reference}.pdf"'},
    )


@bp.get("/submissions/<reference>/paper.pdf")
def get_submission_paper_pdf(reference: str) -> Response:
    found = _find(reference, "api.paper_pdf")
    if isinstance(found, Response):
        return found
    pdf = make_paper_pdf(found)
    if pdf is None:
        _audit("api.paper_pdf", found.reference, outcome="no_paper_form")
        return problem(
            404,
            "no_paper_form",
            "This submission's form has no paper form to fill: use /pdf for its PDF.",
        )
    _audit("api.paper_pdf", found.reference)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{found.reference}-paper-form.pdf"'},
    )


@bp.patch("/submissions/<reference>")
def change_status(reference: str) -> Response:
    """Move a submission on in the caseworking workflow; it shows in its timeline."""
    found = _find(reference, "api.status")
    if isinstance(found, Response):
        return found
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return problem(400, "bad_request", 'Send a JSON object like {"status": "accepted"}.')
    unknown = sorted(set(body) - {"status", "note"})
    status, note = body.get("status"), body.get("note", "")
    if unknown:
        message = f"unknown field(s): {', '.join(unknown)}"
    elif status not in STATUSES:
        message = f"status must be one of: {', '.join(STATUSES)}"
    elif not isinstance(note, str) or len(note) > MAX_NOTE:
        message = f"note must be text of at most {MAX_NOTE} characters"
    else:
        message = None
    if message:
        _audit("api.status", found.reference, outcome="bad_request")
        return problem(400, "bad_request", message)
    before = found.status or RECEIVED
    _store().change_status(found.id, status, note, actor_id=None, actor=_actor(_token()))
    # The note may hold personal data: the timeline keeps it, the audit log does not.
    _audit("api.status", found.reference, **{"from": before, "to": status})
    updated = _store().submission_for(found.reference, list(_token().forms))
    return jsonify(submission_json(updated))


# -- OpenAPI ---------------------------------------------------------------------------------


def _performance_filters(token: ApiToken, forms: dict[str, Any]) -> Filters:
    """The dashboard's filters from the query string; `forms` are the token's loaded forms.
    BadRequest for a parameter that is not valid, FormNotFound for a form the token cannot see
    (FormNotFound: the same answer whether or not the form exists)."""
    args = request.args
    unknown = sorted(set(args) - PERFORMANCE_PARAMS)
    if unknown:
        raise BadRequest(f"unknown parameter(s): {', '.join(unknown)}")
    form_id = args.get("form") or None
    if form_id is not None and form_id not in forms:
        raise FormNotFound(form_id)
    today = utcnow().date()
    try:
        end = datetime.date.fromisoformat(args["to"]) if args.get("to") else today
        start = (
            datetime.date.fromisoformat(args["from"])
            if args.get("from")
            else end - datetime.timedelta(days=PERFORMANCE_DEFAULT_DAYS - 1)
        )
    except ValueError:
        raise BadRequest("from and to must be dates like 2026-11-30") from None
    if start > end:
        raise BadRequest("from must be on or before to")
    if (end - start).days + 1 > PERFORMANCE_MAX_DAYS:
        raise BadRequest(f"the period can be at most {PERFORMANCE_MAX_DAYS} days")
    channel = args.get("channel") or None
    if channel is not None and channel not in CHANNELS:
        raise BadRequest(f"channel must be one of: {', '.join(CHANNELS)}")
    language = args.get("language") or None
    chosen = [forms[form_id]] if form_id else list(forms.values())
    languages = sorted({lang for form in chosen for lang in form.languages})
    if language is not None and language not in languages:
        raise BadRequest(f"language must be one of: {', '.join(languages)}")
    return Filters(form_id, start, end, channel, language)


@bp.get("/performance")
def get_performance() -> Response:
    """The performance dashboard's figures for one of the token's forms, or for all of them
    together (performance/report.py): the same numbers the staff dashboard shows."""
    token = _token()
    loaded = current_app.extensions["forms"]
    forms = {form_id: loaded[form_id] for form_id in token.forms if form_id in loaded}
    try:
        filters = _performance_filters(token, forms)
    except BadRequest as exc:
        _audit("api.performance", request.args.get("form"), outcome="bad_request")
        return problem(400, "bad_request", str(exc))
    except FormNotFound:
        _audit("api.performance", request.args.get("form"), outcome="not_found")
        return problem(404, "not_found", "There is no form with this id.")
    report = build_report(_store(), forms, filters)
    _audit(
        "api.performance",
        filters.form_id,
        start=filters.start.isoformat(),
        end=filters.end.isoformat(),
    )
    return jsonify(report_json(report))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The API's description, public, for client generators and for people."""
    return jsonify(openapi_document(server=url_for("api.list_submissions").rsplit("/", 1)[0]))


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_document(server: str = "/api/v1") -> dict[str, Any]:
    """OpenAPI 3.0.3 for everything in this module (tests check real responses against it)."""
    errors = {
        "401": _ref("responses", "Unauthorised"),
        "404": _ref("responses", "NotFound"),
        "429": _ref("responses", "TooManyRequests"),
    }
    reference = [_ref("parameters", "Reference")]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Forms service submissions API",
            "version": "1.0.0",
            "description": (
                "Read the submissions of the forms a token may see, download their PDFs "
                "(and, for forms that replace a paper form, the answers on that form) and "
                "move them through the caseworking statuses. A token sees only its own forms:"
                " a submission of any other form is reported as not found. Every call is "
                "audited."
            ),
        },
        "servers": [{"url": server}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/submissions": {
                "get": {
                    "operationId": "listSubmissions",
                    "summary": "List submissions, oldest first, a page at a time",
                    "description": (
                        "Ordered by submitted_at then an internal id. Follow next_cursor "
                        "(with the same filters) until it is null: no submission is repeated "
                        "or skipped, even while new ones arrive."
                    ),
                    "parameters": [
                        _ref("parameters", name)
                        for name in ("Form", "Status", "Channel", "Since", "Limit", "Cursor")
                    ],
                    "responses": {
                        "200": _json_body(_ref("schemas", "SubmissionList"), "A page"),
                        "400": _ref("responses", "BadRequest"),
                        "401": _ref("responses", "Unauthorised"),
                        "429": _ref("responses", "TooManyRequests"),
                    },
                }
            },
            "/submissions/{reference}": {
                "get": {
                    "operationId": "getSubmission",
                    "summary": "One submission, as the staff JSON download gives it",
                    "parameters": reference,
                    "responses": {
                        "200": _json_body(_ref("schemas", "Submission"), "The submission"),
                        **errors,
                    },
                },
                "patch": {
                    "operationId": "changeStatus",
                    "summary": "Change a submission's caseworking status",
                    "parameters": reference,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": _ref("schemas", "StatusChange")}
                        },
                    },
                    "responses": {
                        "200": _json_body(_ref("schemas", "Submission"), "The changed submission"),
                        "400": _ref("responses", "BadRequest"),
                        **errors,
                    },
                },
            },
            "/submissions/{reference}/pdf": {
                "get": {
                    "operationId": "getSubmissionPdf",
                    "summary": "The caseworker PDF of a submission (tagged PDF/UA-1)",
                    "parameters": reference,
                    "responses": {
                        "200": {
                            "description": "The PDF",
                            "content": {
                                "application/pdf": {
                                    "schema": {"type": "string", "format": "binary"}
                                }
                            },
                        },
                        **errors,
                    },
                }
            },
            "/submissions/{reference}/paper.pdf": {
                "get": {
                    "operationId": "getSubmissionPaperPdf",
                    "summary": "A submission on the paper form its online form replaces",
                    "description": (
                        "The stored answers filled into the paper form's PDF (the version "
                        "they were mapped to when submitted) and flattened, with a "
                        "continuation page for what has no box on it. Only for submissions "
                        "whose `paper_form` is true; others are answered 404 with the error "
                        "`no_paper_form`."
                    ),
                    "parameters": reference,
                    "responses": {
                        "200": {
                            "description": "The filled paper form",
                            "content": {
                                "application/pdf": {
                                    "schema": {"type": "string", "format": "binary"}
                                }
                            },
                        },
                        **errors,
                        "404": _ref("responses", "NotFoundOrNoPaperForm"),
                    },
                }
            },
            "/performance": {
                "get": {
                    "operationId": "getPerformance",
                    "summary": "The performance dashboard's figures for a period",
                    "description": (
                        "The four KPIs (completion rate, digital take-up, user satisfaction, "
                        "cost per transaction), drop-off by page for each route, validation "
                        "errors by question, time to complete and turnaround week by week, "
                        "for one of the token's forms or (without `form`) all of them "
                        "together. Days are UTC days; the period defaults to the last "
                        f"{PERFORMANCE_DEFAULT_DAYS} days to today. A form the token cannot "
                        "see is reported as not found. No figure is about one person."
                    ),
                    "parameters": [
                        _ref("parameters", name)
                        for name in (
                            "PerformanceForm",
                            "From",
                            "To",
                            "PerformanceChannel",
                            "Language",
                        )
                    ],
                    "responses": {
                        "200": _json_body(_ref("schemas", "PerformanceReport"), "The figures"),
                        "400": _ref("responses", "BadRequest"),
                        "401": _ref("responses", "Unauthorised"),
                        "404": _ref("responses", "FormNotFound"),
                        "429": _ref("responses", "TooManyRequests"),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": _json_body({"type": "object"}, "OpenAPI 3.0.3 document"),
                    },
                }
            },
        },
        # OpenAPI 3.0 has no webhooks section (3.1 does, with this shape): an extension.
        "x-webhooks": _webhooks(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `forms-service create-api-token`.",
                }
            },
            "parameters": _parameters(),
            "responses": {
                "BadRequest": _json_body(_ref("schemas", "Problem"), "A parameter is not valid"),
                "Unauthorised": {
                    **_json_body(_ref("schemas", "Problem"), "No token, or not a valid one"),
                    "headers": {
                        "WWW-Authenticate": {"schema": {"type": "string"}, "required": True}
                    },
                },
                "NotFound": _json_body(
                    _ref("schemas", "Problem"), "No submission with this reference for this token"
                ),
                "FormNotFound": _json_body(
                    _ref("schemas", "Problem"), "No form with this id for this token"
                ),
                "NotFoundOrNoPaperForm": _json_body(
                    _ref("schemas", "Problem"),
                    "No submission with this reference for this token (`not_found`), or its "
                    "form has no paper form (`no_paper_form`)",
                ),
                "TooManyRequests": {
                    **_json_body(
                        _ref("schemas", "Problem"),
                        "Too many calls from this address with a token that is not valid",
                    ),
                    "headers": {"Retry-After": {"schema": {"type": "integer"}, "required": True}},
                },
            },
            "schemas": _schemas(),
        },
    }


def _webhooks() -> dict[str, Any]:
    """What a form's `webhooks:` endpoints receive (forms_service/delivery/webhooks.py)."""
    return {
        "submission": {
            "post": {
                "operationId": "submissionWebhook",
                "summary": "A new submission, sent to each endpoint the form names",
                "description": (
                    "The body is the submission exactly as GET /submissions/{reference} "
                    "gives it. Verify Forms-Signature before trusting it: compute "
                    "HMAC-SHA256 with the endpoint's secret over the bytes "
                    "`{t}.{body}` (t from the header, the body as received), compare it "
                    "with v1 in constant time, and refuse a t more than 5 minutes from "
                    "now. Answer any 2xx once it is stored; any other status, a redirect "
                    "or no answer within 10 seconds is tried again with back-off "
                    "(1 minute doubling to 1 hour) for 24 hours. A retry keeps its "
                    "Forms-Delivery-Id: keep the ids you have stored and ignore repeats. "
                    "Staff may redeliver a submission: that has a new Forms-Delivery-Id."
                ),
                "security": [],
                "parameters": [
                    {
                        "name": "Forms-Signature",
                        "in": "header",
                        "required": True,
                        "description": ('`t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{body}">`'),
                        "schema": {
                            "type": "string",
                            "pattern": "^t=[0-9]+,v1=[0-9a-f]{64}$",
                            "example": "t=1764630000,v1=5f8e...",
                        },
                    },
                    {
                        "name": "Forms-Delivery-Id",
                        "in": "header",
                        "required": True,
                        "description": (
                            "`<reference>:<endpoint>` (`:<round>` added for a redelivery "
                            "by staff): the same on every retry of one delivery"
                        ),
                        "schema": {"type": "string", "example": "PVB-7K3M-Q9TX:0"},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("schemas", "Submission")}},
                },
                "responses": {
                    "2XX": {"description": "Received: no further attempts"},
                    "default": {"description": "Not received: tried again later"},
                },
            }
        }
    }


def _parameters() -> dict[str, Any]:
    def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {
            "name": name,
            "in": "query",
            "required": False,
            "schema": schema,
            "description": description,
        }

    return {
        "Reference": {
            "name": "reference",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "example": "PVB-7K3M-Q9TX"},
        },
        "Form": query("form", {"type": "string"}, "Only this form (one of the token's forms)"),
        "Status": query("status", {"type": "string", "enum": list(STATUSES)}, "Only this status"),
        "Channel": query(
            "channel",
            {"type": "string", "enum": list(CHANNELS)},
            "Only this channel: online, assisted (entered by staff for the applicant) or paper",
        ),
        "Since": query(
            "since",
            {"type": "string", "format": "date-time"},
            "Only submissions submitted at or after this moment (ISO 8601; UTC if no offset)",
        ),
        "Limit": query(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            "Page size",
        ),
        "Cursor": query("cursor", {"type": "string"}, "next_cursor from the previous page"),
        "PerformanceForm": query(
            "form", {"type": "string"}, "One of the token's forms; without it, all of them"
        ),
        "From": query(
            "from",
            {"type": "string", "format": "date"},
            f"The first day (UTC) of the period; default {PERFORMANCE_DEFAULT_DAYS - 1} days "
            f"before `to`. At most {PERFORMANCE_MAX_DAYS} days in all",
        ),
        "To": query(
            "to", {"type": "string", "format": "date"}, "The last day (UTC); default today"
        ),
        "PerformanceChannel": query(
            "channel",
            {"type": "string", "enum": list(CHANNELS)},
            "Only journeys in this channel. Paper forms received outside the service count "
            "only without a channel or with paper",
        ),
        "Language": query(
            "language",
            {"type": "string", "example": "cy"},
            "Only journeys in this language (one of the forms' languages). Paper forms "
            "received outside the service have none, so they do not count",
        ),
    }


def _schemas() -> dict[str, Any]:
    answer = {
        "nullable": True,
        "description": (
            "As stored: text, number, money in integer pence, ISO date, option value, list of "
            "option values, true/false, an address or name mapping, or for a repeat a list "
            "of items keyed by question id"
        ),
        "anyOf": [
            {"type": "string"},
            {"type": "number"},
            {"type": "boolean"},
            {"type": "array", "items": {}},
            {"type": "object"},
        ],
    }
    return {
        "Submission": {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "reference",
                "form",
                "status",
                "submitted_at",
                "started_at",
                "language",
                "channel",
                "due_on",
                "assigned_to",
                "applicant_name",
                "assisted",
                "answers",
                "paper_form",
            ],
            "properties": {
                "reference": {"type": "string", "example": "PVB-7K3M-Q9TX"},
                "form": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "version"],
                    "properties": {
                        "id": {"type": "string", "example": "prison-visit-booking"},
                        "version": {"type": "integer", "minimum": 1},
                    },
                },
                "status": {"type": "string", "enum": list(STATUSES)},
                "submitted_at": {"type": "string", "format": "date-time"},
                "started_at": {"type": "string", "format": "date-time"},
                "language": {"type": "string", "example": "en"},
                "channel": {"type": "string", "enum": list(CHANNELS)},
                "due_on": {"type": "string", "format": "date", "nullable": True},
                "assigned_to": {"type": "integer", "nullable": True},
                "applicant_name": {"type": "string", "nullable": True},
                "assisted": _ref("schemas", "Assisted"),
                "answers": {
                    "type": "object",
                    "description": "Keyed by question id (or repeat id)",
                    "additionalProperties": answer,
                },
                "paper_form": {
                    "type": "boolean",
                    "description": (
                        "Whether /submissions/{reference}/paper.pdf gives the answers on "
                        "the paper form the online form replaces"
                    ),
                },
            },
        },
        "Assisted": {
            # Nullable here: OpenAPI 3.0 ignores anything written beside a $ref.
            "type": "object",
            "nullable": True,
            "additionalProperties": False,
            "description": (
                "Assisted digital: a member of staff entered the answers on the applicant's "
                "behalf (null when the applicant submitted it themselves)"
            ),
            "required": [
                "staff_user_id",
                "staff_name",
                "citizen_name",
                "method",
                "note",
                "handed_over_at",
            ],
            "properties": {
                "staff_user_id": {
                    "type": "integer",
                    "nullable": True,
                    "description": "The staff member who entered the answers",
                },
                "staff_name": {"type": "string", "example": "Al Jones"},
                "citizen_name": {
                    "type": "string",
                    "description": "The applicant's name as the staff member took it",
                    "example": "Ana Silva",
                },
                "method": {"type": "string", "enum": list(METHOD_WORDS)},
                "note": {
                    "type": "string",
                    "nullable": True,
                    "description": "How they helped, when the method is other",
                },
                "handed_over_at": {
                    "type": "string",
                    "format": "date-time",
                    "nullable": True,
                    "description": "When the staff member handed the draft to the applicant "
                    "to finish, if they did",
                },
            },
        },
        "SubmissionList": {
            "type": "object",
            "additionalProperties": False,
            "required": ["data", "next_cursor"],
            "properties": {
                "data": {"type": "array", "items": _ref("schemas", "Submission")},
                "next_cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": "Pass as `cursor` for the next page; null on the last page",
                },
            },
        },
        "StatusChange": {
            "type": "object",
            "additionalProperties": False,
            "required": ["status"],
            "properties": {
                "status": {"type": "string", "enum": list(STATUSES)},
                "note": {"type": "string", "maxLength": MAX_NOTE},
            },
        },
        **_performance_schemas(),
        "Problem": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": {
                    "type": "string",
                    "enum": [
                        "bad_request",
                        "unauthorised",
                        "not_found",
                        "no_paper_form",
                        "too_many_requests",
                    ],
                },
                "message": {"type": "string"},
            },
        },
    }


def _performance_schemas() -> dict[str, Any]:
    """GET /performance's response (performance/report_json.py)."""

    def obj(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
        schema = {
            "type": "object",
            "additionalProperties": False,
            "required": list(properties),
            "properties": properties,
        }
        return {**schema, "description": description} if description else schema

    count = {"type": "integer", "minimum": 0}
    maybe_number = {"type": "number", "nullable": True}
    rate = _ref("schemas", "Rate")
    channel = {"type": "string", "enum": list(CHANNELS)}
    return {
        "Rate": obj(
            {
                "part": {"type": "number"},
                "whole": {"type": "number"},
                "value": {
                    "type": "number",
                    "nullable": True,
                    "description": "part / whole, from 0 to 1; null when whole is 0 (no data)",
                },
            },
            "A share",
        ),
        "Cost": obj(
            {
                "channel": {**channel, "nullable": True, "description": "null: all channels"},
                "cost_for_period": {
                    **maybe_number,
                    "description": "Pounds: costs_per_year * days / 365; null when not set",
                },
                "transactions": count,
                "per_transaction": {
                    **maybe_number,
                    "description": "Pounds; null when not set or nothing was completed",
                },
            }
        ),
        "PerformanceReport": obj(
            {
                "form": {"type": "string", "nullable": True, "description": "null: all forms"},
                "form_title": {"type": "string"},
                "from": {"type": "string", "format": "date"},
                "to": {"type": "string", "format": "date"},
                "channel": {**channel, "nullable": True},
                "language": {"type": "string", "nullable": True},
                "started": count,
                "submitted": count,
                "exits": {**count, "description": "Journeys that reached an exit page"},
                "completion": {**rate, "description": "submitted / started"},
                "completion_with_exits": rate,
                "transactions": obj({name: count for name in CHANNELS}),
                "paper_outside": {
                    **count,
                    "description": "Paper forms recorded as received outside the service",
                },
                "digital_take_up": rate,
                "ratings": {
                    "type": "array",
                    "items": obj(
                        {
                            "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                            "label": {"type": "string"},
                            "count": count,
                        }
                    ),
                },
                "satisfaction": rate,
                "costs": {
                    "type": "array",
                    "items": _ref("schemas", "Cost"),
                    "description": "One per channel, then overall (channel null)",
                },
                "saved": count,
                "resumed": count,
                "median_minutes": maybe_number,
                "p90_minutes": maybe_number,
                "funnels": {
                    "type": "array",
                    "description": "One form only: its routes, the ones most journeys took",
                    "items": obj(
                        {
                            "name": {"type": "string"},
                            "steps": {
                                "type": "array",
                                "items": obj(
                                    {
                                        "page": {"type": "string"},
                                        "title": {"type": "string"},
                                        "reached": count,
                                    }
                                ),
                            },
                        }
                    ),
                },
                "errors": {
                    "type": "array",
                    "description": "One form only: validation errors, most first",
                    "items": obj(
                        {
                            "page": {"type": "string"},
                            "question_id": {"type": "string"},
                            "question": {"type": "string"},
                            "kind": {"type": "string"},
                            "count": count,
                        }
                    ),
                },
                "sla_working_days": {"type": "integer", "nullable": True},
                "turnaround": {
                    "type": "array",
                    "items": obj(
                        {
                            "week_start": {"type": "string", "format": "date"},
                            "decided": count,
                            "median_working_days": maybe_number,
                            "within_target": rate,
                        }
                    ),
                },
                "turnaround_median": maybe_number,
                "turnaround_within": rate,
                "notes": {"type": "array", "items": {"type": "string"}},
            }
        ),
    }
