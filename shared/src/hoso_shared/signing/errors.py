"""The one error of signing identities, apart so the loaders (identity, material) can share it."""

from __future__ import annotations


class IdentityInvalid(ValueError):
    """The configured key, certificate or chain cannot be used; the message says why."""
