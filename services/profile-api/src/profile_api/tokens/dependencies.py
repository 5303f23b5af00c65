"""What a token request brings besides its form: where it comes from, and the throttle that counts it."""

from __future__ import annotations

import ipaddress
from typing import Annotated

from fastapi import Depends, Request
from pydantic import IPvAnyNetwork

from hoso_shared.dependencies import Now
from profile_api.dependencies import AppSettings, Wiring
from profile_api.tokens.service import Guard


async def source_address(request: Request, settings: AppSettings) -> str:
    """The socket's peer; when that peer is a trusted proxy, the last hop of its X-Forwarded-For instead: the
    address the proxy itself saw (earlier hops are whatever the caller chose to write)."""
    peer = request.client.host if request.client else "unknown"
    if not trusted(peer, settings.trusted_proxies):
        return peer
    last = ",".join(request.headers.getlist("x-forwarded-for")).rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return peer


def trusted(peer: str, proxies: frozenset[IPvAnyNetwork]) -> bool:
    """Is the peer one of the proxies (an address is a network of one)?"""
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in proxies)


async def guard(wiring: Wiring, source: Annotated[str, Depends(source_address)], now: Now) -> Guard:
    return Guard(throttle=wiring.throttle, source=source, now=now)


LoginGuard = Annotated[Guard, Depends(guard)]
