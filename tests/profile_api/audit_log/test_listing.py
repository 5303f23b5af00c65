"""The auditor's view of the audit log (issue 21 item 3): DOHA inspects and supervises the province (Điều 19 khoản
6), each agency its own subtree (Điều 21 khoản 5). Filters, keyset pages, the subtree, the CSV, bad input."""

from __future__ import annotations

import base64
import csv
import io
import uuid
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import AccessGrant, Attachment, AuditEntry
from profile_api.audit.service import actor_of
from tests.factories import bearer, make_account, make_unit, principal_for
from tests.profile_api.audit_log.helpers import T0, all_pages, history, is_problem, world, write

URL = "/api/v1/audit"
WINDOW = f"since={quote(T0.isoformat())}&until={quote('2026-11-02T02:00:00+00:00')}"


def minutes(items: list[dict[str, Any]]) -> list[int]:
    return [int((_at(i) - T0).total_seconds() // 60) for i in items]


def _at(item: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(item["at"])


class TestFilters:
    async def test_each_filter_and_the_pages(self, session: AsyncSession, profile_api: AsyncClient,
                                             token_issuer: TokenIssuer) -> None:
        """Điều 19 khoản 6: DOHA's auditor (at the root) reads every entry of the province, newest first, and
        narrows by person, actor, action (repeatable), entity and time, a page at a time."""
        w = await world(session)
        await history(session, w)
        auth = w.auth(token_issuer, w.auditor_root)
        everything = await all_pages(profile_api, f"{URL}?{WINDOW}", auth, limit=3)
        assert minutes(everything) == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
        whole = (await profile_api.get(f"{URL}?{WINDOW}&limit=500", headers=auth)).json()
        assert whole["items"] == everything and whole["next_cursor"] is None

        about_a = await all_pages(profile_api, f"{URL}?{WINDOW}&profile_id={w.person_a.id}", auth, limit=2)
        assert minutes(about_a) == [10, 4, 3, 1]
        admin_a = quote(actor_of(w.principal(w.p.admin_a)))
        assert minutes(await all_pages(profile_api, f"{URL}?{WINDOW}&actor={admin_a}", auth, limit=2)) == [10, 5, 3, 1]
        actions = "action=read_sensitive&action=archive_pending"
        assert minutes(await all_pages(profile_api, f"{URL}?{WINDOW}&{actions}", auth, limit=2)) == [10, 9, 4, 2, 1]
        assert minutes(await all_pages(profile_api, f"{URL}?{WINDOW}&entity=account", auth, limit=1)) == [6, 5]
        narrow = f"since={quote('2026-11-02T01:03:00+00:00')}&until={quote('2026-11-02T01:07:00+00:00')}"
        assert minutes(await all_pages(profile_api, f"{URL}?{narrow}", auth, limit=2)) == [6, 5, 4, 3]
        both = f"{URL}?{narrow}&action=read_sensitive&profile_id={w.person_a.id}"
        assert minutes(await all_pages(profile_api, both, auth, limit=5)) == [4]

    async def test_an_entry_names_its_actor_role_and_unit_but_no_content(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        w = await world(session)
        await history(session, w)
        items = (await profile_api.get(f"{URL}?{WINDOW}&limit=500",
                                       headers=w.auth(token_issuer, w.auditor_root))).json()["items"]
        first = items[-1]
        assert first["actor_roles"] == ["agency_admin"] and first["actor_unit_id"] == str(w.p.a.id)
        assert first["actor_unit_name"] == w.p.a.name and first["fields"] == ["citizen_id"]
        assert first["entity"] == "profile" and first["entity_id"] == str(w.person_a.id)
        system = next(i for i in items if i["actor"] == "system")
        assert system["actor_roles"] is None and system["actor_unit_name"] is None
        change = next(i for i in items if i["action"] == "apply_change_request")
        assert change["before_digest"] and change["after_digest"] and change["seq"] is None  # not sealed yet


class TestSubtree:
    async def test_an_agency_auditor_sees_its_own_people_only(self, session: AsyncSession,
                                                              profile_api: AsyncClient,
                                                              token_issuer: TokenIssuer) -> None:
        """Điều 21 khoản 5: an agency inspects its own subtree. A's auditor reads the entries about A's person,
        accounts and units, never B's, nor what is placed nowhere (the calendar), whatever the filter."""
        w = await world(session)
        await history(session, w)
        auth = w.auth(token_issuer, w.auditor_a)
        seen = await all_pages(profile_api, f"{URL}?{WINDOW}", auth, limit=2)
        assert minutes(seen) == [10, 5, 4, 3, 1]
        for path in (f"{URL}?{WINDOW}&limit=500", f"{URL}?{WINDOW}&action=read_sensitive",
                     f"{URL}?{WINDOW}&actor={quote(actor_of(w.principal(w.p.admin_b)))}",
                     f"{URL}?{WINDOW}&entity=org_unit", f"{URL}?{WINDOW}&entity=working_day_override",
                     f"{URL}.csv?{WINDOW}"):
            response = await profile_api.get(path, headers=auth)
            assert response.status_code == 200, path
            for other in (w.person_b.id, w.officer_b.id, w.p.b.id, "2026-11-24"):
                assert str(other) not in response.text, path
        beyond = await profile_api.get(f"{URL}?profile_id={w.person_b.id}", headers=auth)
        assert is_problem(beyond, 404) and str(w.person_b.id) not in beyond.text
        assert is_problem(await profile_api.get(f"{URL}.csv?profile_id={w.person_b.id}", headers=auth), 404)

    async def test_a_moved_person_is_seen_where_they_are_now(self, session: AsyncSession,
                                                             profile_api: AsyncClient,
                                                             token_issuer: TokenIssuer) -> None:
        """A record's entries are placed by the person's current unit (documented in docs/audit.md)."""
        w = await world(session)
        await history(session, w)
        w.person_b.org_unit_id = w.p.a.id
        await session.flush()
        seen = await all_pages(profile_api, f"{URL}?{WINDOW}&profile_id={w.person_b.id}",
                               w.auth(token_issuer, w.auditor_a), limit=10)
        assert minutes(seen) == [9, 2]


    async def test_an_access_grant_is_seen_where_it_opens_or_where_its_grantee_sits(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        """Điều 18 khoản 1, Điều 19 khoản 4: access granted on a written request; the agency whose people it opens,
        or whose account holds it, inspects it (Điều 21 khoản 5); another agency does not."""
        w = await world(session)
        scan = Attachment(profile_id=w.person_a.id, filename="qd.pdf", content_type="application/pdf", size=8,
                          sha256="0" * 64, content=b"%PDF-1.7", uploaded_by=w.p.doha.id)
        session.add(scan)
        await session.flush()
        terms: dict[str, Any] = {"level": 2, "starts_on": date(2026, 11, 1), "ends_on": date(2026, 11, 30),
                                 "decision_number": "12/QĐ-SNV", "decision_date": date(2026, 10, 30),
                                 "issuing_body": "Sở Nội vụ", "attachment_id": scan.id, "granted_by": w.p.doha.id}
        grants = [AccessGrant(id=uuid.uuid4(), grantee_id=w.officer_b.id, org_unit_id=w.p.a.id, **terms),  # opens A
                  AccessGrant(id=uuid.uuid4(), grantee_id=w.officer_a.id, org_unit_id=w.p.b.id, **terms),  # held in A
                  AccessGrant(id=uuid.uuid4(), grantee_id=w.officer_b.id, org_unit_id=w.p.b.id, **terms)]  # B only
        session.add_all(grants)
        await session.flush()
        for n, grant in enumerate(grants):
            await write(session, w.principal(w.p.doha), "access_grant.create", "access_grant", grant.id, minutes=20 + n,
                        after={"level": 2})
        seen = await all_pages(profile_api, f"{URL}?{WINDOW}&entity=access_grant", w.auth(token_issuer, w.auditor_a),
                               limit=5)
        assert [i["entity_id"] for i in seen] == [str(grants[1].id), str(grants[0].id)]
        everything = await all_pages(profile_api, f"{URL}?{WINDOW}&entity=access_grant",
                                     w.auth(token_issuer, w.auditor_root), limit=5)
        assert len(everything) == 3


class TestCsv:
    async def test_the_csv_is_the_json_list(self, session: AsyncSession, profile_api: AsyncClient,
                                            token_issuer: TokenIssuer) -> None:
        w = await world(session)
        await history(session, w)
        auth = w.auth(token_issuer, w.auditor_root)
        for filters in (WINDOW, f"{WINDOW}&action=read_sensitive", f"{WINDOW}&profile_id={w.person_a.id}"):
            listed = await all_pages(profile_api, f"{URL}?{filters}", auth, limit=3)
            response = await profile_api.get(f"{URL}.csv?{filters}", headers=auth)
            assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
            assert response.content.startswith("\ufeff".encode())
            rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
            assert rows == [{k: _cell(v) for k, v in item.items()} for item in listed]
        # Who took a copy of the trail stays on it: each export, with its filters, on the auditor's unit.
        exports = (await session.execute(select(AuditEntry).where(AuditEntry.action == "export.audit.csv",
                                                                  AuditEntry.entity_id == str(w.p.root.id)))).scalars()
        assert sorted(e.fields for e in exports) == [["actions", "since", "until"], ["profile_id", "since", "until"],
                                                     ["since", "until"]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


class TestRefusals:
    @pytest.mark.parametrize("role", ["doha_admin", "agency_admin", "approver", "officer", "hr_system"])
    async def test_only_auditors_read_the_log(self, role: str, session: AsyncSession, profile_api: AsyncClient,
                                              token_issuer: TokenIssuer) -> None:
        """Nobody but an auditor (`audit:read`): the admins act, and the trail of their acts is read by another."""
        unit = await make_unit(session)
        auth = bearer(token_issuer, principal_for(await make_account(session, unit=unit, role=role), unit))
        for path in (URL, f"{URL}.csv", f"{URL}/verify"):
            assert is_problem(await profile_api.get(path, headers=auth), 403), path

    @pytest.mark.parametrize("query", [
        "limit=0", "limit=501", "cursor=not-a-cursor", "cursor=" + "x" * 101, "action=DROP%20TABLE",
        "cursor=" + base64.urlsafe_b64encode(f"2026-11-02T01:00:00+00:00|{10**30}".encode()).decode(),
        "cursor=" + base64.urlsafe_b64encode(b"2026-11-02T01:00:00|5").decode(),  # a time without its offset
        "entity=Profile", "actor=", "actor=" + "a" * 201, "since=2026-11-02T01:00:00",  # no offset
        "since=2026-11-02T02:00:00%2B00:00&until=2026-11-02T01:00:00%2B00:00", "profile_id=42",
        "&".join(["action=create"] * 21),
    ])
    async def test_bad_input_is_a_problem(self, query: str, session: AsyncSession, profile_api: AsyncClient,
                                          token_issuer: TokenIssuer) -> None:
        w = await world(session)
        response = await profile_api.get(f"{URL}?{query}", headers=w.auth(token_issuer, w.auditor_root))
        assert response.status_code in (400, 422) and is_problem(response, response.status_code), response.text
