#!/usr/bin/env python3
"""Checks deploy/: the Kubernetes manifests hang together and the config and rules they ship load.

Without a cluster, `kubectl --dry-run` cannot validate (it needs the API server's schema), so this
checks what a broken rollout would trip over: every document parses and names a known kind; the
kustomization lists files that exist; the StatefulSet's selector matches its pods, its mounts name
volumes that exist, its probes and Services point at ports the container declares with the right
protocol, it runs as non-root with only NET_BIND_SERVICE and no privilege escalation, and it has
requests and a memory limit; the listeners in the shipped logsiftd.yaml are the container ports;
and the shipped logsiftd.yaml and rules pass the real `logsiftd --check-config` and `logsift check`.

usage: check_manifests.py SOURCE_DIR LOGSIFTD LOGSIFT
"""
import pathlib
import subprocess
import sys

import yaml

KNOWN = {("v1", "Namespace"), ("v1", "Service"), ("v1", "ConfigMap"), ("apps/v1", "StatefulSet"),
         ("kustomize.config.k8s.io/v1beta1", "Kustomization")}
problems = []


def fail(message):
    problems.append(message)


def main():
    source, logsiftd, logsift = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    kdir = source / "deploy" / "kubernetes"
    docs = {}
    for path in sorted(kdir.glob("*.yaml")):
        if path.name == "logsiftd.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            if doc is None:
                continue
            key = (doc.get("apiVersion"), doc.get("kind"))
            if key not in KNOWN:
                fail(f"{path.name}: unknown apiVersion/kind {key}")
            docs.setdefault(doc["kind"], []).append((path.name, doc))

    kust = docs["Kustomization"][0][1]
    for res in kust.get("resources", []):
        if not (kdir / res).exists():
            fail(f"kustomization.yaml: resource {res} does not exist")
    generated = {}
    for gen in kust.get("configMapGenerator", []):
        generated[gen["name"]] = gen
        for f in gen.get("files", []):
            if not (kdir / f).exists():
                fail(f"kustomization.yaml: {gen['name']} file {f} does not exist")

    (_, sts), = docs["StatefulSet"]
    spec = sts["spec"]
    pod = spec["template"]["spec"]
    labels = spec["template"]["metadata"]["labels"]
    for k, v in spec["selector"]["matchLabels"].items():
        if labels.get(k) != v:
            fail(f"StatefulSet selector {k}={v} does not match the pod labels")
    if pod.get("securityContext", {}).get("runAsNonRoot") is not True:
        fail("pod securityContext.runAsNonRoot must be true")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for claim in spec.get("volumeClaimTemplates", []):
        volumes[claim["metadata"]["name"]] = claim
    for v in pod.get("volumes", []):
        cm = v.get("configMap", {}).get("name")
        if cm and cm not in generated:
            fail(f"volume {v['name']} uses ConfigMap {cm}, which the kustomization does not generate")
    (container,) = pod["containers"]
    sc = container.get("securityContext", {})
    if sc.get("allowPrivilegeEscalation") is not False:
        fail("container must set allowPrivilegeEscalation: false")
    caps = sc.get("capabilities", {})
    if caps.get("drop") != ["ALL"] or caps.get("add", []) not in ([], ["NET_BIND_SERVICE"]):
        fail(f"container capabilities must drop ALL and add at most NET_BIND_SERVICE, got {caps}")
    res = container.get("resources", {})
    if "cpu" not in res.get("requests", {}) or "memory" not in res.get("requests", {}) or "memory" not in res.get("limits", {}):
        fail("container needs cpu and memory requests and a memory limit")
    ports = {p["name"]: p for p in container["ports"]}
    by_number = {(p["containerPort"], p.get("protocol", "TCP")) for p in container["ports"]}
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = container.get(probe, {}).get("httpGet", {})
        if get.get("path") != path or get.get("port") not in ports:
            fail(f"{probe} must GET {path} on a declared port, got {get}")
    for m in container.get("volumeMounts", []):
        if m["name"] not in volumes:
            fail(f"volumeMount {m['name']} has no volume")

    for fname, svc in docs["Service"]:
        name = svc["metadata"]["name"]
        for k, v in svc["spec"]["selector"].items():
            if labels.get(k) != v:
                fail(f"Service {name} selects {k}={v}, which no pod carries")
        for p in svc["spec"]["ports"]:
            target = p.get("targetPort", p["port"])
            if (target, p.get("protocol", "TCP")) not in by_number:
                fail(f"Service {name} port {p['name']} targets {target}/{p.get('protocol', 'TCP')}, "
                     "which the container does not declare")

    config_path = kdir / "logsiftd.yaml"
    config = yaml.safe_load(config_path.read_text())
    for listener in config["listeners"]:
        proto = "UDP" if listener["protocol"] == "udp" else "TCP"
        if (listener["port"], proto) not in by_number:
            fail(f"listener {listener['name']} port {listener['port']}/{proto} is not a container port")
    if (config["metrics"]["port"], "TCP") not in by_number:
        fail("the metrics port is not a container port")
    if config["metrics"].get("address") != "0.0.0.0":
        fail("metrics must listen on 0.0.0.0 in a pod so the kubelet can probe it")
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    for needed in (config["detect"]["state_dir"], config["emit"]["spool_dir"]):
        if not any(needed.startswith(m) for m in mounts if m.startswith("/var/lib")):
            fail(f"{needed} is not on the persistent volume")

    for cmd in ([logsiftd, "--check-config", str(config_path)],
                [logsift, "check", str(kdir / "rules")]):
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            fail(f"{' '.join(cmd)} failed: {run.stdout}{run.stderr}")

    for p in problems:
        print("deploy:", p)
    print(f"deploy: {len(problems)} problems in {sum(len(v) for v in docs.values())} manifests")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
