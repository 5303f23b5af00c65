from __future__ import annotations

from typing import Literal

from pydantic import IPvAnyNetwork, SecretStr

from hoso_shared.settings import CommonSettings

# Evidence uploads (POST /api/v1/profiles/{id}/attachments) get their own body limit.
ATTACHMENT_UPLOADS = r"/api/v1/profiles/[^/]+/attachments"
BULK_IMPORTS = r"/api/v1/bulk/imports"
GRANT_DECISIONS = r"/api/v1/access-grants/decisions"  # a grant's scanned decision: the evidence scans' limit
# Room for the multipart framing around the file: boundaries and part headers (a long file name).
MULTIPART_OVERHEAD = 64 * 1024


class Settings(CommonSettings):
    service_name: str = "profile-api"
    # The private JWK (JSON) that signs access tokens; its public half is served as JWKS.
    token_signing_key: SecretStr = SecretStr("")
    # Retired public keys still published, so tokens they signed verify until they expire.
    token_previous_public_keys: str = ""
    token_ttl_seconds: int = 900
    # The account-wide lock (`locked_until`): the last resort after this many failures from anywhere, which an
    # agency admin lifts with reset-password. Day-to-day guessing meets the limits below long before.
    max_failed_logins: int = 50
    lockout_minutes: int = 15
    # Failed sign-in limits (profile_api.tokens.throttle), each counted per `login_window_seconds`; past one the
    # token endpoint answers 429 until that window ends.
    login_source_max_failures: int = 30  # one address, every username and client id
    login_account_source_max_failures: int = 5  # one account from one address
    login_client_max_failures: int = 10  # one client id, from any address
    login_window_seconds: int = 600
    # Proxies whose X-Forwarded-For is believed, its last hop only: addresses or networks ("10.0.0.5",
    # "10.42.0.0/16": the portal's pods), none by default.
    trusted_proxies: frozenset[IPvAnyNetwork] = frozenset()
    approval_api_url: str = "http://127.0.0.1:8002"
    # A restructuring of the tree takes effect at most this many days ahead (a decision is dated within the year).
    org_change_horizon_days: int = 366
    audit_seal_interval_seconds: float = 1.0  # how long an audit entry may wait unsealed; 0 = no sealer
    # The largest scan (one file) an attachment upload accepts; other bodies keep `max_body_bytes`.
    upload_max_bytes: int = 10 * 1024 * 1024
    # The largest file a bulk import accepts, in bytes (docs/operations.md "Bulk imports"): room for this
    # project's own export of 200,000 people with their tables, so an export re-imports whole.
    import_max_bytes: int = 256 * 1024 * 1024
    # Who runs import jobs: `worker` processes (`python -m profile_api.bulk.worker`), or `in_process`, this
    # process after each upload's response (tests, a single-process trial: the import then shares its CPU).
    import_runner: Literal["worker", "in_process"] = "worker"
    import_poll_seconds: float = 1.0  # how often an idle worker looks for a queued job
    import_heartbeat_seconds: float = 5.0  # how often a worker says it is still on its job
    import_stale_seconds: float = 60.0  # a running job without a heartbeat for this long is claimed again
    import_max_attempts: int = 3  # runs of one job (each died) before it is failed instead
    # The import worker process serves its own process metrics here (liveness); 0 = none.
    worker_metrics_port: int = 0
    # How often each replica reloads the quality gauges from the latest snapshots and takes today's
    # snapshot when none exists yet (one replica does, under a lock); 0 = only at startup, no snapshots.
    quality_interval_seconds: float = 300.0
    # How often each replica looks for records to judge again (a record changed, a new day, new rules); one
    # replica judges at a time; an idle look is one indexed query. 0 = never (scorecards judge what they need).
    quality_judge_interval_seconds: float = 5.0
    # How often each replica forwards again the `create` requests of pending new records that never reached
    # approval-api, and archives those whose create was rejected or withdrawn (changes.pending); 0 = never.
    pending_reconcile_interval_seconds: float = 30.0
    # How old such a record must be before it is forwarded again: its own request may still be on its way.
    pending_forward_grace_seconds: float = 60.0
    # Signed exports (reports/exports, docs/exports.md): the province's signing key (EC P-256, PEM), its
    # X.509 certificate and the chain up to the province root (PEM, nearest issuer first). Empty in
    # dev/test: a throwaway "test CA" and signer are made at first use. Refused empty in prod at startup.
    export_signing_key: SecretStr = SecretStr("")
    export_signing_cert: str = ""
    export_signing_chain: str = ""
    # Or the key as the CA issued it: a PKCS#12 file (RSA ≥ 2048 or EC P-256, with its chain) and its password;
    # wins over the PEM settings above (docs/keys.md).
    export_signing_pkcs12_file: str = ""
    export_signing_pkcs12_password: SecretStr = SecretStr("")
    # More trust anchors for verifying (PEM), e.g. a retired root, so older exports still verify.
    export_trust_roots: str = ""
    # The largest file POST /api/v1/reports/verify reads (`max_body_bytes` caps it as well).
    export_verify_max_bytes: int = 1024 * 1024

    @property
    def body_limit_overrides(self) -> dict[str, int]:
        """Read by `hoso_shared.web.build_app`: per-path body limits (full-match regex → bytes)."""
        return {ATTACHMENT_UPLOADS: self.upload_max_bytes + MULTIPART_OVERHEAD,
                BULK_IMPORTS: self.import_max_bytes + MULTIPART_OVERHEAD,
                GRANT_DECISIONS: self.upload_max_bytes + MULTIPART_OVERHEAD}
