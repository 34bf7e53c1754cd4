"""The JSON API at /api/v1: tokens, what a token may see, pagination, status changes, audit,
and every real response checked against the OpenAPI document the API publishes."""

from __future__ import annotations

import base64
import datetime
import json
import re
from typing import Any

import pytest

from forms_service.data import AuditEvent, Submission, new_reference
from forms_service.exports import pdf_content_hash, submission_json
from forms_service.statuses import STATUSES
from forms_service.tokens import hash_secret
from forms_service.views import api
from tests.assisted import submit_assisted
from tests.citizen import Citizen
from tests.test_pages import MAIN_ROUTE

PRISON = "prison-visit-booking"
CICA = "criminal-injuries-compensation"
BASE = datetime.datetime(2024, 5, 1, 9, 0, tzinfo=datetime.UTC)
# Answers that must never reach the audit log.
SECRET_NAME = "Zebedee-Quixote"
SECRET_NOTE = "Visitor disclosed a medical condition"


# -- a minimal OpenAPI 3.0 schema validator ---------------------------------------------------
# jsonschema is not a dependency yet; this covers every keyword the API document uses, and
# fails on any keyword it does not know, so the document cannot outgrow the check unnoticed.

KNOWN_KEYWORDS = {
    "$ref",
    "type",
    "nullable",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "enum",
    "format",
    "minimum",
    "maximum",
    "maxLength",
    "anyOf",
    "description",
    "example",
    "default",
}
TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def resolve(document: dict, node: dict) -> dict:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def problems(document: dict, schema: dict, value: Any, where: str = "$") -> list[str]:
    """Every way `value` breaks `schema` (OpenAPI 3.0 flavour: `nullable`)."""
    schema = resolve(document, schema)
    unknown = set(schema) - KNOWN_KEYWORDS
    assert not unknown, f"the test validator does not know {unknown} (at {where})"
    if value is None:
        return [] if schema.get("nullable") or not schema else [f"{where}: null not allowed"]
    found: list[str] = []
    if "anyOf" in schema:
        options = [problems(document, s, value, where) for s in schema["anyOf"]]
        if all(options):
            found.append(f"{where}: matches none of anyOf")
    kind = schema.get("type")
    if kind and not TYPES[kind](value):
        return [f"{where}: {value!r} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if schema.get("format") == "date-time" and not DATE_TIME.match(value):
        found.append(f"{where}: {value!r} is not a date-time")
    if schema.get("format") == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            found.append(f"{where}: {value!r} is not a date")
    if "minimum" in schema and value < schema["minimum"]:
        found.append(f"{where}: below minimum")
    if "maximum" in schema and value > schema["maximum"]:
        found.append(f"{where}: above maximum")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        found.append(f"{where}: too long")
    if kind == "object":
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: missing {name}")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                found += problems(document, properties[name], item, f"{where}.{name}")
            elif extra is False:
                found.append(f"{where}: unexpected {name}")
            elif isinstance(extra, dict):
                found += problems(document, extra, item, f"{where}.{name}")
    if kind == "array" and "items" in schema:
        for number, item in enumerate(value):
            found += problems(document, schema["items"], item, f"{where}[{number}]")
    return found


def assert_matches_openapi(document: dict, path: str, method: str, response) -> None:
    """The response's status, content type, headers and body are what the document says."""
    operation = document["paths"][path][method]
    assert str(response.status_code) in operation["responses"], (
        f"{method.upper()} {path} answered {response.status_code}, which is not documented"
    )
    described = resolve(document, operation["responses"][str(response.status_code)])
    for header, spec in described.get("headers", {}).items():
        if spec.get("required"):
            assert header in response.headers, f"missing header {header}"
    media = described["content"]
    assert response.mimetype in media, f"{response.mimetype} not in {list(media)}"
    if response.mimetype == "application/json":
        found = problems(document, media["application/json"]["schema"], response.get_json())
        assert not found, found


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def app(make_app):
    app = make_app()
    if "api" not in app.blueprints:  # until app.py registers it
        app.register_blueprint(api.bp)
    return app


@pytest.fixture
def store(app):
    return app.extensions["store"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def insert(
    store,
    form,
    answers: dict,
    submitted_at: datetime.datetime,
    status: str = "received",
    number: int = 0,
) -> Submission:
    """A submission stored as the citizen pages store one, at a chosen time."""
    draft = store.update_draft(
        f"session-{form.id}-{number}", form.id, form.version, "en", lambda _: dict(answers)
    )
    submission = store.submit(
        draft.id,
        make_reference=lambda: new_reference(form.reference_prefix or "CIC"),
        build=lambda _draft: {
            "form_id": form.id,
            "form_version": form.version,
            "definition": form.snapshot,
            "answers": answers,
            "language": "en",
            "channel": "online",
            "applicant_name": f"Applicant {number}",
            "due_on": datetime.date(2024, 6, 1),
        },
    )
    with store.sessions.begin() as db:
        row = db.get(Submission, submission.id)
        row.submitted_at, row.status = submitted_at, status
    return store.get_submission(submission.reference)


def prison_answers(number: int) -> dict:
    return {
        "prisoner_first_name": SECRET_NAME,
        "prisoner_last_name": f"Prisoner {number}",
        "prisoner_dob": "1990-01-01",
        "prisoner_number": "A1234BC",
        "prison": "cardiff",
        "visitors": [{"visitor_first_name": "Kid", "visitor_dob": "2015-01-01"}],
        "needs_support": "no",
    }


@pytest.fixture
def seeded(app, store) -> dict[str, list[Submission]]:
    """Seven prison visits (two pairs submitted at the same instant) and one CICA claim."""
    forms = app.extensions["forms"]
    prison, cica = forms[PRISON], forms[CICA]
    times = [BASE, BASE + datetime.timedelta(hours=1), BASE + datetime.timedelta(hours=1)]
    times += [BASE + datetime.timedelta(days=1, microseconds=5)] * 2
    times += [BASE + datetime.timedelta(days=2), BASE + datetime.timedelta(days=3)]
    statuses = ["received", "accepted", "received", "in_progress", "received", "received"]
    visits = [
        insert(store, prison, prison_answers(n), at, statuses[n % len(statuses)], n)
        for n, at in enumerate(times)
    ]
    claim = insert(store, cica, {"applicant_name": {"first": SECRET_NAME}}, BASE, number=99)
    return {"visits": sorted(visits, key=lambda s: (s.submitted_at, s.id)), "claims": [claim]}


@pytest.fixture
def token(store) -> str:
    return store.issue_api_token("Prison casework system", [PRISON])


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def walked_submission(app) -> str:
    """A prison visit submitted through the real pages; its reference."""
    form = app.extensions["forms"][PRISON]
    citizen = Citizen(app.test_client())
    citizen.walk(form, MAIN_ROUTE[PRISON])
    citizen.submit(form)
    html = citizen.get(f"/{PRISON}/confirmation").get_data(as_text=True)
    return re.search(r"<strong>([A-Z0-9-]+)</strong>", html).group(1)


def audit_rows(store) -> list[AuditEvent]:
    rows, _ = store.audit_events(limit=1000)
    return list(reversed(rows))


# -- the document ----------------------------------------------------------------------------


def test_openapi_document_is_public_and_every_reference_resolves(client, document):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert document["openapi"] == "3.0.3"
    assert document["servers"] == [{"url": "/api/v1"}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if "$ref" in node else []
            return own + [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    for ref in refs(document):
        assert resolve(document, {"$ref": ref}), ref
    secured = [
        (path, method, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if op.get("security") != []
    ]
    assert {(p, m) for p, m, _ in secured} == {
        ("/submissions", "get"),
        ("/submissions/{reference}", "get"),
        ("/submissions/{reference}", "patch"),
        ("/submissions/{reference}/pdf", "get"),
        ("/submissions/{reference}/paper.pdf", "get"),
        ("/performance", "get"),
    }
    for path, method, op in secured:
        assert "401" in op["responses"] and "200" in op["responses"], (path, method)
        if "{reference}" in path:
            assert "404" in op["responses"], (path, method)
    # Every route of the blueprint is documented.
    routes = {
        (rule.rule.removeprefix("/api/v1").replace("<reference>", "{reference}"), method.lower())
        for rule in client.application.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == {(p, m) for p, item in document["paths"].items() for m in item}


def test_openapi_document_also_passes_jsonschema_when_installed(
    app, store, document, client, token, seeded
):
    """The same responses against a full JSON Schema implementation (once it is a dependency)."""
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed yet")

    def as_json_schema(node: Any) -> Any:
        if isinstance(node, dict):
            node = {k: as_json_schema(v) for k, v in node.items() if k != "example"}
            if node.pop("nullable", False):
                node = {"anyOf": [node, {"type": "null"}]}
            if "$ref" in node:
                node["$ref"] = node["$ref"].replace("#/components/schemas/", "#/$defs/")
            return node
        return [as_json_schema(v) for v in node] if isinstance(node, list) else node

    defs = as_json_schema(document["components"]["schemas"])
    body = client.get("/api/v1/submissions?limit=3", headers=auth(token)).get_json()
    schema = {"$defs": defs, "$ref": "#/$defs/SubmissionList"}
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(body)
    problem = client.get("/api/v1/submissions/NOPE", headers=auth(token)).get_json()
    jsonschema.validate(problem, {"$defs": defs, "$ref": "#/$defs/Problem"})
    # One a member of staff entered for a citizen: its assisted record too.
    store.create_user("ad@example.com", "Al Assisted", "assisted_digital", [], None)
    helped = submit_assisted(app, "ad@example.com", method="other", note="Interpreter")
    body = client.get(f"/api/v1/submissions/{helped.reference}", headers=auth(token)).get_json()
    assert body["assisted"]["note"] == "Interpreter"
    jsonschema.Draft202012Validator(
        {"$defs": defs, "$ref": "#/$defs/Submission"},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    ).validate(body)


def test_the_validator_catches_a_wrong_response(document):
    """The hand-written validator is not a rubber stamp."""
    schema = {"$ref": "#/components/schemas/Submission"}
    good = submission_json(
        Submission(
            reference="PVB-AAAA-BBBB",
            form_id=PRISON,
            form_version=1,
            definition={},
            answers={"a": 1, "b": None, "c": {"x": "y"}, "d": [{"q": 1}], "e": True},
            language="en",
            channel="online",
            started_at=BASE,
            submitted_at=BASE,
            status="received",
            due_on=None,
            assigned_to=None,
            applicant_name=None,
        )
    )
    assert problems(document, schema, good) == []
    assert problems(document, schema, {**good, "status": "lost"})
    assert problems(document, schema, {**good, "submitted_at": "yesterday"})
    assert problems(document, schema, {**good, "form": {"id": "x", "version": "1"}})
    assert problems(document, schema, {**good, "extra": 1})
    missing = dict(good)
    del missing["answers"]
    assert problems(document, schema, missing)


# -- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer not-a-real-token"},
    ],
)
def test_no_token_or_a_bad_one_is_401_with_a_challenge(client, document, store, headers):
    reference = "PVB-AAAA-BBBB"
    for path, method, url in [
        ("/submissions", "get", "/api/v1/submissions"),
        ("/submissions/{reference}", "get", f"/api/v1/submissions/{reference}"),
        ("/submissions/{reference}/pdf", "get", f"/api/v1/submissions/{reference}/pdf"),
        ("/submissions/{reference}", "patch", f"/api/v1/submissions/{reference}"),
    ]:
        response = client.open(url, method=method.upper(), headers=headers, json={})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["error"] == "unauthorised"
        assert_matches_openapi(document, path, method, response)
    wrong = [r for r in audit_rows(store) if r.action == "api.unauthorised"]
    # Bad tokens are summarised: one row per address and 10 minutes, not one per call.
    assert len(wrong) == (1 if "not-a-real-token" in str(headers) else 0)


def test_a_revoked_token_no_longer_works(client, store, token, seeded):
    assert client.get("/api/v1/submissions", headers=auth(token)).status_code == 200
    with store.sessions.begin() as db:
        from forms_service.data import ApiToken

        for row in db.query(ApiToken):
            row.revoked_at = datetime.datetime.now(datetime.UTC)
    response = client.get("/api/v1/submissions", headers=auth(token))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_only_the_hash_of_a_token_is_stored_and_use_is_recorded(store, token):
    from forms_service.data import ApiToken

    with store.sessions() as db:
        (row,) = db.query(ApiToken).all()
    assert row.token_hash == hash_secret(token) != token
    assert row.forms == [PRISON] and row.last_used_at is None
    assert len(token) >= 43  # 32 random bytes
    assert store.api_token(hash_secret(token)).last_used_at is not None


# -- listing ---------------------------------------------------------------------------------


def test_list_shows_only_the_tokens_forms_oldest_first(client, document, token, seeded):
    response = client.get("/api/v1/submissions", headers=auth(token))
    assert response.status_code == 200
    assert_matches_openapi(document, "/submissions", "get", response)
    body = response.get_json()
    assert body["next_cursor"] is None
    assert [s["reference"] for s in body["data"]] == [s.reference for s in seeded["visits"]]
    assert seeded["claims"][0].reference not in response.get_data(as_text=True)
    assert body["data"][0] == submission_json(seeded["visits"][0])
    assert response.headers["Cache-Control"] == "no-store"


def test_filters_by_form_status_and_since(client, document, token, seeded):
    visits = seeded["visits"]

    def references(query: str) -> list[str]:
        response = client.get(f"/api/v1/submissions?{query}", headers=auth(token))
        assert response.status_code == 200, response.get_json()
        assert_matches_openapi(document, "/submissions", "get", response)
        return [s["reference"] for s in response.get_json()["data"]]

    assert references(f"form={PRISON}") == [s.reference for s in visits]
    accepted = [s.reference for s in visits if s.status == "accepted"]
    assert accepted and references("status=accepted") == accepted
    assert references("status=rejected") == []
    day_two = visits[3].submitted_at.replace(tzinfo=datetime.UTC)
    later = [s.reference for s in visits if s.submitted_at.replace(tzinfo=datetime.UTC) >= day_two]
    assert len(later) == 4
    # At or after: the exact moment of a submission includes it; any zone offset works.
    assert references("since=" + day_two.isoformat().replace("+00:00", "Z")) == later
    in_paris = day_two.astimezone(datetime.timezone(datetime.timedelta(hours=2)))
    assert references("since=" + in_paris.isoformat().replace("+", "%2B")) == later
    assert references("since=" + in_paris.isoformat()) == later  # "+" unencoded: a space
    assert references("since=2024-05-02") == later  # a date: midnight UTC
    assert references("since=2024-05-02 00:00:00") == later
    assert references("since=2030-01-01T00:00:00Z") == []
    assert references("since=2024-05-02&status=in_progress&limit=200") == [
        s.reference for s in visits[3:] if s.status == "in_progress"
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=ten", "limit"),
        ("limit=-1", "limit"),
        ("status=lost", "status"),
        ("since=yesterday", "since"),
        (f"form={CICA}", "form"),
        ("form=no-such-form", "form"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=" + base64.urlsafe_b64encode(b"2024-01-01T00:00:00|x").decode(), "cursor"),
        ("page=2", "unknown parameter"),
    ],
)
def test_bad_parameters_are_400_with_a_message(client, document, token, query, message):
    response = client.get(f"/api/v1/submissions?{query}", headers=auth(token))
    assert response.status_code == 400
    assert_matches_openapi(document, "/submissions", "get", response)
    body = response.get_json()
    assert body["error"] == "bad_request" and message in body["message"]
    assert CICA not in body["message"]  # the message lists only the token's own forms


def test_cursor_pages_through_every_row_once_even_with_equal_times(client, document, token, seeded):
    seen: list[str] = []
    url = "/api/v1/submissions?limit=1"
    for _ in range(20):
        response = client.get(url, headers=auth(token))
        assert_matches_openapi(document, "/submissions", "get", response)
        body = response.get_json()
        assert len(body["data"]) == 1
        seen += [s["reference"] for s in body["data"]]
        if body["next_cursor"] is None:
            break
        url = f"/api/v1/submissions?limit=1&cursor={body['next_cursor']}"
    assert seen == [s.reference for s in seeded["visits"]]  # no duplicates, no gaps
    assert len(set(seen)) == 7


def test_cursor_with_larger_pages_and_filters(client, token, seeded):
    visits = [s.reference for s in seeded["visits"] if s.status == "received"]
    first = client.get("/api/v1/submissions?status=received&limit=2", headers=auth(token))
    body = first.get_json()
    cursor = body["next_cursor"]
    rest = client.get(
        f"/api/v1/submissions?status=received&limit=200&cursor={cursor}", headers=auth(token)
    ).get_json()
    assert [s["reference"] for s in body["data"] + rest["data"]] == visits
    assert rest["next_cursor"] is None


def test_a_submission_arriving_while_paging_comes_on_a_later_page(
    app, client, store, token, seeded
):
    first = client.get("/api/v1/submissions?limit=3", headers=auth(token)).get_json()
    late = insert(
        store,
        app.extensions["forms"][PRISON],
        prison_answers(50),
        BASE + datetime.timedelta(days=30),
        number=50,
    )
    early = insert(store, app.extensions["forms"][PRISON], prison_answers(51), BASE, number=51)
    rest = client.get(
        f"/api/v1/submissions?limit=200&cursor={first['next_cursor']}", headers=auth(token)
    ).get_json()
    seen = [s["reference"] for s in first["data"] + rest["data"]]
    assert seen[-1] == late.reference
    assert early.reference not in seen  # it sorts before the cursor: use `since` to catch up
    assert seen[:-1] == [s.reference for s in seeded["visits"]]


# -- one submission --------------------------------------------------------------------------


def test_detail_is_the_staff_json_of_a_walked_submission(app, client, document, store, token):
    reference = walked_submission(app)
    response = client.get(f"/api/v1/submissions/{reference}", headers=auth(token))
    assert response.status_code == 200
    assert_matches_openapi(document, "/submissions/{reference}", "get", response)
    assert response.get_json() == submission_json(store.get_submission(reference))
    assert response.get_json()["answers"]["prisoner_number"] == "A1234BC"
    lower = client.get(f"/api/v1/submissions/{reference.lower()}", headers=auth(token))
    assert lower.get_json() == response.get_json()


def test_another_forms_submission_is_not_found_like_a_made_up_one(client, document, token, seeded):
    claim = seeded["claims"][0].reference
    answers = []
    for reference in (claim, "PVB-ZZZZ-ZZZZ"):
        for method, url, path in [
            ("GET", f"/api/v1/submissions/{reference}", "/submissions/{reference}"),
            ("GET", f"/api/v1/submissions/{reference}/pdf", "/submissions/{reference}/pdf"),
            ("PATCH", f"/api/v1/submissions/{reference}", "/submissions/{reference}"),
        ]:
            response = client.open(
                url, method=method, headers=auth(token), json={"status": "accepted"}
            )
            assert response.status_code == 404
            assert_matches_openapi(document, path, method.lower(), response)
            answers.append((method, url.replace(reference, "X"), response.get_json()))
    assert answers[:3] == answers[3:]  # nothing tells the two apart
    assert seeded["claims"][0].status == "received"


# -- status changes --------------------------------------------------------------------------


def test_patch_changes_the_status_without_a_csrf_token(client, document, store, token, seeded):
    visit = seeded["visits"][0]
    url = f"/api/v1/submissions/{visit.reference}"
    response = client.patch(
        url, headers=auth(token), json={"status": "accepted", "note": SECRET_NOTE}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_matches_openapi(document, "/submissions/{reference}", "patch", response)
    assert response.get_json()["status"] == "accepted"
    again = client.get(url, headers=auth(token)).get_json()
    assert again["status"] == "accepted" and again == response.get_json()
    (event, *_) = store.events(visit.id)
    assert event.kind == "status" and event.actor_id is None
    assert event.actor.startswith("api:") and event.actor.endswith("Prison casework system")
    assert event.detail == {"from": "received", "to": "accepted"}
    assert event.note == SECRET_NOTE  # sealed at rest
    listed = client.get("/api/v1/submissions?status=accepted", headers=auth(token)).get_json()
    assert visit.reference in [s["reference"] for s in listed["data"]]


@pytest.mark.parametrize(
    "body",
    [
        {"status": "approved"},
        {"status": None},
        {},
        {"status": "accepted", "note": 5},
        {"status": "accepted", "note": "x" * 2001},
        {"status": "accepted", "assigned_to": 1},
        ["accepted"],
        "accepted",
    ],
)
def test_patch_rejects_what_it_cannot_use(client, document, store, token, seeded, body):
    visit = seeded["visits"][0]
    response = client.patch(
        f"/api/v1/submissions/{visit.reference}", headers=auth(token), json=body
    )
    assert response.status_code == 400
    assert_matches_openapi(document, "/submissions/{reference}", "patch", response)
    assert store.get_submission(visit.reference).status == "received"


def test_patch_needs_a_json_body(client, token, seeded):
    response = client.patch(
        f"/api/v1/submissions/{seeded['visits'][0].reference}",
        headers=auth(token),
        data="status=accepted",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400 and "JSON" in response.get_json()["message"]


def test_every_status_is_accepted(client, token, seeded):
    url = f"/api/v1/submissions/{seeded['visits'][1].reference}"
    for status in STATUSES:
        response = client.patch(url, headers=auth(token), json={"status": status})
        assert response.get_json()["status"] == status


# -- PDF -------------------------------------------------------------------------------------


def test_pdf_is_made_once_and_served_from_the_store(app, client, document, store, token, seeded):
    pytest.importorskip("forms_service.pdf", reason="forms_service.pdf is not written yet")
    visit = seeded["visits"][0]
    url = f"/api/v1/submissions/{visit.reference}/pdf"
    response = client.get(url, headers=auth(token))
    assert response.status_code == 200
    assert_matches_openapi(document, "/submissions/{reference}/pdf", "get", response)
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    assert response.headers["Cache-Control"] == "no-store"
    assert f'filename="{visit.reference}.pdf"' in response.headers["Content-Disposition"]
    assert store.stored_pdf(visit.id, pdf_content_hash(visit)) == response.data
    with store.sessions.begin() as db:  # a stored copy is what the next download gets
        from forms_service.data import StoredPdf

        db.get(StoredPdf, visit.id).pdf = b"%PDF-cached"
    assert client.get(url, headers=auth(token)).data == b"%PDF-cached"


# -- audit -----------------------------------------------------------------------------------


def test_every_call_is_audited_without_answers(client, store, token, seeded):
    visit, claim = seeded["visits"][0], seeded["claims"][0]
    client.get(f"/api/v1/submissions?form={PRISON}&status=received", headers=auth(token))
    client.get("/api/v1/submissions?limit=0", headers=auth(token))
    client.get(f"/api/v1/submissions/{visit.reference}", headers=auth(token))
    client.get(f"/api/v1/submissions/{claim.reference}", headers=auth(token))
    client.patch(
        f"/api/v1/submissions/{visit.reference}",
        headers=auth(token),
        json={"status": "rejected", "note": SECRET_NOTE},
    )
    client.get("/api/v1/submissions", headers=auth("wrong"))
    rows = audit_rows(store)
    token_row = store.api_token(hash_secret(token))
    actor = f"api:{token_row.id} Prison casework system"
    assert [(r.actor, r.action, r.target) for r in rows] == [
        (actor, "api.list", PRISON),
        (actor, "api.list", None),
        (actor, "api.view", visit.reference),
        (actor, "api.view", claim.reference),
        (actor, "api.status", visit.reference),
        ("api:unknown", "api.unauthorised", "/api/v1/submissions"),
    ]
    received = sum(s.status == "received" for s in seeded["visits"])
    assert rows[0].detail == {"status": "received", "since": None, "count": received}
    assert rows[1].detail == {"outcome": "bad_request"}
    assert rows[3].detail == {"outcome": "not_found"}
    assert rows[4].detail == {"from": "received", "to": "rejected"}
    assert all(r.ip == "127.0.0.1" for r in rows)
    written = json.dumps([[r.actor, r.action, r.target, r.detail] for r in rows])
    for secret in (SECRET_NAME, SECRET_NOTE, "A1234BC", "cardiff", "Kid", "1990-01-01"):
        assert secret not in written


def test_a_pdf_download_is_audited(client, store, token, seeded, monkeypatch):
    monkeypatch.setattr(api, "make_pdf", lambda submission: b"%PDF-stub")
    visit = seeded["visits"][0]
    assert client.get(f"/api/v1/submissions/{visit.reference}/pdf", headers=auth(token)).data == (
        b"%PDF-stub"
    )
    (row,) = audit_rows(store)
    assert (row.action, row.target) == ("api.pdf", visit.reference)


# -- performance -----------------------------------------------------------------------------


def performance_events(store) -> None:
    """Two prison visit journeys (one submitted, online; one in Welsh, assisted, not) and a
    claim, on 10 November 2026, and one visit decided within its target."""
    at = datetime.datetime(2026, 11, 10, 12, tzinfo=datetime.UTC)

    def event(kind, journey=None, form=PRISON, channel="online", language="en", **what):
        return {
            "at": at,
            "form_id": form,
            "form_version": 1,
            "channel": channel,
            "language": language,
            "journey": journey,
            "kind": kind,
            **what,
        }

    store.record_events(
        [
            event("started", "a"),
            event("page_shown", "a", page="prisoner"),
            event("submitted", "a", value=12),
            event("feedback", value=4),
            event("started", "b", channel="assisted", language="cy"),
            event("page_shown", "b", channel="assisted", language="cy", page="prisoner"),
            event("decided", detail="within", value=2),
            event("started", "c", form=CICA),
            event("submitted", "c", form=CICA, value=50),
        ]
    )


PERIOD = "from=2026-11-01&to=2026-11-30"


def test_performance_of_one_form(client, document, store, token):
    performance_events(store)
    response = client.get(f"/api/v1/performance?form={PRISON}&{PERIOD}", headers=auth(token))
    assert response.status_code == 200
    assert_matches_openapi(document, "/performance", "get", response)
    body = response.get_json()
    assert (body["form"], body["from"], body["to"]) == (PRISON, "2026-11-01", "2026-11-30")
    assert (body["started"], body["submitted"]) == (2, 1)
    assert body["completion"] == {"part": 1, "whole": 2, "value": 0.5}
    assert body["transactions"] == {"online": 1, "assisted": 0, "paper": 0}
    assert body["satisfaction"]["value"] == 1
    assert body["ratings"][1] == {"rating": 4, "label": "Satisfied", "count": 1}
    assert body["sla_working_days"] == 3
    assert body["turnaround_within"] == {"part": 1, "whole": 1, "value": 1.0}
    # Weeks start on Monday: 26 October is the week of 1 November.
    weeks = {week["week_start"]: week["decided"] for week in body["turnaround"]}
    assert list(weeks)[0] == "2026-10-26" and weeks["2026-11-09"] == 1
    assert body["funnels"][0]["steps"][0] == {
        "page": "prisoner",
        "title": "Who are you visiting?",
        "reached": 2,
    }
    assert body["costs"][-1] == {
        "channel": None,
        "cost_for_period": None,
        "transactions": 1,
        "per_transaction": None,
    }
    assert audit_rows(store)[-1].action == "api.performance"


def test_performance_filters_by_channel_and_language(client, document, store, token):
    performance_events(store)
    response = client.get(
        f"/api/v1/performance?form={PRISON}&{PERIOD}&channel=assisted&language=cy",
        headers=auth(token),
    )
    assert_matches_openapi(document, "/performance", "get", response)
    body = response.get_json()
    assert (body["started"], body["submitted"], body["channel"]) == (1, 0, "assisted")


def test_performance_of_all_forms_is_all_the_tokens_forms(client, document, store, token):
    performance_events(store)
    response = client.get(f"/api/v1/performance?{PERIOD}", headers=auth(token))
    assert_matches_openapi(document, "/performance", "get", response)
    body = response.get_json()
    # The claim is not one of this token's forms: not counted.
    assert (body["form"], body["started"], body["submitted"]) == (None, 2, 1)
    assert body["funnels"] == [] and body["errors"] == []
    both = store.issue_api_token("Department dashboard", [PRISON, CICA])
    body = client.get(f"/api/v1/performance?{PERIOD}", headers=auth(both)).get_json()
    assert (body["started"], body["submitted"]) == (3, 2)


def test_performance_defaults_to_the_last_30_days(client, store, token):
    body = client.get("/api/v1/performance", headers=auth(token)).get_json()
    start, end = datetime.date.fromisoformat(body["from"]), datetime.date.fromisoformat(body["to"])
    assert (end - start).days == 29
    assert end == datetime.datetime.now(datetime.UTC).date()
    assert len(body["turnaround"]) in (5, 6)  # every week the 30 days touch


def test_a_form_outside_the_token_is_not_found_like_a_made_up_one(client, document, token):
    for form in (CICA, "no-such-form"):
        response = client.get(f"/api/v1/performance?form={form}", headers=auth(token))
        assert response.status_code == 404
        assert response.get_json()["error"] == "not_found"
        assert_matches_openapi(document, "/performance", "get", response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13-01", "from and to must be dates"),
        ("to=yesterday", "from and to must be dates"),
        ("from=2026-11-30&to=2026-11-01", "from must be on or before to"),
        ("from=2024-01-01&to=2026-01-01", "at most 366 days"),
        ("channel=post", "channel must be one of: online, assisted, paper"),
        ("language=fr", "language must be one of: cy, en"),
        ("since=2026-01-01", "unknown parameter(s): since"),
    ],
)
def test_bad_performance_parameters_are_400(client, document, token, query, message):
    response = client.get(f"/api/v1/performance?{query}", headers=auth(token))
    assert response.status_code == 400
    assert_matches_openapi(document, "/performance", "get", response)
    body = response.get_json()
    assert body["error"] == "bad_request" and message in body["message"]


def test_performance_needs_a_token(client, document):
    response = client.get("/api/v1/performance")
    assert response.status_code == 401
    assert_matches_openapi(document, "/performance", "get", response)
