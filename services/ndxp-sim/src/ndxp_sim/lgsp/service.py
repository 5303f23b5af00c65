"""The LGSP's checks of a national call, as plain functions: the token travels raw in `lgspaccesstoken` (an
`Authorization: Bearer` is not read, nor a `Bearer ` prefix in the header), and each configured routing header is
present with the value the LGSP routes (DOMAIN §6.2)."""

from __future__ import annotations

from collections.abc import Mapping

from ndxp_sim.lgsp.errors import RoutingHeaderMissing, RoutingHeaderWrong

TOKEN_HEADER = "lgspaccesstoken"  # noqa: S105 - a header name


def lgsp_token_from(headers: Mapping[str, str]) -> str | None:
    """The raw token, or None when the header is absent or empty."""
    return headers.get(TOKEN_HEADER, "").strip() or None


def check_routing(headers: Mapping[str, str], required: Mapping[str, str]) -> None:
    """Each required header present (non-empty) and, when the LGSP names a value for it, equal to that value.
    Checked in the configured order, so the first one wrong is the one named."""
    for name, expected in required.items():
        given = headers.get(name.lower(), "").strip()
        if not given:
            raise RoutingHeaderMissing(name)
        if expected and given != expected:  # routing codes are public, no secret to time
            raise RoutingHeaderWrong(name)
