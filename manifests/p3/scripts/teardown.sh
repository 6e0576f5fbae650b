#!/usr/bin/env bash
# Part 3, on the host: deletes the K3d cluster "iot" (its Docker containers, network and
# volumes) and its kubeconfig context. Argo CD, the app and namespaces go with it. Docker,
# k3d and kubectl stay installed. Idempotent: with no cluster, it says so and succeeds.
set -euo pipefail

CLUSTER="iot" # metadata.name in confs/k3d-cluster.yaml

log() { printf '==> %s\n' "$*"; }

if ! command -v k3d >/dev/null 2>&1; then
  log "k3d is not installed: there is no K3d cluster to delete"
  exit 0
fi
if k3d cluster get "$CLUSTER" >/dev/null 2>&1; then
  log "deleting k3d cluster $CLUSTER"
  k3d cluster delete "$CLUSTER"
else
  log "no k3d cluster named $CLUSTER: nothing to delete"
fi
