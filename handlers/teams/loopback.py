"""Loopback addresses: where unauthenticated mode (tests only) may listen, and the only service URLs it replies to."""

from __future__ import annotations

import ipaddress
import urllib.parse


def is_loopback(host: str) -> bool:
    """True for a loopback address (127.0.0.0/8, ::1) or localhost; no other host name is taken on trust."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    try:
        host = urllib.parse.urlsplit(url).hostname
    except ValueError:
        return False
    return host is not None and is_loopback(host)
