#!/usr/bin/env bash
# Runs on the host, after `vagrant up`: copies the admin kubeconfig of the K3s server
# (<login>S) to vagrant/p1/.secrets/kubeconfig (git-ignored, mode 0600), pointed at
# https://192.168.56.110:6443 instead of 127.0.0.1, so that kubectl and the conformance suite
# can reach the cluster from the host:
#   vagrant/p1/scripts/fetch-kubeconfig.sh && export KUBECONFIG="$PWD/vagrant/p1/.secrets/kubeconfig"
# Idempotent: it rewrites the file only when the server's kubeconfig changed.
set -euo pipefail

SERVER_IP=192.168.56.110
DEFAULT_LOGIN=wil
PART_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT_DIR="$(cd "$PART_DIR/../.." && pwd)"
TARGET="$PART_DIR/.secrets/kubeconfig"

log() { printf '==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Same rule as the Vagrantfile: IOT_LOGIN from the environment, else from the repository's
# .env, else wil; the first login of a team.
iot_login() {
  local line value="${IOT_LOGIN:-}"
  if [[ -z "$value" && -f "$ROOT_DIR/.env" ]]; then
    while IFS= read -r line || [[ -n "$line" ]]; do
      line="${line#export }"
      [[ "$line" =~ ^[[:space:]]*IOT_LOGIN=(.*)$ ]] && value="${BASH_REMATCH[1]}"
    done <"$ROOT_DIR/.env"
  fi
  value="${value%%#*}"
  value="${value//\"/}"
  value="${value//\'/}"
  value="${value%%,*}"
  value="${value//[[:space:]]/}"
  printf '%s\n' "${value:-$DEFAULT_LOGIN}"
}

command -v vagrant >/dev/null || die "vagrant is not installed on this host"
SERVER="$(iot_login)S"
cd "$PART_DIR"
log "reading /etc/rancher/k3s/k3s.yaml on $SERVER"
umask 077
mkdir -p "$PART_DIR/.secrets"
candidate="$(mktemp "$PART_DIR/.secrets/kubeconfig.XXXXXX")"
trap 'rm -f "$candidate"' EXIT
vagrant ssh "$SERVER" --no-tty -c 'sudo cat /etc/rancher/k3s/k3s.yaml' |
  tr -d '\r' |
  sed "s#https://127.0.0.1:6443#https://${SERVER_IP}:6443#" >"$candidate"
grep -q "server: https://${SERVER_IP}:6443" "$candidate" || die "$SERVER did not return a K3s kubeconfig; is it provisioned? (vagrant provision $SERVER)"

if [[ -f "$TARGET" ]] && cmp -s "$candidate" "$TARGET"; then
  log "unchanged: $TARGET"
else
  mv "$candidate" "$TARGET"
  log "wrote $TARGET (mode 0600)"
fi
chmod 0600 "$TARGET"
log "use it with: export KUBECONFIG=\"$TARGET\""
