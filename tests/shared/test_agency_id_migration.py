"""Migration p19agencyid: `org_units.electronic_id` added, filled where a unit's code already is a QĐ 20/2020/QĐ-TTg
identifier, and dropped again on downgrade."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine
from tests.conftest import fresh_database

BEFORE, AFTER = "o16fixtask1", "p19agencyid"


class TestAgencyIdMigration:
    async def test_fills_identifiers_from_codes_that_are_identifiers(self, server_url: str) -> None:
        """Điều 19 khoản 2: units coded with their QĐ 20/2020/QĐ-TTg identifier keep it as their identifier;
        others stay without one (a sync batch then names them) rather than get an invented one."""
        url = await fresh_database(server_url, "hoso_agency_id_migration")
        await asyncio.to_thread(migrate.upgrade, url, BEFORE)
        engine = create_engine(url, pool_size=1)
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO org_units (id, code, name, type, path) VALUES "
                                    "(gen_random_uuid(), '000.00.00.H26', 'UBND', 'province', '/a/'), "
                                    "(gen_random_uuid(), '000.00.02.h26', 'Sở', 'department', '/a/b/'), "
                                    "(gen_random_uuid(), '01.STC', 'Sở Tài chính', 'department', '/a/c/')"))
        await asyncio.to_thread(migrate.upgrade, url, AFTER)
        async with engine.connect() as conn:
            found = (await conn.execute(text("SELECT code, electronic_id FROM org_units"))).all()
        rows = {code: electronic_id for code, electronic_id in found}
        assert rows == {"000.00.00.H26": "000.00.00.H26", "000.00.02.h26": None, "01.STC": None}
        await asyncio.to_thread(migrate.downgrade, url, BEFORE)
        async with engine.connect() as conn:
            columns = (await conn.execute(text("SELECT column_name FROM information_schema.columns "
                                               "WHERE table_name = 'org_units'"))).scalars().all()
        await engine.dispose()
        assert "electronic_id" not in columns and "code" in columns
