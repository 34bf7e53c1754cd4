"""The contract keys this project adds for what follows a submission: `confirmation_email`,
`notify_email` and `webhooks` (delivered by forms_service/delivery/)."""

from __future__ import annotations

import textwrap

import pytest

from forms_service.definitions.loader import DefinitionError, load_form_text, load_snapshot

HEAD = """\
id: test-form
version: 1
title: Test form
"""
PAGES = """\
pages:
  - id: name
    questions:
      - {id: full_name, type: text, label: Full name}
"""


def load(middle: str, warnings: list | None = None):
    return load_form_text(HEAD + textwrap.dedent(middle) + PAGES, "form.yaml", warnings)


def problems(middle: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load(middle)
    return [str(p) for p in caught.value.problems]


def test_the_keys_load(monkeypatch):
    monkeypatch.setenv("VISITS_HOOK_SECRET", "s3cret")
    warnings: list = []
    form = load(
        """\
        confirmation_email: {copy_of_answers: true}
        notify_email: visits-team@example.gov.uk
        webhooks:
          - {url: "https://casework.example.gov.uk/hooks/forms", secret_env: VISITS_HOOK_SECRET}
        """,
        warnings,
    )
    assert form.confirmation_email.copy_of_answers is True
    assert form.notify_email == "visits-team@example.gov.uk"
    assert [(h.url, h.secret_env) for h in form.webhooks] == [
        ("https://casework.example.gov.uk/hooks/forms", "VISITS_HOOK_SECRET")
    ]
    assert warnings == []
    # A stored submission's snapshot gives the same, so its jobs use what it was sent with.
    again = load_snapshot(dict(form.snapshot))
    assert again.webhooks == form.webhooks and again.notify_email == form.notify_email


def test_every_key_is_optional_and_the_email_has_no_answers_by_default():
    form = load("")
    assert form.confirmation_email.copy_of_answers is False
    assert form.notify_email is None and form.webhooks == ()


def test_an_unset_secret_is_a_warning_not_an_error(monkeypatch):
    monkeypatch.delenv("NOT_SET_HOOK_SECRET", raising=False)
    warnings: list = []
    form = load(
        "webhooks:\n  - {url: 'https://a.example.gov.uk/', secret_env: NOT_SET_HOOK_SECRET}\n",
        warnings,
    )
    assert len(form.webhooks) == 1
    assert [str(w) for w in warnings] == [
        "form.yaml:5:52: warning: The environment variable NOT_SET_HOOK_SECRET is not set "
        "here, so deliveries to this webhook fail (and are retried) until it holds the "
        "signing secret."
    ]


def test_http_to_this_machine_loads_with_a_warning(monkeypatch):
    monkeypatch.setenv("HOOK", "x")
    warnings: list = []
    form = load("webhooks:\n  - {url: 'http://127.0.0.1:8080/in', secret_env: HOOK}\n", warnings)
    assert form.webhooks[0].url == "http://127.0.0.1:8080/in"
    assert "WEBHOOKS_ALLOW_PRIVATE" in str(warnings[0])


@pytest.mark.parametrize(
    ("middle", "expected"),
    [
        (
            "confirmation_email: {copy_of_answers: yes please}\n",
            "form.yaml:4:39: Copy_of_answers must be true or false",
        ),
        (
            "confirmation_email: {answers: true}\n",
            "form.yaml:4:22: Unknown key 'answers' in confirmation_email",
        ),
        (
            "confirmation_email: true\n",
            "form.yaml:4:21: Confirmation_email must be a set of 'key: value'",
        ),
        ("notify_email: the team\n", "form.yaml:4:15: Notify_email 'the team' is not valid"),
        ("notify_email: a@example.gov.uk, b@example.gov.uk\n", "form.yaml:4:15: Notify_email"),
        ("webhooks: https://a.example.gov.uk/\n", "form.yaml:4:11: Webhooks must be a list"),
        (
            "webhooks:\n  - {url: 'http://hooks.example.gov.uk/', secret_env: HOOK}\n",
            "form.yaml:5:11: The webhook url 'http://hooks.example.gov.uk/' must start with https://",
        ),
        (
            "webhooks:\n  - {url: 'http://10.0.0.5/', secret_env: HOOK}\n",
            "form.yaml:5:11: The webhook url 'http://10.0.0.5/' must start with https://",
        ),
        (
            "webhooks:\n  - {url: 'ftp://a.example.gov.uk/', secret_env: HOOK}\n",
            "form.yaml:5:11: The webhook url 'ftp://a.example.gov.uk/' is not valid",
        ),
        (
            "webhooks:\n  - {url: 'https://me:pw@a.example.gov.uk/', secret_env: HOOK}\n",
            "form.yaml:5:11: The webhook url must not hold a user name or password",
        ),
        (
            "webhooks:\n  - {url: 'https://a.example.gov.uk/', secret_env: my secret}\n",
            "form.yaml:5:52: The webhook secret_env 'my secret' is not valid",
        ),
        (
            "webhooks:\n  - {url: 'https://a.example.gov.uk/'}\n",
            "form.yaml:5:5: A webhook is missing 'secret_env:'",
        ),
        (
            "webhooks:\n  - {url: 'https://a.example.gov.uk/', secret_env: HOOK, secret: x}\n",
            "form.yaml:5:58: Unknown key 'secret' in a webhook",
        ),
        (
            "webhooks:\n  - {url: 'https://a.example.gov.uk/', secret_env: HOOK}\n"
            "  - {url: 'https://a.example.gov.uk/', secret_env: HOOK}\n",
            "form.yaml:6:11: The webhook https://a.example.gov.uk/ is listed twice",
        ),
    ],
)
def test_mistakes_are_reported_where_they_are(monkeypatch, middle, expected):
    monkeypatch.setenv("HOOK", "x")
    found = problems(middle)
    assert any(p.startswith(expected) for p in found), found
