"""The Kustomize trees under deploy/k8s, rendered and validated without a cluster.

Kustomize is not installed here, so `render()` implements the subset the trees use (resources, namespace,
images, replicas, patches as strategic merge or JSON 6902) and refuses any other field. `problems()`
validates a rendered document: built-in kinds with kubernetes-validate against Kubernetes 1.30 (strict),
CloudNativePG kinds against the trimmed CRD schemas in deploy/k8s/schemas."""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

from tests.ops.deployment import DEPLOY

K8S = DEPLOY / "k8s"
KUSTOMIZATIONS = {"base": K8S / "base", "production": K8S / "overlays" / "production"}
K8S_VERSION = "1.30"
CRD_SCHEMAS = {
    ("postgresql.cnpg.io/v1", "Cluster"): K8S / "schemas" / "postgresql.cnpg.io_v1_cluster.json",
    ("postgresql.cnpg.io/v1", "ScheduledBackup"): K8S / "schemas" / "postgresql.cnpg.io_v1_scheduledbackup.json",
}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                  "PersistentVolume", "StorageClass", "PriorityClass"}

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
