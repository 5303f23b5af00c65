from __future__ import annotations

import base64
from datetime import timedelta

from hoso_shared.time import FixedClock, utc_now
from tests.ndxp_sim.conftest import Sim, SimFactory
from tests.ndxp_sim.helpers import make_packet
from tests.ndxp_sim.test_population import KNOWN_CHECK


class TestIssueToken:
    async def test_form_credentials_give_a_bearer_token(self, sim: Sim) -> None:
        answer = await sim.client.post("/oauth/token", data={"grant_type": "client_credentials",
                                                             "client_id": "hoso-gateway",
                                                             "client_secret": "dev-secret"})
        assert answer.status_code == 200
        body = answer.json()
        assert body["token_type"] == "Bearer" and body["expires_in"] == 300 and len(body["access_token"]) > 20

    async def test_http_basic_credentials_work_too(self, sim: Sim) -> None:
        basic = base64.b64encode(b"hoso-gateway:dev-secret").decode()
        answer = await sim.client.post("/oauth/token", data={"grant_type": "client_credentials"},
                                       headers={"Authorization": f"Basic {basic}"})
        assert answer.status_code == 200

    async def test_bad_credentials_are_401(self, sim: Sim) -> None:
        answer = await sim.client.post("/oauth/token", data={"grant_type": "client_credentials",
                                                             "client_id": "hoso-gateway", "client_secret": "nope"})
        assert (answer.status_code, answer.json()) == (401, {"error": "invalid_client"})
        wrong_grant = await sim.client.post("/oauth/token", data={"grant_type": "password"})
        assert (wrong_grant.status_code, wrong_grant.json()) == (400, {"error": "unsupported_grant_type"})
        assert (await sim.stats())["tokens_issued"] == 1  # the fixture's login only


class TestBearer:
    async def test_a_missing_token_is_401(self, sim: Sim) -> None:
        sim.headers = {}
        answer = await sim.deliver(make_packet())
        assert answer.status_code == 401
        check = await sim.client.post("/population/v1/citizens/check", json=KNOWN_CHECK)
        assert check.status_code == 401

    async def test_an_expired_token_is_401(self, make_sim: SimFactory) -> None:
        clock = FixedClock(utc_now())
        sim = await make_sim(clock=clock)
        clock.advance(timedelta(seconds=301))
        answer = await sim.deliver(make_packet())
        assert (answer.status_code, answer.json()) == (401, {"error": "invalid_token"})
        await sim.login()  # a fresh token under the moved clock works again
        assert (await sim.deliver(make_packet())).status_code == 202

    async def test_the_token_may_travel_raw_in_a_configured_header(self, make_sim: SimFactory) -> None:
        sim = await make_sim(sim_token_header="lgspaccesstoken")
        token = sim.headers.pop("Authorization").removeprefix("Bearer ")
        assert (await sim.deliver(make_packet())).status_code == 401
        sim.headers = {"lgspaccesstoken": token}
        assert (await sim.deliver(make_packet())).status_code == 202
