""""Who saw my record" (issue 21 item 4): a person lists the reads of their own record's sensitive parts — when,
which parts, the reader's role and unit, never the reader's name — and nobody else's. Điều 8 khoản 3: an officer
exploits their own data."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from tests.factories import bearer, make_account, principal_for
from tests.profile_api.audit_log.helpers import all_pages, history, is_problem, world, write

URL = "/api/v1/me/record-reads"


class TestRecordReads:
    async def test_a_person_sees_the_reads_of_their_record_only(self, session: AsyncSession,
                                                                profile_api: AsyncClient,
                                                                token_issuer: TokenIssuer) -> None:
        w = await world(session)
        await history(session, w)
        await write(session, w.principal(w.officer_a), "read_sensitive", "profile", w.person_a.id, minutes=11,
                    fields=["citizen_id"])
        auth = w.auth(token_issuer, w.officer_a)
        reads = await all_pages(profile_api, URL, auth, limit=2)
        assert [(r["parts"], r["reader_roles"], r["reader_unit_name"], r["by_you"]) for r in reads] == [
            (["citizen_id"], ["officer"], w.p.a.name, True),
            (["phone"], ["agency_admin"], w.p.a.name, False),
            (["citizen_id", "family"], ["doha_admin"], w.p.root.name, False),
            (["citizen_id"], ["agency_admin"], w.p.a.name, False),
        ]  # the change HR applied is a write, not a read: not listed
        page = await profile_api.get(URL, headers=auth)
        assert page.json()["profile_id"] == str(w.person_a.id)
        for hidden in (w.p.admin_a.username, w.p.doha.username, str(w.p.admin_a.id), w.p.admin_a.display_name,
                       str(w.person_b.id), "family\"], \"by_you\": false, \"reader_roles\": [\"agency_admin\"]"):
            assert hidden not in page.text
        # B's person sees only the read of their own record; an id in the query changes nothing.
        theirs = await profile_api.get(f"{URL}?profile_id={w.person_a.id}", headers=w.auth(token_issuer, w.officer_b))
        assert [r["parts"] for r in theirs.json()["items"]] == [["family"]]
        assert theirs.json()["profile_id"] == str(w.person_b.id)

    async def test_an_account_without_a_record_has_none(self, session: AsyncSession, profile_api: AsyncClient,
                                                        token_issuer: TokenIssuer) -> None:
        w = await world(session)
        for account in (w.p.admin_a, w.auditor_a):
            response = await profile_api.get(URL, headers=w.auth(token_issuer, account))
            assert is_problem(response, 404) and response.json()["type"].endswith("no-own-record")
        assert is_problem(await profile_api.get(f"{URL}?cursor=zz", headers=w.auth(token_issuer, w.officer_a)), 422)
        assert is_problem(await profile_api.get(f"{URL}?limit=201", headers=w.auth(token_issuer, w.officer_a)), 422)

    async def test_a_read_through_the_api_is_listed(self, session: AsyncSession, profile_api: AsyncClient,
                                                    token_issuer: TokenIssuer) -> None:
        """End to end: HR of the person's agency opens the record; the person then sees that read."""
        w = await world(session)
        hr = await make_account(session, unit=w.p.a, role="agency_admin")
        opened = await profile_api.get(f"/api/v1/profiles/{w.person_a.id}",
                                       headers=bearer(token_issuer, principal_for(hr, w.p.a)))
        assert opened.status_code == 200, opened.text
        reads = (await profile_api.get(URL, headers=w.auth(token_issuer, w.officer_a))).json()["items"]
        assert len(reads) == 1 and reads[0]["reader_roles"] == ["agency_admin"] and "citizen_id" in reads[0]["parts"]
        assert reads[0]["reader_unit_name"] == w.p.a.name and not reads[0]["by_you"]
