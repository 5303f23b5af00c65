"""ndxp-sim as a province's LGSP (`HOSO_SIM_MODE=lgsp`, docs/ndxp.md "LGSP mode"): the Hanoi regulation has the
city's database reach the national one through the city's LGSP (Điều 13 khoản 2, Điều 20 khoản 4), and QĐ MIC 2021
(mục 1) has the population register reached the same way, LGSP → NDXP. The LGSP issues its own token, takes it raw
in `lgspaccesstoken` only, and routes a call only with its routing headers (DOMAIN §6.2)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from pydantic import ValidationError

from ndxp_sim.settings import LGSP_ROUTING, Settings
from tests.ndxp_sim.conftest import Sim, SimFactory
from tests.ndxp_sim.helpers import canonical, make_packet, sign
from tests.ndxp_sim.test_population import KNOWN_CHECK

PROBLEM = "urn:hoso:problem:"
CREDENTIALS = {"grant_type": "client_credentials", "client_id": "hoso-gateway", "client_secret": "dev-secret"}


@pytest.fixture
async def lgsp(make_sim: SimFactory) -> Sim:
    return await make_sim(sim_mode="lgsp")


async def national_calls(sim: Sim, headers: dict[str, str]) -> list[Any]:
    """The three calls the gateway makes through the LGSP: a packet, an identity check, a form lookup."""
    packet = await sim.client.post("/ndxp/v1/packets", content=_jws(), headers={
        **headers, "Content-Type": "application/jose", "Idempotency-Key": "00000000-0000-4000-8000-00000000000a"})
    check = await sim.client.post("/population/v1/citizens/check", json=KNOWN_CHECK, headers=headers)
    lookup = await sim.client.get(f"/population/v1/citizens/{KNOWN_CHECK['citizen_id']}", headers=headers)
    return [packet, check, lookup]


def _jws() -> str:
    return sign(canonical(make_packet(packet_id="00000000-0000-4000-8000-00000000000a")))


class TestLgspToken:
    async def test_the_lgsp_issues_its_token_for_basic_or_form_credentials(self, lgsp: Sim) -> None:
        basic = base64.b64encode(b"hoso-gateway:dev-secret").decode()
        by_basic = await lgsp.client.post("/lgsp/token", data={"grant_type": "client_credentials"},
                                          headers={"Authorization": f"Basic {basic}"})
        by_form = await lgsp.client.post("/lgsp/token", data=CREDENTIALS)
        assert by_basic.status_code == by_form.status_code == 200, (by_basic.text, by_form.text)
        assert by_basic.json()["expires_in"] == 300 and len(by_basic.json()["access_token"]) > 20

    async def test_a_wrong_secret_gets_no_token(self, lgsp: Sim) -> None:
        answer = await lgsp.client.post("/lgsp/token", data={**CREDENTIALS, "client_secret": "nope"})
        assert (answer.status_code, answer.json()) == (401, {"error": "invalid_client"})

    async def test_ndxps_token_endpoint_is_not_the_lgsps(self, lgsp: Sim, sim: Sim) -> None:
        """Each mode serves its own token endpoint only: a gateway pointed at the wrong one fails at once."""
        assert (await lgsp.client.post("/oauth/token", data=CREDENTIALS)).status_code == 404
        assert (await sim.client.post("/lgsp/token", data=CREDENTIALS)).status_code == 404
        paths = (await lgsp.client.get("/openapi.json")).json()["paths"]
        assert "/lgsp/token" in paths and "/oauth/token" not in paths
        assert paths["/lgsp/token"]["post"]["description"]


class TestLgspCalls:
    async def test_the_raw_token_and_the_routing_headers_get_every_call_through(self, lgsp: Sim) -> None:
        assert set(lgsp.headers) == {"lgspaccesstoken", *LGSP_ROUTING}
        packet, check, lookup = await national_calls(lgsp, lgsp.headers)
        assert (packet.status_code, check.status_code, lookup.status_code) == (202, 200, 200), packet.text
        assert check.json()["result"] == "match"

    async def test_a_bearer_only_call_is_refused(self, lgsp: Sim) -> None:
        """The LGSP reads its own header only: the valid token as `Authorization: Bearer` is no token at all."""
        token = lgsp.headers.pop("lgspaccesstoken")
        for answer in await national_calls(lgsp, {**lgsp.headers, "Authorization": f"Bearer {token}"}):
            assert (answer.status_code, answer.json()) == (401, {"error": "missing_token",
                                                                 "header": "lgspaccesstoken"})
        prefixed = await national_calls(lgsp, {**lgsp.headers, "lgspaccesstoken": f"Bearer {token}"})
        assert [a.status_code for a in prefixed] == [401, 401, 401]  # raw only
        assert (await lgsp.stats())["packet_posts"] == 0

    async def test_a_wrong_token_is_refused(self, lgsp: Sim) -> None:
        for answer in await national_calls(lgsp, {**lgsp.headers, "lgspaccesstoken": "not-a-token"}):
            assert (answer.status_code, answer.json()) == (401, {"error": "invalid_token"})

    @pytest.mark.parametrize("header", sorted(LGSP_ROUTING))
    async def test_a_call_without_a_routing_header_is_a_problem_naming_it(self, lgsp: Sim, header: str) -> None:
        headers = {k: v for k, v in lgsp.headers.items() if k != header}
        for answer in await national_calls(lgsp, headers):
            assert answer.status_code == 400, answer.text
            assert answer.headers["content-type"].startswith("application/problem+json")
            body = answer.json()
            assert body["type"] == PROBLEM + "lgsp-routing-header-missing" and body["header"] == header
            assert header in body["detail"] and body["detail"].startswith("LGSP yêu cầu")  # Vietnamese first
        assert (await lgsp.stats())["packet_posts"] == 0

    async def test_a_call_without_any_routing_header_names_the_first(self, lgsp: Sim) -> None:
        answers = await national_calls(lgsp, {"lgspaccesstoken": lgsp.headers["lgspaccesstoken"]})
        assert {a.json()["header"] for a in answers} == {next(iter(LGSP_ROUTING))}

    async def test_a_routing_value_the_lgsp_does_not_route_is_403_naming_the_header(self, lgsp: Sim) -> None:
        for answer in await national_calls(lgsp, {**lgsp.headers, "RECEIVER_CODE": "000.00.00.H29"}):
            assert answer.status_code == 403, answer.text
            body = answer.json()
            assert (body["type"], body["header"]) == (PROBLEM + "lgsp-routing-header-wrong", "RECEIVER_CODE")
            assert LGSP_ROUTING["RECEIVER_CODE"] not in answer.text  # the expected value is not told

    async def test_a_header_configured_without_a_value_takes_any_value_but_not_none(
            self, make_sim: SimFactory) -> None:
        lgsp = await make_sim(sim_mode="lgsp", sim_lgsp_routing={"SENDER_CODE": "000.00.00.H26", "TRAN_CODE": ""})
        answers = await national_calls(lgsp, {**lgsp.headers, "TRAN_CODE": "bat-ky"})
        assert [a.status_code for a in answers] == [202, 200, 200]
        missing = await national_calls(lgsp, {**lgsp.headers, "TRAN_CODE": "  "})
        assert {(a.status_code, a.json()["header"]) for a in missing} == {(400, "TRAN_CODE")}


class TestModes:
    async def test_ndxp_mode_is_the_default_and_asks_no_routing_header(self, sim: Sim) -> None:
        assert Settings(env="test").sim_mode == "ndxp"
        assert set(sim.headers) == {"Authorization"}
        assert [a.status_code for a in await national_calls(sim, sim.headers)] == [202, 200, 200]

    def test_the_mode_and_routing_come_from_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HOSO_SIM_MODE", "lgsp")
        monkeypatch.setenv("HOSO_SIM_LGSP_ROUTING", '{"SENDER_CODE": "000.00.00.H26", "TRAN_CODE": "CBCCVC"}')
        settings = Settings(env="test")
        assert settings.sim_mode == "lgsp"
        assert settings.sim_lgsp_routing == {"SENDER_CODE": "000.00.00.H26", "TRAN_CODE": "CBCCVC"}
        monkeypatch.setenv("HOSO_SIM_MODE", "wso2")
        with pytest.raises(ValidationError, match="sim_mode"):
            Settings(env="test")
