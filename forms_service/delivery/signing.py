"""Signing webhook deliveries, so a receiver knows a body came from this service unchanged.

`Forms-Signature: t=<unix seconds>,v1=<hex>` where the hex is HMAC-SHA256, keyed with the
endpoint's secret, over `f"{t}.{body}"` (the body's exact bytes). The timestamp is inside the
signature, so a receiver that refuses old timestamps (5 minutes, say) cannot be replayed to.
`Forms-Delivery-Id: <reference>:<endpoint>` (plus `:<round>` for a staff redelivery) is the
same on every retry of one delivery: receivers keep the ids they have seen and drop repeats.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "Forms-Signature"
DELIVERY_ID_HEADER = "Forms-Delivery-Id"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of f"{timestamp}.{body}" under the secret."""
    message = str(int(timestamp)).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={int(timestamp)},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """What a receiver does (README has the same in a few lines): True when the header
    signs this body with this secret and its timestamp is within `tolerance` of now."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, timestamp, body))


def delivery_id(reference: str, endpoint: int, round_: int = 0) -> str:
    """The same for every attempt of one delivery; a redelivery from staff is a new one."""
    return f"{reference}:{endpoint}" + (f":{round_}" if round_ else "")
