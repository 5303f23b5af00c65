"""The backup keys without a database: where each comes from (option, variable, `_FILE` variable), the
messages a wrong one gets (never the key itself), the manifest signature as any JOSE library reads it,
and a failing pg_dump while encrypting (Điều 11 khoản 2: backups are kept as personal data must be: only the
holder of the private key reads them)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jws
from joserfc.jwk import OKPKey
from pyrage import x25519

from hoso_backup import BackupError, Exit, dump_database, keys, signature
from hoso_backup.names import dump_name, parse_dump_name
from hoso_backup.signature import sign, thumbprint


@pytest.fixture
def new(tmp_path: Path) -> keys.NewKeys:
    made = keys.generate()
    keys.write_new(tmp_path, made)
    return made


def test_recipients_come_from_options_else_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, c = (str(x25519.Identity.generate().to_public()) for _ in range(3))
    listed = tmp_path / "recipients.txt"
    listed.write_text(f"# the drill host\n{a}\n\n{b}  # the province's safe\n")
    monkeypatch.setenv(keys.RECIPIENTS, f"{c}, {a}")
    assert [str(r) for r in keys.recipients([], [listed])] == [a, b]
    assert [str(r) for r in keys.recipients([c], [])] == [c]
    assert [str(r) for r in keys.recipients([], [])] == [c, a]  # as compose passes it: comma-separated
    monkeypatch.delenv(keys.RECIPIENTS)
    monkeypatch.setenv(f"{keys.RECIPIENTS}_FILE", str(listed))
    assert [str(r) for r in keys.recipients([], [])] == [a, b]
    monkeypatch.delenv(f"{keys.RECIPIENTS}_FILE")
    assert keys.recipients([], []) == []
    with pytest.raises(BackupError) as caught:
        keys.recipients(["ssh-ed25519"], [])
    assert (caught.value.code, caught.value.message) == (Exit.USAGE, "not an age recipient (age1…): ssh-ed25519…")


def test_identities_and_signature_keys_load_from_any_source(tmp_path: Path, new: keys.NewKeys,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    assert [str(i) for i in keys.identities(tmp_path / "backup-age.key") or []] == [new.identity]
    assert keys.identities(None) is None
    monkeypatch.setenv(keys.IDENTITY, new.identity)
    assert [str(i) for i in keys.identities(None) or []] == [new.identity]
    monkeypatch.delenv(keys.IDENTITY)
    monkeypatch.setenv(f"{keys.VERIFY_KEY}_FILE", str(tmp_path / "backup-signing.pub"))
    monkeypatch.setenv(keys.SIGNING_KEY, new.signing_pem)
    signing, verifying = keys.signing_key(None), keys.verify_key(None)
    assert signing is not None and verifying is not None
    assert thumbprint(signing.public_key()) == thumbprint(verifying)


def test_a_wrong_key_is_named_by_where_it_came_from_never_shown(tmp_path: Path, new: keys.NewKeys,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys.IDENTITY, new.signing_pem)  # the wrong file pasted into the wrong variable
    with pytest.raises(BackupError) as caught:
        keys.identities(None)
    assert caught.value.message == "not an age identity (AGE-SECRET-KEY-1…) in $HOSO_BACKUP_IDENTITY"
    with pytest.raises(BackupError) as caught:
        keys.signing_key(tmp_path / "backup-age.key")
    assert caught.value.message == f"not an unencrypted Ed25519 private key (PEM) in {tmp_path}/backup-age.key"
    assert new.identity not in caught.value.message
    with pytest.raises(BackupError) as caught:
        keys.verify_key(tmp_path / "backup-signing.key")
    assert caught.value.code == Exit.USAGE
    with pytest.raises(BackupError) as caught:
        keys.identities(tmp_path / "nowhere.key")
    assert (caught.value.code, caught.value.message) == (Exit.MISSING, f"no such key file: {tmp_path}/nowhere.key")


def test_the_manifest_signature_is_a_detached_jws_any_jose_library_checks() -> None:
    """RFC 7515 Appendix F with RFC 9864's `Ed25519`: the payload put back, joserfc verifies it with the
    public key alone."""
    key = Ed25519PrivateKey.generate()
    manifest = b'{"file": "hoso-2025-06-30T020000.dump.age", "tables": {}}\n'
    assert sign(manifest, key).split(".")[1] == "", "detached: the payload is the manifest file"
    public = OKPKey.import_key(key.public_key())
    checked = jws.deserialize_compact(sign(manifest, key), public, algorithms=["Ed25519"], payload=manifest)
    assert checked.payload == manifest
    assert checked.headers() == {"alg": "Ed25519", "typ": signature.TYPE, "kid": thumbprint(key.public_key())}


def test_encrypted_names_sort_and_parse_like_plain_ones() -> None:
    when = datetime(2025, 6, 30, 2, 0, 0)  # noqa: DTZ001 - names hold naive UTC
    assert dump_name(when, encrypted=True) == "hoso-2025-06-30T020000.dump.age"
    assert parse_dump_name("hoso-2025-06-30T020000.dump.age") == when
    assert parse_dump_name("hoso-2025-06-30T020000.dump.age.sha256") is None


async def test_a_failing_pg_dump_while_encrypting_leaves_nothing(server_url: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipe to the encrypting thread closes with pg_dump, so the thread ends and the error is pg_dump's."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pg_dump").write_text("#!/bin/sh\nprintf 'PGDMP partial'\necho 'pg_dump: error: query failed' >&2\n"
                                  "exit 1\n")
    (fake / "pg_dump").chmod(0o755)
    monkeypatch.setenv("HOSO_PG_BIN", str(fake))
    monkeypatch.setenv("HOSO_ENV", "prod")
    recipient = x25519.Identity.generate().to_public()
    with pytest.raises(BackupError) as caught:
        await dump_database(server_url, tmp_path / "out", recipients=[recipient],
                            signing_key=Ed25519PrivateKey.generate())
    assert (caught.value.code, caught.value.message) == (Exit.TOOL_FAILED,
                                                         "pg_dump failed (exit 1): pg_dump: error: query failed")
    assert not list((tmp_path / "out").iterdir())
