#!/usr/bin/env bash
# Part 1, machine <login>S: installs the K3s server (control plane) on the private network.
#
# Vagrant runs it as root on every `vagrant up` (first boot) and `vagrant provision`. The
# Vagrantfile passes, in the environment:
#   K3S_VERSION   the K3s release to install (pinned in the Vagrantfile)
#   NODE_NAME     this machine's name, <login>S
#   NODE_IP              its private address, 192.168.56.110
#   SERVER_TOKEN_UPLOAD  where the file provisioner put the server token generated on the host
#   AGENT_TOKEN_UPLOAD   where it put the agent token, the one secret the worker joins with
#
# Two tokens, as K3s's docs advise (docs.k3s.io/cli/token): the server token stays on this
# machine; agents join with the agent token, which cannot join a server.
#
# Idempotent: when K3s already runs at that release with the same settings, it changes nothing.
set -euo pipefail

K3S_VERSION="${K3S_VERSION:?the Vagrantfile sets K3S_VERSION}"
NODE_NAME="${NODE_NAME:?the Vagrantfile sets NODE_NAME}"
NODE_IP="${NODE_IP:?the Vagrantfile sets NODE_IP}"
SERVER_TOKEN_UPLOAD="${SERVER_TOKEN_UPLOAD:-/tmp/iot-cluster-token}"
AGENT_TOKEN_UPLOAD="${AGENT_TOKEN_UPLOAD:-/tmp/iot-agent-token}"
TOKEN_FILE=/etc/rancher/k3s/cluster-token
AGENT_TOKEN_FILE=/etc/rancher/k3s/agent-token
CONFIG_FILE=/etc/rancher/k3s/config.yaml
# install.sh and its published checksum, from the release's own git tag ("+" is %2B in a URL).
INSTALL_BASE_URL="https://raw.githubusercontent.com/k3s-io/k3s/${K3S_VERSION//+/%2B}"
WORKDIR=""

log() { printf '==> [%s] %s\n' "$NODE_NAME" "$*"; }
die() { printf 'ERROR [%s]: %s\n' "$NODE_NAME" "$*" >&2; exit 1; }

ensure_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then
    log "packages already installed: $*"
    return
  fi
  log "installing packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Vagrant sets the hostname; cloud-init must not reset it at the next boot.
keep_hostname() {
  if [[ "$(hostname)" != "$NODE_NAME" ]]; then
    log "setting the hostname to $NODE_NAME"
    hostnamectl set-hostname "$NODE_NAME"
  fi
  if [[ -d /etc/cloud/cloud.cfg.d ]] && ! grep -qs '^preserve_hostname: true' /etc/cloud/cloud.cfg.d/99-iot-hostname.cfg; then
    log "telling cloud-init to keep the hostname"
    echo 'preserve_hostname: true' >/etc/cloud/cloud.cfg.d/99-iot-hostname.cfg
  fi
}

# Whatever the interface is called (eth1, enp0s8, ens6 …), it is the one holding NODE_IP.
private_interface() {
  local iface="" attempt
  for attempt in $(seq 1 30); do
    iface="$(ip -o -4 addr show | awk -v ip="$NODE_IP" '{ split($4, a, "/"); if (a[1] == ip) { print $2; exit } }')"
    [[ -n "$iface" ]] && break
    log "waiting for $NODE_IP to appear on an interface ($attempt/30)" >&2
    sleep 2
  done
  [[ -n "$iface" ]] || die "no interface holds $NODE_IP: check the private_network of the Vagrantfile"
  printf '%s\n' "$iface"
}

# The server token, generated on the host, becomes root's only (0600) and leaves /tmp. It also
# encrypts the cluster's bootstrap data: a different one cannot be given to an existing cluster.
install_server_token() {
  [[ -s "$SERVER_TOKEN_UPLOAD" ]] || die "the server token was not uploaded to $SERVER_TOKEN_UPLOAD; run 'vagrant provision $NODE_NAME'"
  chmod 0600 "$SERVER_TOKEN_UPLOAD"
  mkdir -p /etc/rancher/k3s
  if [[ -f "$TOKEN_FILE" ]] && cmp -s "$SERVER_TOKEN_UPLOAD" "$TOKEN_FILE"; then
    log "server token unchanged ($TOKEN_FILE)"
  elif [[ -f "$TOKEN_FILE" ]] && [[ -d /var/lib/rancher/k3s/server ]]; then
    rm -f "$SERVER_TOKEN_UPLOAD"
    die "the server token in .secrets/cluster-token changed since this cluster was created; rebuild it: vagrant destroy -f && vagrant up"
  else
    install -m 0600 -o root -g root "$SERVER_TOKEN_UPLOAD" "$TOKEN_FILE"
    log "server token installed at $TOKEN_FILE (mode 0600)"
  fi
  rm -f "$SERVER_TOKEN_UPLOAD"
}

