"""Encrypted, signed backups end to end, as prod runs them (Điều 11 khoản 1: monthly backups kept three
months; khoản 2: stored under the rules for personal data): a dump of the demo database encrypted to
age recipients with a signed manifest, verified, restored into a fresh database identical table by
table; no citizen's name or ID readable in the file; a wrong key, a flipped byte and a changed manifest
each fail with their own exit code; the metrics the alerts read written on success only."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import pyrage
import pytest
from pyrage import x25519
from sqlalchemy import text
from sqlalchemy.engine import make_url

from hoso_backup import Exit, TableCensus, pgtools
from hoso_backup.__main__ import main
from hoso_backup.census import read_manifest, take_census, write_manifest
from hoso_backup.checksum import sha256_file, write_checksum
from hoso_backup.encryption import MAGIC
from hoso_backup.metrics import (
    BACKUP_SIZE,
    BACKUP_SUCCESS,
    DRILL_SUCCESS,
    backup_succeeded,
    drill_succeeded,
    parse,
    render,
)
from hoso_backup.names import manifest_path, signature_path
from hoso_shared.db.engine import create_engine
from tests.ops.backup_helpers import PASSWORD, cli, copy_dump, demo_cipher, demo_source, drill_databases, drop

PROD = {"HOSO_ENV": "prod"}


@dataclass(frozen=True)
class Keyring:
    ours: Path  # keygen's directory: backup-age.key/.pub, backup-signing.key/.pub
    theirs: Path  # another installation's keys: the wrong ones
    escrow: x25519.Identity  # a second recipient of every dump

    def key(self, name: str, *, other: bool = False) -> str:
        return str((self.theirs if other else self.ours) / name)


@dataclass(frozen=True)
class Encrypted:
    url: str
    dump: Path
    metrics: Path  # the textfile
    started: float
    finished: float


@pytest.fixture(scope="module")
def keyring(tmp_path_factory: pytest.TempPathFactory) -> Keyring:
    ours, theirs = tmp_path_factory.mktemp("keys"), tmp_path_factory.mktemp("other-keys")
    for directory in (ours, theirs):
        made = cli("keygen", "--out", str(directory), url=None)
        assert made.returncode == 0, made.stderr
        assert "age recipient (public, for HOSO_BACKUP_RECIPIENTS): age1" in made.stdout
    assert (ours / "backup-age.key").stat().st_mode & 0o077 == 0
    assert (ours / "backup-signing.key").stat().st_mode & 0o077 == 0
    again = cli("keygen", "--out", str(ours), url=None)
    assert again.returncode == Exit.USAGE and "never overwritten" in again.stderr
    return Keyring(ours=ours, theirs=theirs, escrow=x25519.Identity.generate())


@pytest.fixture(scope="module")
async def source(server_url: str) -> AsyncIterator[str]:
    async with demo_source(server_url, f"hoso_backup_enc_{os.getpid()}") as url:
        yield url


@pytest.fixture(scope="module")
async def encrypted(source: str, keyring: Keyring, tmp_path_factory: pytest.TempPathFactory) -> Encrypted:
    """One dump as prod's job takes it: recipients from a file and an option, the signing key from the
    environment, the metrics into a textfile directory."""
    directory, metrics = tmp_path_factory.mktemp("backups"), tmp_path_factory.mktemp("textfile") / "hoso_backup.prom"
    started = time.time()
    run = await asyncio.to_thread(
        cli, "dump", "--to", str(directory), "-R", keyring.key("backup-age.pub"),
        "--recipient", str(keyring.escrow.to_public()), "--metrics-file", str(metrics), url=source,
        env={**PROD, "HOSO_BACKUP_SIGNING_KEY_FILE": keyring.key("backup-signing.key")})
    assert run.returncode == 0, run.stderr
    return Encrypted(url=source, dump=Path(run.stdout.strip().splitlines()[-1]), metrics=metrics,
                     started=started, finished=time.time())


def _reading(keyring: Keyring, *, other_identity: bool = False, other_verify: bool = False) -> list[str]:
    return ["--identity", keyring.key("backup-age.key", other=other_identity),
            "--verify-key", keyring.key("backup-signing.pub", other=other_verify)]


async def _census_of(url: str) -> dict[str, TableCensus]:
    async with pgtools.connect(url) as conn, conn.begin():
        return await take_census(conn)


# ---------------------------------------------------------------- the round trip


async def test_an_encrypted_dump_verifies_and_restores_identical_table_by_table(
        encrypted: Encrypted, keyring: Keyring, server_url: str) -> None:
    dump = encrypted.dump
    assert dump.name.endswith(".dump.age") and dump.read_bytes().startswith(MAGIC)
    assert dump.stat().st_mode & 0o077 == 0
    manifest = read_manifest(manifest_path(dump))
    assert manifest.encryption == "age" and manifest.sha256 == sha256_file(dump)
    assert set(manifest.recipients) == {(keyring.ours / "backup-age.pub").read_text().strip(),
                                        str(keyring.escrow.to_public())}
    assert signature_path(dump).read_text().count(".") == 2
    assert not [p for p in dump.parent.iterdir() if p.name.startswith(".")], "no partial, no plaintext left"

    checked = await asyncio.to_thread(cli, "verify", str(dump), *_reading(keyring), url=None, env=PROD)
    assert checked.returncode == 0, checked.stderr
    assert "manifest signed by key" in checked.stdout and "decrypts with the given identity" in checked.stdout

    before = await drill_databases(server_url)
    drilled = await asyncio.to_thread(
        cli, "restore-drill", str(dump), "--keep", url=encrypted.url,
        env={**PROD, "HOSO_BACKUP_IDENTITY": (keyring.ours / "backup-age.key").read_text(),
             "HOSO_BACKUP_METRICS_FILE": str(encrypted.metrics),
             "HOSO_BACKUP_VERIFY_KEY_FILE": keyring.key("backup-signing.pub")})
    assert drilled.returncode == 0, drilled.stdout + drilled.stderr
    assert drilled.stdout.splitlines()[-1].startswith(f"restore drill OK: {len(manifest.tables)} tables")
    assert PASSWORD not in drilled.stdout + drilled.stderr
    kept = re.search(r"kept database (hoso_restore_\w+)", drilled.stderr)
    assert kept is not None
    try:
        restored_url = make_url(encrypted.url).set(database=kept.group(1)).render_as_string(hide_password=False)
        source_census, restored_census = await _census_of(encrypted.url), await _census_of(restored_url)
        assert restored_census == source_census  # every table: its rows and the md5 of their content
        assert len(restored_census) == len(manifest.tables)
    finally:
        await drop(server_url, kept.group(1))
    assert await drill_databases(server_url) == before

    figures = parse(encrypted.metrics.read_text())
    assert encrypted.finished <= figures[DRILL_SUCCESS] <= time.time()
    assert encrypted.started <= figures[BACKUP_SUCCESS] <= encrypted.finished, "the dump's figures are kept"


async def test_the_escrow_recipient_opens_the_dump_too(encrypted: Encrypted, keyring: Keyring,
                                                       tmp_path: Path) -> None:
    identity = tmp_path / "escrow.key"
    identity.write_text(f"# escrow\n{keyring.escrow}\n")
    run = await asyncio.to_thread(cli, "verify", str(encrypted.dump), "-i", str(identity), url=None)
    assert run.returncode == 0, run.stderr
    assert "signature NOT checked" in run.stdout  # no verify key outside prod: said, not hidden


# ---------------------------------------------------------------- nothing in clear


async def test_the_dump_holds_no_citizen_name_or_id_in_clear(encrypted: Encrypted, keyring: Keyring,
                                                             tmp_path: Path) -> None:
    """Điều 11 khoản 2: the backup is stored under the personal-data rules. The names are grepped in the
    bytes of the dump and its sidecars; the same grep finds them in the decrypted archive, so it can see."""
    engine = create_engine(encrypted.url, pool_size=1)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT full_name, citizen_id_enc, key_id FROM profiles "
                                            "ORDER BY full_name LIMIT 40"))).all()
    finally:
        await engine.dispose()
    names = [row.full_name.encode() for row in rows]
    ids = [demo_cipher().decrypt(row.citizen_id_enc, row.key_id, field="citizen_id").encode() for row in rows]
    assert len(names) == 40 and all(len(i) == 12 for i in ids)

    files = [p for p in encrypted.dump.parent.iterdir() if p.name.startswith(encrypted.dump.name)]
    assert len(files) == 4  # the dump, .sha256, .manifest.json, .manifest.jws
    for path in files:
        data = path.read_bytes()
        assert not [n for n in names if n in data], path.name
        assert not [i for i in ids if i in data], path.name

    plain = tmp_path / "plain.dump"
    pyrage.decrypt_file(str(encrypted.dump), str(plain),
                        [x25519.Identity.from_str((keyring.ours / "backup-age.key").read_text().split()[-1])])
    script = (await asyncio.to_thread(subprocess.run, [pgtools.program("pg_restore"), "--data-only", "--file=-",
                                                       str(plain)], capture_output=True, timeout=60, check=True)).stdout
    assert all(n in script for n in names), "the control: decrypted, the names are there to find"


# ---------------------------------------------------------------- failures, each its own exit code


async def test_a_wrong_key_fails_verify_and_the_drill_with_exit_8(encrypted: Encrypted, keyring: Keyring,
                                                                  server_url: str) -> None:
    before = await drill_databases(server_url)
    checked = await asyncio.to_thread(cli, "verify", str(encrypted.dump), *_reading(keyring, other_identity=True),
                                      url=None, env=PROD)
    drilled = await asyncio.to_thread(cli, "restore-drill", str(encrypted.dump),
                                      *_reading(keyring, other_identity=True), url=encrypted.url, env=PROD)
    for run in (checked, drilled):
        assert run.returncode == 8, run.stderr
        last = run.stderr.strip().splitlines()[-1]
        assert last.startswith(f"error: wrong key: no given age identity is a recipient of {encrypted.dump.name}")
        assert "Traceback" not in run.stderr and "AGE-SECRET-KEY" not in run.stderr
    assert await drill_databases(server_url) == before


async def test_a_flipped_byte_fails_with_exit_4_even_behind_a_rewritten_checksum(
        encrypted: Encrypted, keyring: Keyring, server_url: str, tmp_path: Path) -> None:
    dump = copy_dump(encrypted.dump, tmp_path)
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0x01
    dump.write_bytes(bytes(data))
    checked = await asyncio.to_thread(cli, "verify", str(dump), *_reading(keyring), url=None, env=PROD)
    assert checked.returncode == 4
    assert checked.stderr.strip() == (f"error: checksum mismatch for {dump.name}: expected "
                                      f"{sha256_file(encrypted.dump)[:16]}…, got {sha256_file(dump)[:16]}…")

    # Someone rewrites the sidecar and the manifest to match (so the signature is not checked: dev):
    # age's authenticated chunks still refuse the changed byte, before and during a restore.
    write_checksum(dump, sha256_file(dump))
    manifest = read_manifest(manifest_path(dump))
    write_manifest(manifest_path(dump), replace(manifest, sha256=sha256_file(dump)))
    before = await drill_databases(server_url)
    identity = ["--identity", keyring.key("backup-age.key")]
    checked = await asyncio.to_thread(cli, "verify", str(dump), *identity, url=None)
    drilled = await asyncio.to_thread(cli, "restore-drill", str(dump), *identity, url=encrypted.url)
    for run in (checked, drilled):
        assert run.returncode == Exit.BAD_CHECKSUM, run.stdout + run.stderr
        assert run.stderr.strip().splitlines()[-1].startswith(
            f"error: {dump.name} does not decrypt: it is damaged or truncated")
    assert await drill_databases(server_url) == before, "the drill database is dropped after a failure"


async def test_a_changed_or_foreign_manifest_signature_fails_with_exit_9(
        encrypted: Encrypted, keyring: Keyring, tmp_path: Path) -> None:
    dump = copy_dump(encrypted.dump, tmp_path)
    wrong_signer = await asyncio.to_thread(cli, "verify", str(dump), *_reading(keyring, other_verify=True),
                                           url=None, env=PROD)
    manifest = read_manifest(manifest_path(dump))
    tables = dict(manifest.tables)
    tables.pop("public.profiles")  # hiding a lost table
    write_manifest(manifest_path(dump), replace(manifest, tables=tables))
    changed = await asyncio.to_thread(cli, "verify", str(dump), *_reading(keyring), url=None, env=PROD)
    signature_path(dump).unlink()
    unsigned = await asyncio.to_thread(cli, "verify", str(dump), *_reading(keyring), url=None, env=PROD)
    for run in (wrong_signer, changed):
        assert run.returncode == 9, run.stderr
        assert run.stderr.strip().startswith(f"error: bad signature on {manifest_path(dump).name}: not signed by key")
    assert unsigned.returncode == Exit.BAD_SIGNATURE
    assert unsigned.stderr.strip() == f"error: the manifest is not signed: no {signature_path(dump).name}"


async def test_prod_refuses_a_dump_without_recipient_or_signing_key(
        source: str, keyring: Keyring, encrypted: Encrypted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    metric_before = encrypted.metrics.read_text()
    runs = [
        cli("dump", "--to", str(tmp_path / "out"), "--metrics-file", str(encrypted.metrics), url=source, env=PROD),
        cli("dump", "--to", str(tmp_path / "out"), "-R", keyring.key("backup-age.pub"), url=source, env=PROD),
    ]
    monkeypatch.delenv("HOSO_ENV", raising=False)  # unset is prod, as for the services' settings
    monkeypatch.setenv("DATABASE_URL", source)
    assert await asyncio.to_thread(main, ["dump", "--to", str(tmp_path / "out")]) == Exit.USAGE
    assert capsys.readouterr().err.startswith("error: in prod (HOSO_ENV unset or prod)")
    for run in runs:
        assert run.returncode == 2, run.stderr
        assert run.stderr.strip().startswith("error: in prod (HOSO_ENV unset or prod) a dump needs an age recipient")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    assert encrypted.metrics.read_text() == metric_before, "a refused dump reports no success"

    no_verify_key = cli("verify", str(encrypted.dump), url=None, env=PROD)
    assert no_verify_key.returncode == Exit.USAGE and "--verify-key" in no_verify_key.stderr
    no_identity = cli("restore-drill", str(encrypted.dump), url=source)
    assert no_identity.returncode == Exit.USAGE
    assert no_identity.stderr.strip().endswith("is encrypted: give its age identity (--identity FILE, "
                                               "$HOSO_BACKUP_IDENTITY or $HOSO_BACKUP_IDENTITY_FILE)")
    bad_recipient = cli("dump", "--to", str(tmp_path), "-r", "age1notakey", url=source)
    assert bad_recipient.returncode == Exit.USAGE and "not an age recipient" in bad_recipient.stderr


def test_the_exit_codes_are_documented_in_help() -> None:
    usage = cli("--help", url=None).stdout
    assert {code.value for code in Exit} == set(range(10))
    for documented in ("0 ok", "1 the drill found a difference", "2 usage", "3 missing file", "4 bad checksum",
                       "5 pg_dump/pg_restore failed", "6 database", "7 files", "8 wrong key", "9 bad signature"):
        assert documented in " ".join(usage.split()), documented


# ---------------------------------------------------------------- metrics


def test_the_dump_wrote_the_metrics_the_alerts_read(encrypted: Encrypted) -> None:
    """The textfile the schedule serves (and node-exporter can read); the alert rules use these names."""
    text_file = encrypted.metrics.read_text()
    values = parse(text_file)
    assert {BACKUP_SUCCESS, BACKUP_SIZE} <= set(values) <= {BACKUP_SUCCESS, BACKUP_SIZE, DRILL_SUCCESS}
    assert encrypted.started <= values[BACKUP_SUCCESS] <= encrypted.finished
    assert values[BACKUP_SIZE] == encrypted.dump.stat().st_size
    assert "# TYPE hoso_backup_size_bytes gauge" in text_file
    assert encrypted.metrics.stat().st_mode & 0o444 == 0o444  # the exporter may be another user
    assert not [p for p in encrypted.metrics.parent.iterdir() if p.name.endswith(".tmp")], "written, then renamed"


def test_each_job_updates_its_own_figures_and_keeps_the_others(tmp_path: Path) -> None:
    textfile = tmp_path / "metrics" / "hoso_backup.prom"
    backup_succeeded(textfile, 1764900000.25, 123456789012)
    drill_succeeded(textfile, 1764907200.0)
    backup_succeeded(textfile, 1767500000.0, 42)
    assert textfile.read_text() == (
        "# HELP hoso_backup_last_success_timestamp_seconds Unix time the last good dump finished.\n"
        "# TYPE hoso_backup_last_success_timestamp_seconds gauge\n"
        "hoso_backup_last_success_timestamp_seconds 1767500000\n"
        "# HELP hoso_backup_size_bytes Size in bytes of the last good dump file (as stored: encrypted when "
        "encrypted).\n"
        "# TYPE hoso_backup_size_bytes gauge\n"
        "hoso_backup_size_bytes 42\n"
        "# HELP hoso_restore_drill_last_success_timestamp_seconds Unix time the last restore drill that matched "
        "its manifest finished.\n"
        "# TYPE hoso_restore_drill_last_success_timestamp_seconds gauge\n"
        "hoso_restore_drill_last_success_timestamp_seconds 1764907200\n")
    assert render({BACKUP_SUCCESS: 1764900000.25}).endswith(f"{BACKUP_SUCCESS} 1764900000.25\n")
