"""`verify`, and the checks the restore drill makes first: the dump matches its sha256 sidecar and its
manifest, the manifest's signature is the verify key's, and an encrypted dump opens with the identity.

In prod (HOSO_ENV unset or prod) the verify key is required: an unchecked signature proves nothing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyrage import x25519

from hoso_backup import signature
from hoso_backup.census import Manifest, read_manifest
from hoso_backup.checksum import verify
from hoso_backup.encryption import check_identities, decrypt_check, is_encrypted
from hoso_backup.errors import BackupError, Exit
from hoso_backup.keys import IDENTITY, VERIFY_KEY, is_prod
from hoso_backup.names import manifest_path, signature_path


@dataclass(frozen=True)
class Checked:
    digest: str
    manifest: Manifest
    encrypted: bool
    notes: list[str]  # what was checked, and what could not be, one line each


def check_files(dump: Path, verify_key: Ed25519PublicKey | None) -> Checked:
    """Checksum, manifest and signature; no key needed but the public one."""
    digest = verify(dump)
    if verify_key is None and is_prod():
        raise BackupError(Exit.USAGE, f"in prod the manifest's signature must be checked: give --verify-key "
                                      f"or ${VERIFY_KEY}")
    manifest = read_manifest(manifest_path(dump))
    if manifest.sha256 != digest:
        raise BackupError(Exit.BAD_CHECKSUM, f"the manifest beside {dump.name} describes another dump")
    notes = [f"sha256 {digest} matches {dump.name}.sha256 and the manifest"]
    if verify_key is not None:
        signature.check(manifest_path(dump), signature_path(dump), verify_key)
        notes.append(f"manifest signed by key {signature.thumbprint(verify_key)}")
    else:
        notes.append("manifest signature NOT checked (no verify key)")
    encrypted = is_encrypted(dump)
    if encrypted != bool(manifest.recipients):
        raise BackupError(Exit.BAD_CHECKSUM, f"{dump.name} is {'' if encrypted else 'not '}age-encrypted, "
                                             "but its manifest says otherwise")
    return Checked(digest=digest, manifest=manifest, encrypted=encrypted, notes=notes)


def require_identity(checked: Checked, identities: list[x25519.Identity] | None, dump: Path) -> None:
    if not checked.encrypted:
        return
    if identities is None:
        raise BackupError(Exit.USAGE, f"{dump.name} is encrypted: give its age identity (--identity FILE, "
                                      f"${IDENTITY} or ${IDENTITY}_FILE)")
    check_identities(identities, checked.manifest.recipients, dump.name)


async def verify_dump(dump: Path, identities: list[x25519.Identity] | None,
                      verify_key: Ed25519PublicKey | None) -> list[str]:
    """All the checks that need no database; the report's lines. With an identity, an encrypted dump is
    decrypted end to end (and thrown away), which proves the key opens it and no chunk is damaged."""
    checked = await asyncio.to_thread(check_files, dump, verify_key)
    notes = list(checked.notes)
    if checked.encrypted and identities is None:
        notes.append("encrypted (age); NOT decrypted (no identity given)")
    elif checked.encrypted:
        require_identity(checked, identities, dump)
        size = await asyncio.to_thread(decrypt_check, dump, identities or [])
        notes.append(f"decrypts with the given identity to a pg_dump archive of {size} bytes")
    return notes
