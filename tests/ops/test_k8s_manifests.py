"""The Kustomize trees under deploy/k8s, checked without a cluster: rendered by tests/ops/kustomize.py (when
kubectl is on PATH its `kubectl kustomize` output must equal ours), every document validated, and the
workloads, services, policies and database checked against each other and the other deployment files."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from croniter import croniter, croniter_range

from tests.ops.deployment import (
    BACKUP,
    BACKUP_IMAGE,
    BACKUP_METRICS_PORT,
    IMPORT_WORKER,
    IMPORT_WORKER_METRICS_PORT,
    PORTAL,
    PORTAL_PORT,
    SERVICES,
    WORKER,
    WORKER_METRICS_PORT,
)
from tests.ops.dockerfile import dockerfile_stages
from tests.ops.kustomize import (
    CLUSTER_SCOPED,
    K8S,
    KUSTOMIZATIONS,
    containers,
    doc_id,
    docs_of,
    pod_specs,
    problems,
    render,
    rendered,
    split_image,
)

K8S_APIS = ("profile-api", "approval-api", "sync-gateway")
BACKUP_METRICS = "backup-metrics"


@pytest.mark.parametrize("which", KUSTOMIZATIONS)
class TestKustomizations:
    def test_every_document_is_valid(self, which: str) -> None:
        invalid = {"/".join(doc_id(d)): found for d in rendered(which) if (found := problems(d))}
        assert not invalid, json.dumps(invalid, indent=2, ensure_ascii=False)

    def test_renders_as_kubectl_kustomize_does(self, which: str) -> None:
        kubectl = shutil.which("kubectl")
        if kubectl is None:
            pytest.skip("kubectl is not installed: the Python rendering is not compared with `kubectl kustomize`")
        result = subprocess.run([kubectl, "kustomize", str(KUSTOMIZATIONS[which])], capture_output=True,
                                text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stderr
        theirs = {doc_id(d): d for d in yaml.safe_load_all(result.stdout) if d}
        ours = {doc_id(d): d for d in rendered(which)}
        assert sorted(ours) == sorted(theirs)
        for key, doc in ours.items():
            assert doc == theirs[key], f"{'/'.join(key)} differs from kubectl kustomize"

    def test_http_deployments_have_probes_resources_and_a_locked_down_container(self, which: str) -> None:
        deployments = docs_of(which, "Deployment")
        assert set(deployments) == {*K8S_APIS, WORKER, IMPORT_WORKER, PORTAL, BACKUP_METRICS}
        for name in (*K8S_APIS, PORTAL):
            (container,) = containers(deployments[name])
            (port,) = container["ports"]
            assert port["containerPort"] == {**SERVICES, PORTAL: PORTAL_PORT}[name], name
            assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port["name"]}, name
            assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port["name"]}, name
        # The worker has no web app, only its metrics exporter (HOSO_WORKER_METRICS_PORT, docs/metrics.md).
        (worker,) = containers(deployments[WORKER])
        assert worker["command"] == ["python", "-m", "sync_gateway.worker"]
        (port,) = worker["ports"]
        env = {e["name"]: e.get("value") for e in worker["env"]}
        assert env["HOSO_WORKER_METRICS_PORT"] == str(port["containerPort"]) == WORKER_METRICS_PORT
        assert worker["livenessProbe"]["httpGet"] == {"path": "/metrics", "port": port["name"]}
        assert "readinessProbe" not in worker, "no Service routes to it"
        # The import worker: profile-api's image and settings, its own exporter (docs/operations.md "Bulk imports").
        (importer,) = containers(deployments[IMPORT_WORKER])
        assert importer["command"] == ["python", "-m", "profile_api.bulk.worker"]
        (api,) = containers(deployments["profile-api"])
        assert split_image(importer["image"])[0] == split_image(api["image"])[0]
        (port,) = importer["ports"]
        env = {e["name"]: e.get("value") for e in importer["env"]}
        assert env["HOSO_WORKER_METRICS_PORT"] == str(port["containerPort"]) == IMPORT_WORKER_METRICS_PORT
        assert importer["livenessProbe"]["httpGet"] == {"path": "/metrics", "port": port["name"]}
        assert "readinessProbe" not in importer

    def test_every_pod_runs_non_root_read_only_and_bounded(self, which: str) -> None:
        workloads = [d for d in rendered(which) if pod_specs(d)]
        assert {d["kind"] for d in workloads} == {"Deployment", "Job", "CronJob"}
        for doc in workloads:
            (pod,) = pod_specs(doc)
            assert pod["securityContext"]["runAsNonRoot"] is True, doc_id(doc)
            assert pod["securityContext"]["runAsUser"] != 0, doc_id(doc)
            assert pod["automountServiceAccountToken"] is False, doc_id(doc)
            for container in containers(doc):
                security = container["securityContext"]
                assert security["readOnlyRootFilesystem"] is True, doc_id(doc)
                assert security["allowPrivilegeEscalation"] is False, doc_id(doc)
                assert security["capabilities"]["drop"] == ["ALL"], doc_id(doc)
                for bound in ("requests", "limits"):
                    assert set(container["resources"][bound]) >= {"cpu", "memory"}, doc_id(doc)

    def test_services_autoscalers_and_budgets_point_at_real_pods(self, which: str) -> None:
        deployments = docs_of(which, "Deployment")
        pods = {name: d["spec"]["template"]["metadata"]["labels"] for name, d in deployments.items()}
        for name, service in docs_of(which, "Service").items():
            labels = pods[name]
            assert service["spec"]["selector"].items() <= labels.items(), name
            (port,) = service["spec"]["ports"]
            names = {p["name"] for c in containers(deployments[name]) for p in c.get("ports", [])}
            assert port["targetPort"] in names and port["port"] == {**SERVICES, PORTAL: PORTAL_PORT}[name], name
        autoscalers = docs_of(which, "HorizontalPodAutoscaler")
        assert set(autoscalers) == {*K8S_APIS, WORKER, IMPORT_WORKER}
        for name, hpa in autoscalers.items():
            assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
            replicas = deployments[name]["spec"]["replicas"]
            assert 1 <= hpa["spec"]["minReplicas"] <= replicas <= hpa["spec"]["maxReplicas"], name
        budgets = docs_of(which, "PodDisruptionBudget")
        assert set(budgets) == set(autoscalers)  # not the portal: one replica (sessions in memory), no budget to keep
        for name, budget in budgets.items():
            assert budget["spec"]["selector"]["matchLabels"].items() <= pods[name].items(), name

    def test_config_and_secrets_referenced_exist_or_are_documented(self, which: str) -> None:
        config_maps = set(docs_of(which, "ConfigMap"))
        documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", (K8S / "README.md").read_text(encoding="utf-8"), re.M))
        secrets, maps = set(), set()
        for doc in rendered(which):
            for container in containers(doc):
                for source in container.get("envFrom", []):
                    maps.update([source["configMapRef"]["name"]] if "configMapRef" in source else [])
                    secrets.update([source["secretRef"]["name"]] if "secretRef" in source else [])
                for env in container.get("env", []):
                    if "secretKeyRef" in env.get("valueFrom", {}):
                        secrets.add(env["valueFrom"]["secretKeyRef"]["name"])
            for pod in pod_specs(doc):
                secrets.update(v["secret"]["secretName"] for v in pod.get("volumes", []) if "secret" in v)
        assert maps <= config_maps
        assert secrets <= documented, f"Secrets missing from deploy/k8s/README.md: {sorted(secrets - documented)}"
        assert not docs_of(which, "Secret"), "no Secret is committed"

    def test_network_policies_deny_by_default_and_open_only_known_ports(self, which: str) -> None:
        policies = docs_of(which, "NetworkPolicy")
        deny = policies["default-deny-ingress"]["spec"]
        assert deny == {"podSelector": {}, "policyTypes": ["Ingress"]}
        known = {*SERVICES.values(), int(WORKER_METRICS_PORT), int(IMPORT_WORKER_METRICS_PORT),
                 int(BACKUP_METRICS_PORT), 5432, 8000, 9187, 53, 443}
        for name, policy in policies.items():
            for rule in policy["spec"].get("ingress", []) + policy["spec"].get("egress", []):
                assert rule["ports"], f"{name}: a rule without ports opens everything"
                assert {p["port"] for p in rule["ports"]} <= known, name
        egress = policies["allow-gateway-egress"]["spec"]
        assert egress["policyTypes"] == ["Egress"]
        selected = egress["podSelector"]["matchExpressions"][0]["values"]
        assert set(selected) == {"sync-gateway", WORKER}

    def test_the_database_is_a_three_instance_cnpg_cluster_with_backups(self, which: str) -> None:
        cluster = docs_of(which, "Cluster")["hoso-db"]["spec"]
        assert cluster["instances"] == 3
        assert cluster["backup"]["barmanObjectStore"]["destinationPath"].startswith("s3://")
        assert cluster["bootstrap"]["initdb"]["database"] == "hoso"
        (backup,) = docs_of(which, "ScheduledBackup").values()
        assert backup["spec"]["cluster"]["name"] == "hoso-db"

    def test_images_are_the_dockerfile_s_services(self, which: str) -> None:
        stages = dockerfile_stages()
        for doc in rendered(which):
            for container in containers(doc):
                name = split_image(container["image"])[0].rsplit("/", 1)[-1]
                assert f"service-{name}" in stages, container["image"]


@pytest.mark.parametrize("which", KUSTOMIZATIONS)
class TestBackups:
    """Điều 11 khoản 1 (monthly backups) and Điều 19 khoản 8 / Điều 20 khoản 3 (checked periodically): CronJobs
    dump and drill on the backup tool's image, monthly, never overlapping; only the drill holds the key."""

    def test_dumps_and_drills_are_scheduled_monthly(self, which: str) -> None:
        cron_jobs = docs_of(which, "CronJob")
        assert set(cron_jobs) == {"hoso-backup-dump", "hoso-backup-drill"}
        for name, step in (("hoso-backup-dump", "dump"), ("hoso-backup-drill", "drill")):
            spec = cron_jobs[name]["spec"]
            assert croniter.is_valid(spec["schedule"]) and spec["timeZone"] == "Etc/UTC", name
            fires = croniter_range(datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 12, 31, 23, 59, tzinfo=UTC),
                                   spec["schedule"])
            assert len({(when.year, when.month) for when in fires}) == 12, f"{name}: not every month"
            assert spec["concurrencyPolicy"] == "Forbid", name
            (container,) = containers(cron_jobs[name])
            assert container["command"] == ["python", "-m", "hoso_backup.schedule", "--once", step], name
            assert split_image(container["image"])[0].rsplit("/", 1)[-1] == BACKUP_IMAGE, name
        dump, drill = (cron_jobs[name]["spec"]["schedule"] for name in ("hoso-backup-dump", "hoso-backup-drill"))
        after = datetime(2027, 3, 15, tzinfo=UTC)
        assert croniter(dump, after).get_next(datetime) < croniter(drill, after).get_next(datetime), \
            "the drill checks the month's dump: it runs after it"

    def test_the_dump_job_never_holds_the_private_key_and_the_drill_does(self, which: str) -> None:
        cron_jobs = docs_of(which, "CronJob")
        (dump,) = containers(cron_jobs["hoso-backup-dump"])
        (drill,) = containers(cron_jobs["hoso-backup-drill"])
        dump_env, drill_env = ({e["name"]: e for e in c["env"]} for c in (dump, drill))
        assert dump_env["HOSO_BACKUP_RECIPIENTS"]["valueFrom"]["secretKeyRef"] == {"name": "hoso-backup",
                                                                                   "key": "recipients"}
        assert not {"HOSO_BACKUP_IDENTITY", "HOSO_BACKUP_IDENTITY_FILE"} & set(dump_env)

        def keys_mounted(job: str) -> set[str]:
            return {item["key"] for volume in pod_specs(cron_jobs[job])[0]["volumes"] if "secret" in volume
                    for item in volume["secret"]["items"]}
        assert keys_mounted("hoso-backup-dump") == {"signing-key"}
        assert keys_mounted("hoso-backup-drill") == {"identity", "verify-key"}
        mounts = {m["name"]: m["mountPath"] for m in drill["volumeMounts"]}
        for variable in ("HOSO_BACKUP_IDENTITY_FILE", "HOSO_BACKUP_VERIFY_KEY_FILE"):
            assert drill_env[variable]["value"].startswith(mounts["keys"] + "/"), variable
        assert dump_env["HOSO_BACKUP_SIGNING_KEY_FILE"]["value"].startswith(
            {m["name"]: m["mountPath"] for m in dump["volumeMounts"]}["keys"] + "/")
        assert drill_env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "hoso-backup-drill"
        assert dump_env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "hoso-db-app"
        for env in (dump_env, drill_env):  # prod: the tool refuses to dump unencrypted or drill unverified
            assert env["HOSO_ENV"]["valueFrom"]["configMapKeyRef"] == {"name": "hoso-config", "key": "HOSO_ENV"}

    def test_the_metrics_textfile_is_served_from_the_volume_the_jobs_write(self, which: str) -> None:
        """The jobs write the textfile into the backups volume; backup-metrics serves it on its port as job
        `backup`. The volume is ReadWriteOnce, so the jobs' pods must land on the exporter's node."""
        (exporter,) = containers(docs_of(which, "Deployment")[BACKUP_METRICS])
        pod = docs_of(which, "Deployment")[BACKUP_METRICS]["spec"]["template"]
        assert pod["metadata"]["labels"]["app.kubernetes.io/name"] == BACKUP  # Prometheus's job label
        assert pod["metadata"]["annotations"]["prometheus.io/port"] == BACKUP_METRICS_PORT
        env = {e["name"]: e.get("value") for e in exporter["env"]}
        assert env["HOSO_BACKUP_METRICS_PORT"] == BACKUP_METRICS_PORT
        assert exporter["command"][-1] == "--serve-only"
        textfile = env["HOSO_BACKUP_METRICS_FILE"]
        claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["spec"]["volumes"]
                  if "persistentVolumeClaim" in v}
        assert set(claims.values()) == {"hoso-backups"}
        assert set(docs_of(which, "PersistentVolumeClaim")) == {"hoso-backups"}
        labels = pod["metadata"]["labels"]
        for name, job in docs_of(which, "CronJob").items():
            (container,) = containers(job)
            job_env = {e["name"]: e.get("value") for e in container["env"]}
            assert job_env["HOSO_BACKUP_METRICS_FILE"] == textfile, name
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert textfile.startswith(job_env["HOSO_BACKUP_DIR"] + "/"), name
            (volume,) = [v for v in pod_specs(job)[0]["volumes"] if v["name"] == mounts[job_env["HOSO_BACKUP_DIR"]]]
            assert volume["persistentVolumeClaim"]["claimName"] == "hoso-backups", name
            (term,) = pod_specs(job)[0]["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
            assert term["labelSelector"]["matchLabels"].items() <= labels.items(), name
        (rule,) = docs_of(which, "NetworkPolicy")["allow-prometheus-scrape"]["spec"]["ingress"]
        assert int(BACKUP_METRICS_PORT) in {port["port"] for port in rule["ports"]}
        clients = docs_of(which, "NetworkPolicy")["allow-postgres-clients"]["spec"]["ingress"][0]["from"][0]
        assert "backup" in clients["podSelector"]["matchExpressions"][0]["values"], "the jobs reach PostgreSQL"


class TestProduction:
    def test_everything_is_in_the_namespace_with_pinned_images_and_no_simulator(self) -> None:
        docs = rendered("production")
        for doc in docs:
            if doc["kind"] not in CLUSTER_SCOPED:
                assert doc["metadata"]["namespace"] == "hoso", doc_id(doc)
            for container in containers(doc):
                tag = split_image(container["image"])[1]
                assert tag and tag not in {"dev", "latest"}, container["image"]
        assert "ndxp" not in json.dumps(docs).replace("HOSO_NDXP", "").replace("ndxp.invalid", "")
        assert docs_of("production", "Namespace")["hoso"]["metadata"]["labels"][
            "pod-security.kubernetes.io/enforce"] == "restricted"

    def test_the_overlay_changes_replicas_resources_and_the_database(self) -> None:
        base, prod = docs_of("base", "Deployment"), docs_of("production", "Deployment")
        assert prod["profile-api"]["spec"]["replicas"] > base["profile-api"]["spec"]["replicas"]
        assert prod[WORKER]["spec"]["replicas"] > base[WORKER]["spec"]["replicas"]
        resources = [next(containers(d[name]))["resources"] for d in (base, prod) for name in ("profile-api",)]
        assert resources[0] != resources[1]
        assert next(containers(prod["profile-api"]))["livenessProbe"], "the patch kept the rest of the container"
        assert docs_of("production", "Cluster")["hoso-db"]["spec"]["storage"]["size"] == "100Gi"
        assert docs_of("production", "ConfigMap")["hoso-config"]["data"]["HOSO_NDXP_TOKEN_HEADER"] == "authorization"


class TestValidationHasTeeth:
    """A validator that accepts anything would pass every test above: show it refuses broken documents."""

    @pytest.mark.parametrize(("kind", "breakage"), [
        ("Deployment", lambda d: next(containers(d))["ports"][0].update(containerPort="8001")),
        ("Deployment", lambda d: d["spec"].update(replica=2)),
        ("Service", lambda d: d["spec"].update(ports=[{"port": 8001, "protocol": "TCP", "targetPort": True}])),
        ("HorizontalPodAutoscaler", lambda d: d["spec"].pop("maxReplicas")),
        ("NetworkPolicy", lambda d: d["spec"].update(podSelector=[])),
        ("Cluster", lambda d: d["spec"].update(instances="3")),
        ("Cluster", lambda d: d["spec"]["backup"].update(retentionPolicy="30 days")),
        ("Cluster", lambda d: d["spec"]["backup"]["barmanObjectStore"]["wal"].update(compression="zip")),
        ("Cluster", lambda d: d["spec"].update(storrage={"size": "1Gi"})),
        ("ScheduledBackup", lambda d: d["spec"].pop("schedule")),
    ])
    def test_a_broken_document_is_refused(self, kind: str, breakage: Any) -> None:
        doc = copy.deepcopy(next(d for d in rendered("production") if d["kind"] == kind))
        assert problems(doc) == []
        breakage(doc)
        assert problems(doc), f"a broken {kind} passed validation"

    def test_render_refuses_what_it_does_not_implement(self, tmp_path: Path) -> None:
        (tmp_path / "kustomization.yaml").write_text("resources: []\ncommonLabels: {a: b}\n")
        with pytest.raises(AssertionError, match="commonLabels"):
            render(tmp_path)


@pytest.mark.parametrize("which", KUSTOMIZATIONS)
def test_the_portal_holds_no_database_and_no_secret_and_reaches_only_the_apis(which: str) -> None:
    """Điều 9: people sign in to the software at a web address — the portal, deployed beside the APIs. It is a
    client of the APIs only: no database URL, no Secret, no way to PostgreSQL or the internet; profile-api
    believes the X-Forwarded-For of the cluster's pods (the portal, the ingress), so each browser is throttled
    by its own address."""
    (portal,) = containers(docs_of(which, "Deployment")[PORTAL])
    assert "envFrom" not in portal
    env = {e["name"]: e for e in portal["env"]}
    assert "DATABASE_URL" not in env and not any("secretKeyRef" in e.get("valueFrom", {}) for e in env.values())
    assert env["HOSO_PROFILE_API_URL"]["value"] == "http://profile-api:8001"
    assert env["FORWARDED_ALLOW_IPS"]["value"]
    policies = docs_of(which, "NetworkPolicy")
    egress = policies["allow-portal-egress"]["spec"]
    assert egress["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": PORTAL}}
    ports = {p["port"] for rule in egress["egress"] for p in rule["ports"]}
    assert ports == {53, 8001, 8002, 8003}
    assert not any("ipBlock" in to for rule in egress["egress"] for to in rule["to"])
    (config,) = docs_of(which, "ConfigMap").values()
    assert "HOSO_TRUSTED_PROXIES" in config["data"]
