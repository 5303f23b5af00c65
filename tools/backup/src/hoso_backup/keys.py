"""Where the keys come from, and what they are.

Four keys, each given by a command-line option naming a file, else by an environment variable holding
the key itself, else by the same variable with `_FILE` naming a file (as Docker and Kubernetes secrets
mount them):

- age recipients (public): `--recipient age1…` (repeatable) or `--recipients-file FILE`, else
  `HOSO_BACKUP_RECIPIENTS` (several: separated by spaces, commas or lines); held by the backup host;
- the manifest signing key (Ed25519, PKCS#8 PEM): `--signing-key FILE`, `HOSO_BACKUP_SIGNING_KEY`; the backup host;
- the age identity (private): `--identity FILE`, `HOSO_BACKUP_IDENTITY`; only whoever restores or drills;
- the signature verify key (Ed25519 public PEM): `--verify-key FILE`, `HOSO_BACKUP_VERIFY_KEY`; whoever verifies.

The backup host holds only public age keys, so it cannot read the dumps it writes. Recipient and
identity files are in age's own formats (`age-keygen` output; `#` starts a comment), so `age -d -i`
opens a dump without this tool.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyrage import IdentityError, RecipientError, x25519

from hoso_backup.errors import BackupError, Exit

RECIPIENTS = "HOSO_BACKUP_RECIPIENTS"
SIGNING_KEY = "HOSO_BACKUP_SIGNING_KEY"
IDENTITY = "HOSO_BACKUP_IDENTITY"
VERIFY_KEY = "HOSO_BACKUP_VERIFY_KEY"
_SEPARATORS = re.compile(r"[\s,]+")


def is_prod() -> bool:
    """As `hoso_shared.settings` reads it: `HOSO_ENV` unset means prod, so a forgotten variable is strict."""
    return os.environ.get("HOSO_ENV", "prod").strip().lower() not in ("dev", "test")


def _read(path: Path) -> str:
    if not path.is_file():
        raise BackupError(Exit.MISSING, f"no such key file: {path}")
    return path.read_text()


def source(option: Path | None, variable: str) -> tuple[str, str] | None:
    """The key's text and where it came from (for messages, never the key), or None when not given."""
    if option is not None:
        return _read(option), str(option)
    inline = os.environ.get(variable, "").strip()
    if inline:
        return inline, f"${variable}"
    named = os.environ.get(f"{variable}_FILE", "").strip()
    if named:
        return _read(Path(named)), f"${variable}_FILE={named}"
    return None


def _entries(text: str) -> list[str]:
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    return [entry for line in lines for entry in _SEPARATORS.split(line) if entry]


def recipients(given: list[str], files: list[Path]) -> list[x25519.Recipient]:
    """The age public keys a dump is encrypted to: the options' when any, else the environment's."""
    texts = [*given, *(_read(path) for path in files)]
    if not texts:
        found = source(None, RECIPIENTS)
        texts = [found[0]] if found else []
    parsed = []
    for entry in (entry for text in texts for entry in _entries(text)):
        try:
            parsed.append(x25519.Recipient.from_str(entry))
        except RecipientError:
            raise BackupError(Exit.USAGE, f"not an age recipient (age1…): {entry[:12]}…") from None
    return parsed


def identities(option: Path | None) -> list[x25519.Identity] | None:
    found = source(option, IDENTITY)
    if found is None:
        return None
    text, where = found
    parsed = []
    for entry in _entries(text):
        try:
            parsed.append(x25519.Identity.from_str(entry))
        except IdentityError:  # the message names where, never the text, which may be a key
            raise BackupError(Exit.USAGE, f"not an age identity (AGE-SECRET-KEY-1…) in {where}") from None
    if not parsed:
        raise BackupError(Exit.USAGE, f"no age identity in {where}")
    return parsed


def signing_key(option: Path | None) -> Ed25519PrivateKey | None:
    found = source(option, SIGNING_KEY)
    if found is None:
        return None
    try:
        key = serialization.load_pem_private_key(found[0].encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise BackupError(Exit.USAGE, f"not an unencrypted Ed25519 private key (PEM) in {found[1]}")
    return key


def verify_key(option: Path | None) -> Ed25519PublicKey | None:
    found = source(option, VERIFY_KEY)
    if found is None:
        return None
    try:
        key = serialization.load_pem_public_key(found[0].encode())
    except (ValueError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise BackupError(Exit.USAGE, f"not an Ed25519 public key (PEM) in {found[1]}")
    return key


@dataclass(frozen=True)
class NewKeys:
    identity: str  # AGE-SECRET-KEY-1…
    recipient: str  # age1…
    signing_pem: str
    verify_pem: str


def generate() -> NewKeys:
    """A fresh age key pair and Ed25519 signing pair, for `hoso-backup keygen`."""
    identity = x25519.Identity.generate()
    signing = Ed25519PrivateKey.generate()
    return NewKeys(
        identity=str(identity), recipient=str(identity.to_public()),
        signing_pem=signing.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()).decode(),
        verify_pem=signing.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
    )


def write_new(directory: Path, new: NewKeys) -> list[Path]:
    """Writes the four files (the private ones owner-only), refusing to overwrite any."""
    directory.mkdir(parents=True, exist_ok=True)
    files = [("backup-age.key", f"# public key: {new.recipient}\n{new.identity}\n", 0o600),
             ("backup-age.pub", f"{new.recipient}\n", 0o644),
             ("backup-signing.key", new.signing_pem, 0o600),
             ("backup-signing.pub", new.verify_pem, 0o644)]
    for name, _, _ in files:
        if (directory / name).exists():
            raise BackupError(Exit.USAGE, f"{directory / name} already exists: keys are never overwritten")
    for name, content, mode in files:
        fd = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "w") as f:
            f.write(content)
    return [directory / name for name, _, _ in files]
