"""The audit log in sentences (forms_service.audit_log), without Flask."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from forms_service.audit_log import KINDS, Wording, describe, who

WORDING = Wording(
    gettext=lambda s: s,
    ngettext=lambda one, many, n: one if n == 1 else many,
    staff_names={3: "Priya Shah", 4: "Casey Worker"},
)
REF = "PVB-7K3M-Q9TX"


@pytest.mark.parametrize(
    ("action", "target", "detail", "sentence"),
    [
        ("sign_in", None, {}, "Signed in"),
        ("view", REF, {}, f"Viewed submission {REF}"),
        (
            "status",
            REF,
            {"from": "received", "to": "in_progress"},
            f"Status of {REF} changed from Received to In progress",
        ),
        ("status", REF, {"to": "accepted"}, f"Status of {REF} changed to Accepted"),
        ("assign", REF, {"to": 4}, f"Assigned {REF} to Casey Worker"),
        ("assign", REF, {"to": None}, f"Removed the assignee of {REF}"),
        ("assign", REF, {"to": 99}, f"Assigned {REF} to an unknown user"),
        ("download_pdf", REF, {}, f"Downloaded PDF of {REF}"),
        ("download_paper_pdf", REF, {}, f"Downloaded {REF} on its paper form"),
        ("api.paper_pdf", REF, {}, f"Downloaded {REF} on its paper form through the API"),
        (
            "api.paper_pdf",
            REF,
            {"outcome": "no_paper_form"},
            f"Downloaded {REF} on its paper form through the API (refused: its form has no "
            "paper form)",
        ),
        ("inbox", None, {"filters": {}, "searched": False}, "Looked at the inbox"),
        ("inbox", None, {"filters": {}, "searched": True}, "Searched the inbox"),
        (
            "inbox",
            None,
            {"filters": {"status": "received", "channel": ["paper", "assisted"]}},
            "Looked at the inbox, filtered by status: Received; channel: paper, assisted",
        ),
        (
            "inbox",
            None,
            {"filters": {"from": "2026-03-01", "mine": "1", "overdue": "1"}},
            "Looked at the inbox, filtered by submitted from: 2026-03-01; assigned to them; overdue",
        ),
        ("export_csv", None, {"count": 12}, "Exported 12 submissions as CSV"),
        ("export_csv", None, {"count": 1, "codes": True}, "Exported 1 submission as CSV with codes"),
        ("api.list", "prison-visit-booking", {"count": 3}, "Listed 3 submissions through the API"),
        ("api.view", REF, {"outcome": "not_found"}, f"Fetched submission {REF} through the API (not found)"),
        (
            "api.status",
            REF,
            {"from": "received", "to": "accepted"},
            f"Status of {REF} changed from Received to Accepted through the API",
        ),
        ("recovery_code_used", None, {"left": 9}, "Signed in with a recovery code (9 left)"),
        ("two_factor_failed", None, {"kind": "recovery_code"}, "Entered a recovery code that is not valid"),
        ("assisted_started", "prison-visit-booking", {"method": "telephone"},
         "Started form prison-visit-booking for someone (by telephone)"),
        ("webhook_delivery", REF, {"host": "casework.example.gov.uk", "status": 204},
         f"Delivered {REF} to casework.example.gov.uk (status 204)"),
        ("webhook_delivery", REF, {"host": "casework.example.gov.uk", "status": 500},
         f"Could not deliver {REF} to casework.example.gov.uk: it answered 500"),
        ("webhook_delivery", REF, {"host": "10.0.0.1", "status": None, "problem": "refused"},
         f"Could not deliver {REF} to 10.0.0.1"),
        ("webhook_redeliver", REF, {"host": "casework.example.gov.uk"},
         f"Asked for {REF} to be delivered again to casework.example.gov.uk"),
    ],
)  # fmt: skip
def test_each_kind_of_event_reads_as_a_sentence(action, target, detail, sentence):
    assert describe(action, target, detail, WORDING) == sentence


def test_an_event_with_no_sentence_of_its_own_still_reads_as_words():
    assert describe("export_pdf_bundle", None, {}, WORDING) == "Export pdf bundle"
    assert describe("api.something", "X-1", {}, WORDING) == "Api: something: X-1"


def test_staff_are_named_by_name_and_other_actors_by_what_they_are():
    assert who("staff:3 priya@example.gov.uk", WORDING) == "Priya Shah"
    assert who("staff:77 gone@example.gov.uk", WORDING) == "gone@example.gov.uk"
    assert who("api:2 Prison casework system", WORDING) == "API: Prison casework system"
    assert who("api:unknown", WORDING) == "API: token not valid"
    assert who("cli", WORDING) == "Command line"
    assert who("system:purge", WORDING) == "Retention (automatic)"
    assert who("system:webhooks", WORDING) == "Webhooks (automatic)"
    assert who("unknown:0a1b2c3d4e5f", WORDING).startswith("Someone using an email address")


def written_actions() -> set[str]:
    """The action of every audit(...) call in the service: the first plain string among
    its first two arguments (store.audit takes the actor first)."""
    actions = set()
    for path in (Path(__file__).parents[2] / "forms_service").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name not in ("audit", "_audit"):
                continue
            strings = [
                a.value
                for a in node.args[:2]
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if strings:
                actions.add(strings[-1] if len(strings) == 2 else strings[0])
    return actions


def test_every_action_the_service_writes_has_a_sentence_and_a_filter():
    actions = written_actions()
    assert {"sign_in", "status", "export_csv", "api.view", "retention_purge"} <= actions
    assert actions <= set(KINDS), actions - set(KINDS)
    for action in actions:
        assert describe(action, REF, {}, WORDING)[0].isupper(), action
