"""One webhook POST, made with the SSRF rules of addresses.py.

http.client, not a client library: it follows no redirects (a 3xx is simply not a 2xx), and
its connect step can be given the address that was checked while TLS still verifies the
certificate against the host name in the URL.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from urllib.parse import urlsplit

from forms_service.delivery.addresses import Address, RefusedAddress, resolve

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 1024  # read and thrown away: a receiver's answer is never kept or logged


class _Pinned:
    """Connects to the checked address, not to whatever the name resolves to next."""

    address: Address
    connect_timeout: float

    def _socket(self) -> socket.socket:
        sock = socket.create_connection(
            (str(self.address), self.port),  # type: ignore[attr-defined]
            timeout=self.connect_timeout,
        )
        sock.settimeout(self.timeout)  # type: ignore[attr-defined]
        return sock


class _PinnedHTTPS(_Pinned, http.client.HTTPSConnection):
    def connect(self) -> None:
        # server_hostname: SNI and the certificate check are for the URL's host name.
        self.sock = self._context.wrap_socket(self._socket(), server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTP(_Pinned, http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = self._socket()


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allow_private: bool,
    context: ssl.SSLContext | None = None,
    timeout: float = READ_TIMEOUT,
) -> int:
    """POST `body` and return the status code. Raises RefusedAddress for a URL that may not
    be delivered to, OSError (ssl errors included) when the receiver cannot be reached."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "http" and not allow_private:
        raise RefusedAddress(f"{host}: http:// only with WEBHOOKS_ALLOW_PRIVATE (for testing)")
    if parts.scheme not in ("http", "https"):
        raise RefusedAddress(f"{host}: only https:// URLs")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve(host, port, allow_private=allow_private)[0]
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = _PinnedHTTPS(
            host, port, timeout=timeout, context=context or ssl.create_default_context()
        )
    else:
        connection = _PinnedHTTP(host, port, timeout=timeout)
    connection.address = address  # type: ignore[attr-defined]
    connection.connect_timeout = min(CONNECT_TIMEOUT, timeout)  # type: ignore[attr-defined]
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        return response.status
    finally:
        connection.close()
