"""Webhooks: each endpoint a form names (`webhooks: [{url, secret_env}]`) is sent every
submission, as the API's JSON, signed (signing.py), over the SSRF rules (addresses.py).

A job per endpoint and delivery round: round 0 at submission, a new round each time staff
press "Redeliver" (a new Forms-Delivery-Id). A 2xx ends it; anything else raises, and the
queue tries again with back-off for 24 hours. Every attempt is in the audit log (the host
and the status, never a body); a delivered round is recorded so it is never sent twice
by us (a receiver still dedupes on Forms-Delivery-Id, as any retry may follow a lost 2xx).
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import time
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from forms_service.definitions.loader import load_snapshot
from forms_service.definitions.model import Webhook
from forms_service.delivery import http
from forms_service.delivery.addresses import RefusedAddress
from forms_service.delivery.signing import (
    DELIVERY_ID_HEADER,
    SIGNATURE_HEADER,
    delivery_id,
    signature_header,
)
from forms_service.exports import submission_json
from forms_service.jobs.registry import task

log = logging.getLogger(__name__)
ACTOR = "system:webhooks"
USER_AGENT = "forms-service-webhooks/1"


class DeliveryFailed(Exception):
    """This attempt did not get a 2xx; str() says why without any body."""


def delivery_key(reference: str, endpoint: int, round_: int = 0) -> str:
    return f"webhook:{delivery_id(reference, endpoint, round_)}"


def body_of(submission: Any) -> bytes:
    """The API's JSON of the submission (exports.submission_json), compact, UTF-8."""
    return json.dumps(
        submission_json(submission), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode("utf-8")


@task(
    "webhook",
    first_wait=datetime.timedelta(minutes=1),
    max_wait=datetime.timedelta(hours=1),
    retry_for=datetime.timedelta(hours=24),
)
def webhook(reference: str, endpoint: int, round: int = 0) -> None:  # noqa: A002
    store = current_app.extensions["store"]
    key = delivery_key(reference, endpoint, round)
    if store.effect_done(key):
        return
    submission = store.get_submission(reference)
    if submission is None:  # deleted since (retention): nothing left to deliver
        return
    hooks = load_snapshot(submission.definition).webhooks
    if not 0 <= endpoint < len(hooks):
        return  # not an endpoint of the form this submission was made on
    hook = hooks[endpoint]
    host = urlsplit(hook.url).hostname or ""
    ident = delivery_id(reference, endpoint, round)

    def attempt(status: int | None, **problem: str) -> None:
        """Each attempt in the audit log: the host and the status, never a body."""
        store.audit(
            ACTOR, "webhook_delivery", reference, None, host=host, endpoint=endpoint,
            delivery_id=ident, status=status, **problem,
        )  # fmt: skip

    try:
        status = deliver(hook, submission, ident)
    except DeliveryFailed as failure:
        attempt(None, problem=str(failure))
        raise
    attempt(status)
    if not 200 <= status < 300:
        raise DeliveryFailed(f"{host} answered {status}")
    store.record_effect(key, submission.id)


def deliver(hook: Webhook, submission: Any, ident: str) -> int:
    """One signed POST; the status code, or DeliveryFailed when none came back."""
    host = urlsplit(hook.url).hostname or ""
    secret = os.environ.get(hook.secret_env, "")
    if not secret:
        raise DeliveryFailed(f"the environment variable {hook.secret_env} is not set")
    body = body_of(submission)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature_header(secret, int(time.time()), body),
        DELIVERY_ID_HEADER: ident,
    }
    try:
        return http.post(
            hook.url,
            body,
            headers,
            allow_private=bool(current_app.config.get("WEBHOOKS_ALLOW_PRIVATE")),
        )
    except RefusedAddress as refused:
        log.warning("webhook to %s refused: %s", host, refused)
        raise DeliveryFailed(f"refused: {refused}") from None
    except OSError as error:  # timeouts, refused connections, TLS failures
        log.warning("webhook to %s failed: %s", host, type(error).__name__)
        raise DeliveryFailed(f"{host} could not be reached ({type(error).__name__})") from None
