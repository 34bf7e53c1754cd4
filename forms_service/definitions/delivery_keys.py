"""The keys that say what happens after a submission (forms_service/delivery/ does it):
`confirmation_email: {copy_of_answers: true}`, `notify_email: team@example.gov.uk` and
`webhooks: [{url, secret_env}]`. Problems are file:line:col like every other definition
problem; none of these keys changes a page.
"""

from __future__ import annotations

import ipaddress
import os
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from forms_service.definitions.model import ConfirmationEmail, Webhook
from forms_service.definitions.yamlnodes import YamlNode

if TYPE_CHECKING:
    from forms_service.definitions.loader import _DefinitionReader

CONFIRMATION_EMAIL_KEYS = ("copy_of_answers",)
WEBHOOK_KEYS = ("url", "secret_env")
MAX_WEBHOOKS = 5
SECRET_ENV = re.compile(r"^[A-Z_][A-Z0-9_]{0,99}$")
# Plain http only to this machine, for trying a receiver out: the service still refuses it
# unless WEBHOOKS_ALLOW_PRIVATE is on (delivery/addresses.py).
LOOPBACK_NAMES = frozenset({"localhost"})


def read_confirmation_email(reader: _DefinitionReader, node: YamlNode | None) -> ConfirmationEmail:
    if node is None or not reader.mapping(node, "confirmation_email", CONFIRMATION_EMAIL_KEYS):
        return ConfirmationEmail()
    copy = reader.boolean(node.get("copy_of_answers"), "copy_of_answers", False)
    return ConfirmationEmail(copy_of_answers=copy)


def read_notify_email(reader: _DefinitionReader, node: YamlNode | None, pattern) -> str | None:
    return reader.string(
        node,
        "notify_email",
        pattern,
        "write one email address for the team, like visits-team@justice.gov.uk",
    )


def read_webhooks(reader: _DefinitionReader, node: YamlNode | None) -> tuple[Webhook, ...]:
    if node is None:
        return ()
    if not node.is_seq:
        reader.at(
            node,
            "webhooks must be a list of endpoints, each '- {url: https://..., secret_env: NAME}'.",
        )
        return ()
    if len(node.value) > MAX_WEBHOOKS:
        reader.at(node, f"webhooks can name at most {MAX_WEBHOOKS} endpoints.")
    hooks: list[Webhook] = []
    seen: set[str] = set()
    for item in node.value:
        hook = _webhook(reader, item)
        if hook is None:
            continue
        if hook.url in seen:
            reader.at(item.get("url") or item, f"The webhook {hook.url} is listed twice. Keep one.")
            continue
        seen.add(hook.url)
        hooks.append(hook)
    return tuple(hooks)


def _webhook(reader: _DefinitionReader, node: YamlNode) -> Webhook | None:
    if not reader.mapping(node, "a webhook", WEBHOOK_KEYS):
        return None
    for key in WEBHOOK_KEYS:
        if node.get(key) is None:
            reader.at(node, f"a webhook is missing '{key}:'. Add it ({_HELP[key]}).")
    url = reader.string(node.get("url"), "The webhook url")
    secret_env = reader.string(
        node.get("secret_env"),
        "The webhook secret_env",
        SECRET_ENV,
        "name an environment variable in capital letters, digits and _, like VISITS_HOOK_SECRET",
    )
    url_ok = url is not None and _check_url(reader, node.get("url"), url)
    if secret_env and reader.file != _snapshot_file() and not os.environ.get(secret_env):
        reader.warn(
            node.get("secret_env"),
            f"The environment variable {secret_env} is not set here, so deliveries to "
            f"this webhook fail (and are retried) until it holds the signing secret.",
        )
    if not (url_ok and secret_env):
        return None
    return Webhook(url=url, secret_env=secret_env)


_HELP = {
    "url": "the https address that receives each submission",
    "secret_env": "the environment variable holding the secret deliveries are signed with",
}


def _snapshot_file() -> str:
    from forms_service.definitions.loader import SNAPSHOT

    return SNAPSHOT


def _check_url(reader: _DefinitionReader, node: YamlNode, url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
        host, _port = parts.hostname, parts.port  # .port raises on a bad port
    except ValueError:
        host = None
    if host is None or parts.scheme not in ("https", "http") or url != url.strip():
        reader.at(
            node,
            f"The webhook url '{url}' is not valid: write it like https://example.gov.uk/hooks/forms.",
        )
        return False
    if parts.username is not None or parts.password is not None:
        reader.at(
            node,
            "The webhook url must not hold a user name or password: the signature "
            "(secret_env) proves deliveries are ours.",
        )
        return False
    if parts.fragment:
        reader.at(node, "The webhook url must not have a #fragment: it is never sent.")
        return False
    if parts.scheme == "http":
        if not _is_loopback(host):
            reader.at(
                node,
                f"The webhook url '{url}' must start with https://: submissions must not "
                "cross a network unencrypted (http:// is allowed only to this machine, for "
                "testing).",
            )
            return False
        reader.warn(
            node,
            "This webhook is on this machine over http://: deliveries to it are refused "
            "unless WEBHOOKS_ALLOW_PRIVATE is on (for testing only).",
        )
    return True


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
