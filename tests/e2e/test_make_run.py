"""`make run` end to end, as a new user would: it comes up healthy on all five ports (the portal first) with
demo data, the portal's sign-in page answers, `.data/demo.json` lets a script log in, and Ctrl-C leaves no
process behind."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from hoso_devstack.pg import free_port
from hoso_shared.time import local_today
from tests.e2e import at_rest
from tests.e2e.demo_client import DemoClient, login
from tests.e2e.sync_checks import check_every_unit_syncs, check_population_db_contradiction_is_blocked

ROOT = Path(__file__).resolve().parents[2]
# The whole demo through every service, then every sensitive value sought in the database files: minutes on a
# busy machine.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]
NEW_PHONE = "0912000020"  # proposed by a demo officer, approved and synced: sought at rest afterwards


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _port_offset() -> int:
    for _ in range(50):
        offset = random.randrange(20000, 40000)
        if all(_free(p + offset) for p in (8000, 8001, 8002, 8003, 8009)):
            return offset
    raise RuntimeError("no free ports")


def _wait_for(path: Path, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, f"make run exited early with {proc.returncode}"
        assert time.monotonic() < deadline, "make run did not become ready in time"
        time.sleep(0.5)


def _descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def run_dir() -> Iterator[Path]:
    """Beside the test run's own cluster (.data), not under pytest's temporary root: any other pytest started on
    the machine resets that root to 0700, and the embedded PostgreSQL, running as its own system user, then loses
    its data directory mid-run (PANIC: could not open pg_control)."""
    (ROOT / ".data").mkdir(exist_ok=True)
    made = Path(tempfile.mkdtemp(prefix="make-run-", dir=ROOT / ".data"))
    yield made
    shutil.rmtree(made, ignore_errors=True)


class TestMakeRun:
    def test_comes_up_serves_demo_logins_and_stops_clean(self, run_dir: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # the embedded path
        pg_port = free_port()
        env |= {"HOSO_DATA_DIR": str(run_dir / "data"), "HOSO_PORT_OFFSET": str(_port_offset()),
                "HOSO_PG_PORT": str(pg_port)}
        log = open(run_dir / "make-run.log", "wb")
        proc = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        tracked: list[psutil.Process] = []
        try:
            _wait_for(run_dir / "data" / "demo.json", proc)
            tracked = _descendants(proc.pid)
            demo = json.loads((run_dir / "data" / "demo.json").read_text())
            assert (run_dir / "data" / "demo.json").stat().st_mode & 0o777 == 0o600  # it holds passwords
            dsn = f"postgresql://postgres@127.0.0.1:{pg_port}/hoso"
            at_rest.store_uncompressed(dsn)
            self._check_services(demo)
            self._check_audit_sealed(f"postgresql+asyncpg://postgres@127.0.0.1:{pg_port}/hoso", env)
            self._check_nothing_personal_in_clear(demo, dsn, run_dir / "data" / "pg")
        finally:
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
            try:
                proc.wait(60)
            finally:
                log.close()
        output = (run_dir / "make-run.log").read_text(errors="replace")
        assert "stopped." in output, output[-3000:]
        assert tracked, "no child processes were seen"
        time.sleep(0.5)
        left = [p for p in tracked if _alive(p)]
        assert not left, f"left behind: {[(p.pid, p.cmdline()) for p in left]}"

    def _check_nothing_personal_in_clear(self, demo: dict[str, Any], dsn: str, pgdata: Path) -> None:
        """Issue 20's byte search (Điều 4 khoản 3, Điều 19 khoản 7): after changes with sensitive values, batches,
        signed packets and receipts, no demo citizen ID, phone or insurance number rests in clear in PostgreSQL's
        files (tables, TOAST, WAL). The demo's 200 people give about 800 values to find."""
        api, accounts = demo["services"]["profile-api"], demo["accounts"]
        doha = next(a for a in accounts if a["role"] == "doha_admin")
        values = at_rest.personal_values(api, login(api, accounts, doha["username"]))
        assert len(values) >= 700 and NEW_PHONE in values
        at_rest.checkpoint(dsn)
        assert at_rest.found_in_files(pgdata, values) == set()

    def _check_audit_sealed(self, url: str, env: dict[str, str]) -> None:
        """The sensitive reads above were audited, and the services' sealer chained them."""
        deadline = time.monotonic() + 15
        while True:
            result = subprocess.run([sys.executable, "-m", "profile_api.audit", "verify"],
                                    env={**env, "DATABASE_URL": url}, capture_output=True, text=True, check=False)
            assert result.returncode == 0, result.stdout + result.stderr
            if "0 awaiting sealing" in result.stdout and " 0 sealed" not in result.stdout:
                return
            assert time.monotonic() < deadline, result.stdout
            time.sleep(0.5)

    def _check_services(self, demo: dict[str, object]) -> None:
        services = demo["services"]
        assert isinstance(services, dict) and list(services) == [
            "portal", "profile-api", "approval-api", "sync-gateway", "ndxp-sim"]
        for url in services.values():
            assert httpx.get(f"{url}/readyz", timeout=5).status_code == 200
        # Điều 10: people log in to the software at a web address, in Vietnamese first.
        sign_in = httpx.get(f"{services['portal']}/login", timeout=5)
        assert sign_in.status_code == 200 and '<html lang="vi">' in sign_in.text, sign_in.text[:300]
        accounts = demo["accounts"]
        assert isinstance(accounts, list)
        roles = {a["role"] for a in accounts}
        assert {"doha_admin", "agency_admin", "approver", "officer", "hr_system", "service"} <= roles
        doha = next(a for a in accounts if a["role"] == "doha_admin")
        api = services["profile-api"]
        token = httpx.post(f"{api}/api/v1/auth/token", data={
            "grant_type": "password", "username": doha["username"], "password": doha["password"]},
            timeout=10).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        total, cursor = 0, None
        while True:
            page = httpx.get(f"{api}/api/v1/profiles", headers=auth, timeout=10,
                             params={"limit": 200, **({"cursor": cursor} if cursor else {})}).json()
            total += len(page["items"])
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert total >= 200
        one = httpx.get(f"{api}/api/v1/profiles/{page['items'][0]['id']}", headers=auth, timeout=10)
        assert one.status_code == 200 and one.json()["items"]["full_name"]
        assert len(one.json()["items"]["citizen_id"]) == 12  # DOHA sees sensitive items: an audited read
        client = next(a for a in accounts if a["role"] == "hr_system")
        granted = httpx.post(f"{api}/api/v1/auth/token", data={
            "grant_type": "client_credentials", "client_id": client["username"],
            "client_secret": client["password"]}, timeout=10)
        assert granted.status_code == 200
        approval = services["approval-api"]
        me = httpx.get(f"{approval}/api/v1/me", headers=auth, timeout=10)
        assert me.status_code == 200 and me.json()["roles"] == ["doha_admin"]
        self._check_change_flow(api, approval, accounts, auth)
        self._check_national_sync(services["sync-gateway"], api, accounts, auth)
        self._check_quality_gauges(api)
        self._check_sync_acceptance(DemoClient(services, accounts))

    def _check_national_sync(self, gateway: str, api: str, accounts: list[dict[str, str]],
                             doha: dict[str, str]) -> None:
        """What DOHA released reaches the simulated NDXP, signed, and comes back acknowledged; a demo
        person's citizen ID checks out against the simulated population DB."""
        deadline = time.monotonic() + 60
        while True:
            page = httpx.get(f"{gateway}/api/v1/packets", headers=doha, timeout=10).json()
            if page["counts"].get("acknowledged", 0) >= 1:
                break
            assert time.monotonic() < deadline, page
            time.sleep(0.5)
        assert page["counts"].get("dead", 0) == 0
        officer = next(a for a in accounts if a["role"] == "officer" and a["username"] != "bd.canbo2")
        mine = httpx.get(f"{api}/api/v1/profiles", headers=login(api, accounts, officer["username"]),
                         timeout=10).json()["items"][0]["id"]
        checked = httpx.post(f"{gateway}/api/v1/citizen-checks", headers=doha, json={"profile_id": mine}, timeout=30)
        assert checked.status_code == 201 and checked.json()["result"] == "match", checked.text

    def _check_sync_acceptance(self, demo: DemoClient) -> None:
        """Issue 14's acceptance, on the demo as shipped: Điều 15 khoản 1 (every unit with people syncs, DOHA's
        own through its agency account), then Điều 14 khoản 1 (a record the population DB contradicts is blocked
        at the gateway and returned to approval). In this order: the first leaves no agency anything waiting."""
        check_every_unit_syncs(demo)
        check_population_db_contradiction_is_blocked(demo)

    def _check_quality_gauges(self, api: str) -> None:
        """The replica takes the day's quality snapshot at start: the gauges show the demo's 200 records."""
        deadline = time.monotonic() + 30
        while "hoso_quality_records{" not in (text := httpx.get(f"{api}/metrics", timeout=10).text):
            assert time.monotonic() < deadline, "no quality gauges in /metrics"
            time.sleep(0.5)
        assert 'hoso_quality_records{org_unit="01"} 200.0' in text

    def _check_change_flow(self, api: str, approval: str, accounts: list[dict[str, str]],
                           doha: dict[str, str]) -> None:
        """An officer's edit crosses to approval-api (a service token profile-api mints); the agency's approver
        approves it in a window DOHA opens, approval-api applies it through profile-api with its own client
        credentials, the agency submits its batch and DOHA's approval releases it to the gateway."""
        officer = next(a for a in accounts if a["role"] == "officer" and a["username"] != "bd.canbo2")
        token = httpx.post(f"{api}/api/v1/auth/token", data={
            "grant_type": "password", "username": officer["username"], "password": officer["password"]},
            timeout=10).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        mine = httpx.get(f"{api}/api/v1/profiles", headers=auth, timeout=10).json()["items"]
        assert len(mine) == 1
        # hanoi-2024 Điều 6 khoản 3: the day the information changed, and the document proving it.
        scan = httpx.post(f"{api}/api/v1/profiles/{mine[0]['id']}/attachments", headers=auth, timeout=10,
                          files={"file": ("giay-xac-nhan.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n",
                                          "application/pdf")})
        assert scan.status_code == 201, scan.text
        proposed = httpx.patch(f"{api}/api/v1/profiles/{mine[0]['id']}", headers=auth, timeout=10,
                               json={"items": {"other_names": "Tên gọi khác", "phone": NEW_PHONE},
                                     "occurred_on": str(local_today()),
                                     "attachment_ids": [scan.json()["id"]]})
        assert proposed.status_code == 202, proposed.text
        stored = httpx.get(f"{approval}/api/v1/change-requests/{proposed.json()['change_request_id']}",
                           headers=auth, timeout=10)
        assert stored.status_code == 200 and stored.json()["state"] == "submitted"
        key, unit = officer["username"].split(".")[0], stored.json()["org_unit_id"]
        now = datetime.now(UTC)
        window = httpx.post(f"{approval}/api/v1/approval-windows", headers=doha, timeout=10, json={
            "org_unit_id": unit, "opens_at": (now - timedelta(minutes=1)).isoformat(),
            "closes_at": (now + timedelta(hours=1)).isoformat(), "reason": "e2e"})
        assert window.status_code == 201, window.text
        approved = httpx.post(f"{approval}/api/v1/change-requests/{stored.json()['id']}/approve", timeout=30,
                              headers=login(api, accounts, f"{key}.approver"))
        assert approved.status_code == 200 and approved.json()["state"] == "applied", approved.text
        assert httpx.get(f"{api}/api/v1/profiles/{mine[0]['id']}", headers=auth,
                         timeout=10).json()["items"]["other_names"] == "Tên gọi khác"
        batch = httpx.post(f"{approval}/api/v1/sync-batches", headers=login(api, accounts, f"{key}.admin"),
                           timeout=10, json={})
        assert batch.status_code == 201 and batch.json()["record_count"] >= 1, batch.text
        released = httpx.post(f"{approval}/api/v1/sync-batches/{batch.json()['id']}/approve", headers=doha,
                              timeout=10)
        assert released.status_code == 200 and released.json()["state"] == "approved", released.text
