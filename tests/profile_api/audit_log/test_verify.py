"""`GET /api/v1/audit/verify` (issue 21 item 3): the CLI's chain verification over a range, from the API, for
those who inspect and supervise (Điều 19 khoản 6, Điều 21 khoản 5): it passes, then finds one altered entry."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import AuditEntry
from profile_api.audit.service import seal_pending
from tests.profile_api.audit_log.helpers import history, is_problem, world

URL = "/api/v1/audit/verify"


class TestVerify:
    async def test_passes_then_names_the_altered_entry(self, session: AsyncSession, profile_api: AsyncClient,
                                                       token_issuer: TokenIssuer) -> None:
        w = await world(session)
        await history(session, w)
        await seal_pending(session)
        head = int(await session.scalar(select(func.max(AuditEntry.seq))) or 0)
        start = head - 9  # the ten entries of the history
        for auditor in (w.auditor_root, w.auditor_a):  # any auditor checks the province's one chain
            intact = await profile_api.get(f"{URL}?from_seq={start}&to_seq={head}",
                                           headers=w.auth(token_issuer, auditor))
            assert intact.status_code == 200, intact.text
            assert intact.json() | {"unsealed": 0} == {
                "from_seq": start, "to_seq": head, "checked": 10, "intact": True, "first_bad_seq": None,
                "first_bad_id": None, "reason": None, "unsealed": 0}
        whole = (await profile_api.get(URL, headers=w.auth(token_issuer, w.auditor_root))).json()
        assert whole["intact"] and whole["from_seq"] == 1 and whole["to_seq"] == 100_000

        victim_seq = head - 4
        victim = await session.scalar(select(AuditEntry.id).where(AuditEntry.seq == victim_seq))
        # The append-only trigger refuses this; someone owning the database could still disable it, as here.
        await session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        await session.execute(text("UPDATE audit_log SET fields = '[\"nothing\"]' WHERE id = :id"), {"id": victim})
        await session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        broken = (await profile_api.get(f"{URL}?from_seq={start}&to_seq={head}",
                                        headers=w.auth(token_issuer, w.auditor_a))).json()
        assert broken["intact"] is False and broken["checked"] == 5
        assert (broken["first_bad_seq"], broken["first_bad_id"]) == (victim_seq, victim)
        assert broken["reason"].startswith("nội dung không khớp mã băm") and "altered" in broken["reason"]
        before = (await profile_api.get(f"{URL}?from_seq={start}&to_seq={victim_seq - 1}",
                                        headers=w.auth(token_issuer, w.auditor_a))).json()
        assert before["intact"] and before["checked"] == 5  # a range that stops short of it is intact
        after = (await profile_api.get(f"{URL}?from_seq={victim_seq + 1}&to_seq={head}",
                                       headers=w.auth(token_issuer, w.auditor_a))).json()
        assert after["intact"]  # the next entry still follows the victim's stored hash

    async def test_a_removed_entry_breaks_the_range_after_it(self, session: AsyncSession, profile_api: AsyncClient,
                                                             token_issuer: TokenIssuer) -> None:
        w = await world(session)
        await history(session, w)
        await seal_pending(session)
        head = int(await session.scalar(select(func.max(AuditEntry.seq))) or 0)
        await session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        await session.execute(text("DELETE FROM audit_log WHERE seq = :s"), {"s": head - 2})
        await session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        broken = (await profile_api.get(f"{URL}?from_seq={head - 2}&to_seq={head}",
                                        headers=w.auth(token_issuer, w.auditor_root))).json()
        assert broken["intact"] is False and broken["first_bad_seq"] == head - 1
        assert "removed or reordered" in broken["reason"]

    async def test_the_range_is_bounded(self, session: AsyncSession, profile_api: AsyncClient,
                                        token_issuer: TokenIssuer) -> None:
        w = await world(session)
        auth = w.auth(token_issuer, w.auditor_root)
        for query in ("from_seq=1&to_seq=100001", "from_seq=10&to_seq=9", "from_seq=0", "to_seq=-1",
                      "from_seq=x", f"from_seq={2**63}"):
            response = await profile_api.get(f"{URL}?{query}", headers=auth)
            assert is_problem(response, 422), f"{query}: {response.status_code} {response.text}"
        assert (await profile_api.get(f"{URL}?from_seq=1&to_seq=100000", headers=auth)).status_code == 200