# The agent token (config.yaml: agent-token-file). K3s lets it change on a running cluster, so a
# new one is installed and the server restarted (agent_token_changed).
agent_token_changed=false
install_agent_token() {
  [[ -s "$AGENT_TOKEN_UPLOAD" ]] || die "the agent token was not uploaded to $AGENT_TOKEN_UPLOAD; run 'vagrant provision $NODE_NAME'"
  chmod 0600 "$AGENT_TOKEN_UPLOAD"
  if [[ -f "$AGENT_TOKEN_FILE" ]] && cmp -s "$AGENT_TOKEN_UPLOAD" "$AGENT_TOKEN_FILE"; then
    log "agent token unchanged ($AGENT_TOKEN_FILE)"
  else
    install -m 0600 -o root -g root "$AGENT_TOKEN_UPLOAD" "$AGENT_TOKEN_FILE"
    log "agent token installed at $AGENT_TOKEN_FILE (mode 0600)"
    agent_token_changed=true
  fi
  rm -f "$AGENT_TOKEN_UPLOAD"
}

installed_version() {
  if [[ -x /usr/local/bin/k3s ]]; then
    /usr/local/bin/k3s --version 2>/dev/null | awk 'NR == 1 { print $3 }'
  fi
}

main() {
  log "provisioning the K3s server $K3S_VERSION on $NODE_IP"
  ensure_packages curl ca-certificates
  keep_hostname
  install_server_token
  install_agent_token
  local iface before after config_changed=false
  iface="$(private_interface)"
  log "private interface: $iface ($NODE_IP)"

  # K3s reads this file at every start. The kubeconfig is readable by root and the vagrant
  # group only (0640), so `kubectl` works for the vagrant user without sudo. Agents join with
  # the agent token only.
  before="$(sha256sum "$CONFIG_FILE" 2>/dev/null || true)"
  umask 077
  cat >/etc/rancher/k3s/config.yaml <<EOF
# Written by vagrant/p1/scripts/k3s-server.sh on every provision.
node-ip: "${NODE_IP}"
flannel-iface: "${iface}"
write-kubeconfig-mode: "0640"
write-kubeconfig-group: "vagrant"
agent-token-file: "${AGENT_TOKEN_FILE}"
EOF
  umask 022
  after="$(sha256sum "$CONFIG_FILE")"
  if [[ "$before" == "$after" ]]; then
    log "K3s configuration unchanged ($CONFIG_FILE)"
  else
    log "K3s configuration written to $CONFIG_FILE"
    config_changed=true
  fi

  if [[ "$(installed_version)" == "$K3S_VERSION" ]] && systemctl is-enabled --quiet k3s 2>/dev/null; then
    log "K3s $K3S_VERSION is already installed"
    if [[ "$config_changed" == true || "$agent_token_changed" == true ]]; then
      log "restarting k3s to apply the new configuration"
      systemctl restart k3s
    fi
  else
    WORKDIR="$(mktemp -d)"
    trap 'rm -rf "$WORKDIR"' EXIT
    log "downloading install.sh of $K3S_VERSION and checking it against install.sh.sha256sum"
    curl -fsSL --retry 5 -o "$WORKDIR/install.sh" "$INSTALL_BASE_URL/install.sh"
    curl -fsSL --retry 5 -o "$WORKDIR/install.sh.sha256sum" "$INSTALL_BASE_URL/install.sh.sha256sum"
    (cd "$WORKDIR" && sha256sum --check --strict install.sh.sha256sum)
    # install.sh downloads the k3s binary of this release and checks it against the
    # release's sha256sum-amd64.txt before installing it.
    log "installing K3s $K3S_VERSION in server mode"
    INSTALL_K3S_VERSION="$K3S_VERSION" K3S_TOKEN_FILE="$TOKEN_FILE" INSTALL_K3S_EXEC="server" sh "$WORKDIR/install.sh"
  fi
  systemctl is-active --quiet k3s || systemctl start k3s

  local node attempt
  node="$(printf '%s' "$NODE_NAME" | tr '[:upper:]' '[:lower:]')" # Kubernetes lowercases node names
  log "waiting for node $node to be Ready"
  for attempt in $(seq 1 60); do
    kubectl get node "$node" >/dev/null 2>&1 && break
    sleep 5
  done
  kubectl wait --for=condition=Ready "node/$node" --timeout=300s

  if [[ "$(getent passwd vagrant | cut -d: -f7)" != /bin/bash ]]; then
    log "giving the vagrant user a bash login shell"
    usermod --shell /bin/bash vagrant
  fi
  log "done: the server is Ready; the worker joins with the agent token"
  kubectl get nodes -o wide
}

main "$@"
