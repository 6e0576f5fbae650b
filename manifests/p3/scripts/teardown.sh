#!/usr/bin/env bash
# Part 3, on the host: deletes the K3d cluster "iot" (its Docker containers, network and
# volumes) and its kubeconfig context. Argo CD, the app and namespaces go with it. Docker,
# k3d and kubectl stay installed. Idempotent: with no cluster, it says so and succeeds.
#
# Whether the cluster exists is read from `k3d cluster list -o json`, which fails when k3d cannot
# reach Docker. `k3d cluster get` and `k3d cluster delete` do not: they log the Docker error and
# answer "no nodes found" (k3d v5.9.0, pkg/client/cluster.go, ClusterGet), so a run with Docker
# unusable (e.g. right after setup.sh added you to the docker group) would report success while
# the cluster still runs. See docs/upstream-behaviour.md.
set -euo pipefail

CLUSTER="iot" # metadata.name in confs/k3d-cluster.yaml

log() { printf '==> %s\n' "$*"; }
die() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

# What to do about Docker, from `docker info`'s own error.
docker_fix() {
  local error
  if ! command -v docker >/dev/null 2>&1; then
    echo "the docker command is not installed: install Docker (manifests/p3/scripts/setup.sh does it), then run this again"
    return
  fi
  if error="$(docker info 2>&1 >/dev/null)"; then
    echo "Docker answers now: run this again"
  elif grep -qi 'permission denied' <<<"$error"; then
    echo "your user may not use the Docker daemon: if setup.sh just added you to the docker group, run 'newgrp docker' (or log out and back in), then run this again"
  elif grep -qiE 'cannot connect to the docker daemon|is the docker daemon running' <<<"$error"; then
    echo "the Docker daemon is not running: start it ('sudo systemctl start docker'), then run this again"
  else
    echo "Docker does not answer ('docker info': $(head -n 1 <<<"$error")): fix Docker, then run this again"
  fi
}

# The clusters k3d sees, as JSON; stops the script when k3d cannot ask Docker.
cluster_list() {
  local output error
  error="$(mktemp)"
  if ! output="$(k3d cluster list -o json 2>"$error")"; then
    printf 'ERROR: cannot tell whether the k3d cluster %s exists: k3d cannot list clusters:\n' "$CLUSTER" >&2
    sed 's/^/  /' "$error" >&2
    rm -f "$error"
    die "$(docker_fix)"
  fi
  rm -f "$error"
  printf '%s\n' "$output"
}

cluster_exists() {
  grep -Eq "\"name\":[[:space:]]*\"${CLUSTER}\"" <<<"$1"
}

if ! command -v k3d >/dev/null 2>&1; then
  log "k3d is not installed: there is no K3d cluster to delete"
  exit 0
fi

clusters="$(cluster_list)"
if ! cluster_exists "$clusters"; then
  log "no k3d cluster named $CLUSTER: nothing to delete"
  exit 0
fi

log "deleting k3d cluster $CLUSTER"
k3d cluster delete "$CLUSTER" || die "k3d cluster delete $CLUSTER failed (see above)"
remaining="$(cluster_list)"
if cluster_exists "$remaining"; then
  die "the k3d cluster $CLUSTER still exists after k3d cluster delete: $(docker_fix)"
fi
log "deleted the k3d cluster $CLUSTER and its kubeconfig context"
