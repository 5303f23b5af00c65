"""profile-api's collaborators: built once by `create_app`, given to routes by `profile_api.dependencies`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hoso_shared import web
from hoso_shared.auth.tokens import TokenIssuer
from hoso_shared.crypto import FieldCipher
from profile_api.changes.clients import ApprovalClient
from profile_api.changes.pending import Reconciler
from profile_api.quality.tasks import Quality
from profile_api.reports.exports.signer import ExportIdentity
from profile_api.settings import Settings
from profile_api.tokens.service import LoginPolicy
from profile_api.tokens.throttle import Throttle


@dataclass(frozen=True, kw_only=True)
class Collaborators(web.Collaborators):
    settings: Settings
    cipher: FieldCipher
    token_issuer: TokenIssuer
    jwks: dict[str, Any]  # what /.well-known/jwks.json publishes: the current key and the previous ones
    login_policy: LoginPolicy
    throttle: Throttle  # failed sign-in limits, counted in the database (tokens.throttle)
    approval: ApprovalClient
    export_identity: ExportIdentity
    quality: Quality  # the daily snapshot task's work (started with the app)
    pending: Reconciler  # the pending-records loop's work (started with the app), on `approval`
