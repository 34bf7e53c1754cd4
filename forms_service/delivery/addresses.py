"""Where a webhook may be delivered: the SSRF rules.

A definition names a URL; the service must not be turned into a way to reach what sits
behind its firewall (a metadata endpoint at 169.254.169.254, the database, an admin port on
loopback). So the host is resolved here, every address it resolves to is checked, and the
connection is made to the checked address (delivery/http.py), never by name again: a DNS
answer that changes between the check and the connection cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedAddress(Exception):
    """The endpoint may not be delivered to; str() says why (a host, never a body)."""


def refusal(address: Address) -> str | None:
    """Why this address is not a public unicast one (None when it is)."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or _nat64_or_6to4(address)
        if mapped is not None:
            return refusal(mapped)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        ("not globally routable", not address.is_global),
    )
    for name, hit in checks:
        if hit:
            return name
    return None


def _nat64_or_6to4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside a 6to4 (2002::/16) address, which routes to it."""
    if address.sixtofour is not None:
        return address.sixtofour
    return None


def resolve(host: str, port: int, *, allow_private: bool) -> list[Address]:
    """Every address `host` resolves to, in order; refused if any is not public (unless
    `allow_private`): a name that also points inside must not be used at all."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise RefusedAddress(f"{host} could not be resolved") from error
    addresses: list[Address] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise RefusedAddress(f"{host} has no addresses")
    if not allow_private:
        for address in addresses:
            reason = refusal(address)
            if reason is not None:
                raise RefusedAddress(
                    f"{host} resolves to a {reason} address ({address}); set "
                    "WEBHOOKS_ALLOW_PRIVATE to deliver there"
                )
    return addresses
