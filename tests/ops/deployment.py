"""What every deployment file (the Dockerfile, deploy/compose.yaml, deploy/k8s) must agree on: where they
are, the services and their ports, the worker's metrics port."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
# The HTTP services: name → port (docs/operations.md "Processes and ports"); ndxp-sim is dev/test only.
SERVICES = {"profile-api": 8001, "approval-api": 8002, "sync-gateway": 8003, "ndxp-sim": 8009}
WORKER = "sync-gateway-worker"
WORKER_METRICS_PORT = "9103"
# The import worker (`python -m profile_api.bulk.worker`, on profile-api's image): no web app either.
IMPORT_WORKER = "profile-api-worker"
IMPORT_WORKER_METRICS_PORT = "9104"
# The portal (the web address people sign in to): a web app on its own image, no /metrics, no database.
PORTAL = "portal"
PORTAL_PORT = 8000
# The backup job (`python -m hoso_backup.schedule`, docs/operations.md "Backup and restore"): its own image,
# hoso/hoso-backup (SERVICE=hoso-backup), with no web app; the compose service serves its metrics textfile.
BACKUP = "backup"
BACKUP_IMAGE = "hoso-backup"
BACKUP_METRICS_PORT = "9105"
