"""deploy/compose.yaml, checked without Docker: the whole stack, builds, healthchecks, dependencies, ports,
secrets and the monitoring files."""

from __future__ import annotations

import functools
import ipaddress
import json
import re
import subprocess
from datetime import UTC, datetime

import yaml
from croniter import croniter_range

from hoso_backup.schedule import DRILL, DUMP, config_from_env
from tests.ops.deployment import (
    BACKUP,
    BACKUP_IMAGE,
    BACKUP_METRICS_PORT,
    DEPLOY,
    IMPORT_WORKER,
    IMPORT_WORKER_METRICS_PORT,
    PORTAL,
    PORTAL_PORT,
    ROOT,
    SERVICES,
    WORKER,
    WORKER_METRICS_PORT,
)
from tests.ops.dockerfile import dockerfile_stages
from tests.ops.kustomize import Doc


@functools.cache
def compose() -> Doc:
    loaded: Doc = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def compose_services() -> dict[str, Doc]:
    services: dict[str, Doc] = compose()["services"]
    return services


ONE_SHOT = {"migrate"}


class TestCompose:
    def test_has_the_whole_stack(self) -> None:
        assert set(compose_services()) == {"postgres", "migrate", *SERVICES, WORKER, IMPORT_WORKER, PORTAL, BACKUP,
                                           "prometheus", "grafana"}

    def test_the_portal_is_served_with_no_database_and_only_it_names_people_to_profile_api(self) -> None:
        """Điều 9: people sign in at a web address. The portal holds no database URL and no key; profile-api
        believes X-Forwarded-For from the portal's fixed address only, so one person's failed sign-ins do not
        block everybody's (docs/operations.md, Accounts)."""
        services = compose_services()
        portal = services[PORTAL]
        assert portal["build"]["args"]["SERVICE"] == PORTAL and f"{PORTAL_PORT}:{PORTAL_PORT}" in portal["ports"]
        assert f"127.0.0.1:{PORTAL_PORT}/readyz" in " ".join(portal["healthcheck"]["test"])
        assert not {k for k in portal["environment"] if re.search(r"DATABASE|SECRET|PASSWORD|_KEY", k)}
        address = portal["networks"]["default"]["ipv4_address"]
        (subnet,) = compose()["networks"]["default"]["ipam"]["config"]
        assert ipaddress.ip_address(address) in ipaddress.ip_network(subnet["subnet"])
        assert json.loads(services["profile-api"]["environment"]["HOSO_TRUSTED_PROXIES"]) == [address]

    def test_every_service_has_an_image_or_a_build_of_a_known_service(self) -> None:
        stages = dockerfile_stages()
        for name, service in compose_services().items():
            assert "image" in service or "build" in service, name
            if "build" in service:
                assert service["build"]["dockerfile"] == "Dockerfile" and service["build"]["context"] == ".."
                assert f"service-{service['build']['args']['SERVICE']}" in stages, name
            if name in SERVICES:
                assert service["build"]["args"]["SERVICE"] == name

    def test_healthchecks(self) -> None:
        for name, service in compose_services().items():
            check = service.get("healthcheck")
            assert check, f"{name}: no healthcheck"
            if check.get("disable"):
                assert name in ONE_SHOT, f"{name}: only a one-shot goes unchecked"
                continue
            assert check["test"][0] in {"CMD", "CMD-SHELL"}, name
            if name in SERVICES:
                assert f"127.0.0.1:{SERVICES[name]}/readyz" in " ".join(check["test"]), name
        for name, port in ((WORKER, WORKER_METRICS_PORT), (IMPORT_WORKER, IMPORT_WORKER_METRICS_PORT)):
            worker = compose_services()[name]
            assert worker["environment"]["HOSO_WORKER_METRICS_PORT"] == port, name
            assert f"127.0.0.1:{port}/metrics" in " ".join(worker["healthcheck"]["test"]), name
        importer = compose_services()[IMPORT_WORKER]
        assert importer["command"] == ["python", "-m", "profile_api.bulk.worker"]
        assert importer["build"]["args"]["SERVICE"] == "profile-api"

    def test_depends_on_existing_services_with_sound_conditions(self) -> None:
        services = compose_services()
        for name, service in services.items():
            for target, how in service.get("depends_on", {}).items():
                assert target in services, f"{name} depends on unknown {target}"
                condition = how["condition"]
                assert condition in {"service_started", "service_healthy", "service_completed_successfully"}
                if condition == "service_healthy":
                    assert not services[target]["healthcheck"].get("disable"), f"{target} never becomes healthy"
                if condition == "service_completed_successfully":
                    assert services[target].get("restart") == "no", f"{target} must be one-shot"
        for name in SERVICES:
            assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"

        def reaches(start: str, seen: tuple[str, ...]) -> None:
            assert start not in seen, f"dependency cycle: {' → '.join((*seen, start))}"
            for target in services[start].get("depends_on", {}):
                reaches(target, (*seen, start))
        for name in services:
            reaches(name, ())

    def test_published_ports_are_unique_and_the_services_own(self) -> None:
        published: dict[str, str] = {}
        for name, service in compose_services().items():
            for mapping in service.get("ports", []):
                host, _, container = str(mapping).rpartition(":")
                assert host not in published, f"{name} and {published.get(host)} both publish {host}"
                published[host] = name
                if name in SERVICES:
                    assert int(container) == SERVICES[name], name
        assert "postgres" not in published.values(), "the database is not published"

    def test_secrets_come_from_the_environment(self) -> None:
        for name, service in compose_services().items():
            for key, value in (service.get("environment") or {}).items():
                if key.endswith("_FILE") and str(value).startswith("/run/secrets/"):
                    assert value.removeprefix("/run/secrets/") in compose()["secrets"], f"{name}: {key}"
                elif re.search(r"SECRET|PASSWORD|_KEY$|_KEYS$|SIGNING", key):
                    assert re.fullmatch(r"\$\{\w+:\?[^}]+\}", str(value)), f"{name}: {key} must be ${{VAR:?…}}"
                if key == "DATABASE_URL":
                    assert "${POSTGRES_PASSWORD:?" in value, name
        check = subprocess.run(["git", "check-ignore", "-q", "deploy/.env"], cwd=ROOT, check=False)
        assert check.returncode == 0, "deploy/.env must be git-ignored"

    def test_prometheus_and_grafana_get_their_files(self) -> None:
        services = compose_services()
        mounts = {m.split(":")[0]: m.split(":")[1] for s in ("prometheus", "grafana") for m in services[s]["volumes"]
                  if m.startswith("./")}
        for source in mounts:
            assert (DEPLOY / source).is_dir(), source
        assert mounts["./prometheus"] == "/etc/prometheus"
        for provider in (DEPLOY / "grafana" / "provisioning" / "dashboards").glob("*.y*ml"):
            for entry in yaml.safe_load(provider.read_text(encoding="utf-8"))["providers"]:
                assert entry["options"]["path"] == mounts["./grafana/dashboards"], provider.name
        for source in (DEPLOY / "grafana" / "provisioning" / "datasources").glob("*.y*ml"):
            for datasource in yaml.safe_load(source.read_text(encoding="utf-8"))["datasources"]:
                assert datasource["url"] == "http://prometheus:9090", source.name

    def test_prometheus_scrapes_the_compose_services(self) -> None:
        config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text(encoding="utf-8"))
        services = compose_services()
        ports = {**{name: str(port) for name, port in SERVICES.items()}, WORKER: WORKER_METRICS_PORT,
                 IMPORT_WORKER: IMPORT_WORKER_METRICS_PORT, BACKUP: BACKUP_METRICS_PORT}
        scraped = set()
        for job in config["scrape_configs"]:
            targets = [t for static in job.get("static_configs", []) for t in static["targets"]]
            targets += [f"{n}:{sd['port']}" for sd in job.get("dns_sd_configs", []) for n in sd["names"]]
            for target in targets:
                host, _, port = target.partition(":")
                if host != "localhost":
                    assert host in services and port == ports[host] and job["job_name"] == host, target
                    scraped.add(host)
        assert scraped == set(ports)


