"""What the LGSP answers when a call is not routable: problem+json (RFC 9457) naming the header, with the national
routes' `error` code beside it, so a client reading either finds the reason. Never 401: the token was good, and a
401 would only make the client fetch another one and fail the same way."""

from __future__ import annotations

from typing import Any

from hoso_shared.problems import MEDIA_TYPE, Forbidden, Problem
from hoso_shared.web import ProblemDocument


class RoutingHeaderMissing(Problem):
    status, slug, title = 400, "lgsp-routing-header-missing", "Thiếu header định tuyến (routing header missing)"

    def __init__(self, header: str) -> None:
        super().__init__(f"LGSP yêu cầu header định tuyến {header} (the LGSP requires the routing header {header})",
                         header=header, error="missing_routing_header")


class RoutingHeaderWrong(Forbidden):
    slug, title = "lgsp-routing-header-wrong", "Header định tuyến không được chấp nhận (routing header not accepted)"

    def __init__(self, header: str) -> None:
        # The expected value is the LGSP's configuration; a refusal names the header, never what it should be.
        super().__init__(f"Giá trị header định tuyến {header} không được LGSP chấp nhận "
                         f"(the LGSP does not route this value of {header})", header=header,
                         error="wrong_routing_header")


# For the `responses=` of the national routes: what the LGSP mode adds to them.
LGSP_RESPONSES: dict[int | str, dict[str, Any]] = {403: {
    "description": "LGSP mode: a routing header with a value the LGSP does not route (a missing one is 400); "
                   "problem+json naming it in `header`", "model": ProblemDocument, "content": {MEDIA_TYPE: {}}}}