def compose_default(value: str) -> str:
    """What compose puts for `${VAR:-default}` when VAR is unset (a plain value is itself)."""
    match = re.fullmatch(r"\$\{\w+:-([^}]*)\}", str(value))
    return match.group(1) if match else str(value)


class TestBackupService:
    """Điều 11 khoản 1 (monthly backups, kept three months) and Điều 19 khoản 8 / Điều 20 khoản 3 (checked
    periodically): compose's `backup` service dumps monthly, daily only when asked, and drills monthly."""

    def test_dumps_and_drills_are_scheduled_on_cron_expressions(self) -> None:
        backup = compose_services()[BACKUP]
        assert backup["build"]["args"]["SERVICE"] == BACKUP_IMAGE
        assert backup["command"] == ["python", "-m", "hoso_backup.schedule"]
        env = {key: compose_default(value) for key, value in backup["environment"].items()}
        config = config_from_env(env)
        assert {(entry.name, entry.step) for entry in config.entries} == {("monthly", DUMP), ("drill", DRILL)}
        assert backup["environment"]["HOSO_BACKUP_DAILY_CRON"] == "${HOSO_BACKUP_DAILY_CRON:-}", "daily if configured"
        assert config_from_env({**env, "HOSO_BACKUP_DAILY_CRON": "0 19 * * *"}).entries[1].name == "daily"
        for entry in config.entries:
            fires = croniter_range(datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 12, 31, 23, 59, tzinfo=UTC),
                                   entry.cron)
            assert len({(when.year, when.month) for when in fires}) == 12, f"{entry.name}: not every month"

    def test_dumps_are_encrypted_and_only_the_drill_s_identity_is_mounted(self) -> None:
        backup = compose_services()[BACKUP]
        assert re.fullmatch(r"\$\{HOSO_BACKUP_RECIPIENTS:\?[^}]+\}", backup["environment"]["HOSO_BACKUP_RECIPIENTS"])
        # The tool's key variables (NAME or NAME_FILE): signing (dump), identity and verify key (drill).
        mounted = {f"/run/secrets/{name}" for name in backup["secrets"]}
        files = {key: value for key, value in backup["environment"].items() if key.endswith("_FILE")}
        assert set(files) == {"HOSO_BACKUP_SIGNING_KEY_FILE", "HOSO_BACKUP_IDENTITY_FILE",
                              "HOSO_BACKUP_VERIFY_KEY_FILE", "HOSO_BACKUP_METRICS_FILE"}
        assert {value for key, value in files.items() if key != "HOSO_BACKUP_METRICS_FILE"} == mounted
        for name in backup["secrets"]:
            path = compose()["secrets"][name]["file"].replace("${HOSO_BACKUP_KEYS_DIR:-./backup-keys}", "backup-keys")
            check = subprocess.run(["git", "check-ignore", "-q", f"deploy/{path}"], cwd=ROOT, check=False)
            assert check.returncode == 0, f"{path}: keys must be git-ignored"
        assert backup["environment"]["DATABASE_URL"] == compose_services()["migrate"]["environment"]["DATABASE_URL"]

    def test_the_metrics_textfile_is_kept_with_the_dumps_and_served(self) -> None:
        backup = compose_services()[BACKUP]
        env = backup["environment"]
        assert env["HOSO_BACKUP_METRICS_PORT"] == BACKUP_METRICS_PORT
        assert f"127.0.0.1:{BACKUP_METRICS_PORT}/metrics" in " ".join(backup["healthcheck"]["test"])
        assert env["HOSO_BACKUP_METRICS_FILE"].startswith(env["HOSO_BACKUP_DIR"] + "/")
        (volume,) = [m for m in backup["volumes"] if m.split(":")[1] == env["HOSO_BACKUP_DIR"]]
        assert volume.split(":")[0] in compose()["volumes"], "a named volume, kept across `up`"
        assert not backup.get("ports"), "scraped inside the compose network only"
