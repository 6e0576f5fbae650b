#!/usr/bin/env bash
# Part 1, machine <login>SW: installs the K3s agent and joins the server at 192.168.56.110.
#
# Vagrant runs it as root on every `vagrant up` (first boot) and `vagrant provision`. The
# Vagrantfile passes, in the environment:
#   K3S_VERSION   the K3s release to install (pinned in the Vagrantfile, same as the server)
#   NODE_NAME     this machine's name, <login>SW
#   NODE_IP       its private address, 192.168.56.111
#   SERVER_IP             the server's private address, 192.168.56.110
#   AGENT_TOKEN_UPLOAD    where the file provisioner put K3s's agent token (generated on the host)
#   NODE_PASSWORD_UPLOAD  where it put this node's K3s node password (generated on the host)
#
# The worker holds the agent token only: it joins agents, never servers, and the server token
# stays on the server (docs.k3s.io/cli/token). The node password comes from the host so that a
# re-created worker (vagrant destroy <login>SW && vagrant up <login>SW) presents the password
# the server already holds for this node name and is let back in.
#
# Idempotent: when the agent already runs at that release with the same settings, it changes nothing.
set -euo pipefail

K3S_VERSION="${K3S_VERSION:?the Vagrantfile sets K3S_VERSION}"
NODE_NAME="${NODE_NAME:?the Vagrantfile sets NODE_NAME}"
NODE_IP="${NODE_IP:?the Vagrantfile sets NODE_IP}"
SERVER_IP="${SERVER_IP:-192.168.56.110}"
AGENT_TOKEN_UPLOAD="${AGENT_TOKEN_UPLOAD:-/tmp/iot-agent-token}"
NODE_PASSWORD_UPLOAD="${NODE_PASSWORD_UPLOAD:-/tmp/iot-node-password}"
TOKEN_FILE=/etc/rancher/k3s/agent-token
# Written by earlier versions of this script: it held the server token.
LEGACY_TOKEN_FILE=/etc/rancher/k3s/cluster-token
# Where the K3s agent reads its node password (and writes a random one when it is missing).
NODE_PASSWORD_FILE=/etc/rancher/node/password
AGENT_ENV_FILE=/etc/systemd/system/k3s-agent.service.env
CONFIG_FILE=/etc/rancher/k3s/config.yaml
# kubectl on this machine reads the same path as on the server (see node_kubeconfig).
KUBECONFIG_FILE=/etc/rancher/k3s/k3s.yaml
KUBE_PROXY_KUBECONFIG=/var/lib/rancher/k3s/agent/kubeproxy.kubeconfig
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

# The agent token, generated on the host, becomes root's only (0600) and leaves /tmp.
install_token() {
  [[ -s "$AGENT_TOKEN_UPLOAD" ]] || die "the agent token was not uploaded to $AGENT_TOKEN_UPLOAD; run 'vagrant provision $NODE_NAME'"
  chmod 0600 "$AGENT_TOKEN_UPLOAD"
  mkdir -p /etc/rancher/k3s
  if [[ -f "$TOKEN_FILE" ]] && cmp -s "$AGENT_TOKEN_UPLOAD" "$TOKEN_FILE"; then
    log "agent token unchanged ($TOKEN_FILE)"
  else
    install -m 0600 -o root -g root "$AGENT_TOKEN_UPLOAD" "$TOKEN_FILE"
    log "agent token installed at $TOKEN_FILE (mode 0600)"
    if systemctl is-active --quiet k3s-agent 2>/dev/null && agent_uses_token_file; then
      log "restarting k3s-agent with the new token"
      systemctl restart k3s-agent
    fi
  fi
  rm -f "$AGENT_TOKEN_UPLOAD"
}

# Whether the installed k3s-agent service reads its token from TOKEN_FILE (install.sh writes the
# K3S_* variables it was given into the service's environment file).
agent_uses_token_file() {
  grep -qs "^K3S_TOKEN_FILE=['\"]\?${TOKEN_FILE}['\"]\?\$" "$AGENT_ENV_FILE"
}

# The node password, generated on the host. A machine that joined before this script handed
# it one keeps its own: the server holds that one's hash.
install_node_password() {
  [[ -s "$NODE_PASSWORD_UPLOAD" ]] || die "the node password was not uploaded to $NODE_PASSWORD_UPLOAD; run 'vagrant provision $NODE_NAME'"
  mkdir -p "$(dirname "$NODE_PASSWORD_FILE")"
  if [[ -f "$NODE_PASSWORD_FILE" ]] && cmp -s "$NODE_PASSWORD_UPLOAD" "$NODE_PASSWORD_FILE"; then
    log "node password unchanged ($NODE_PASSWORD_FILE)"
  elif [[ -s "$NODE_PASSWORD_FILE" ]]; then
    log "keeping this machine's own node password ($NODE_PASSWORD_FILE): before re-creating this worker, run 'kubectl delete node ${NODE_NAME,,}' on the server"
  else
    install -m 0600 -o root -g root "$NODE_PASSWORD_UPLOAD" "$NODE_PASSWORD_FILE"
    log "node password installed at $NODE_PASSWORD_FILE (mode 0600)"
  fi
  rm -f "$NODE_PASSWORD_UPLOAD"
}

# Earlier versions of this script gave the worker the server token: remove it once the agent no
# longer reads it.
remove_legacy_token() {
  if [[ -e "$LEGACY_TOKEN_FILE" ]] && agent_uses_token_file; then
    rm -f "$LEGACY_TOKEN_FILE"
    log "removed the server token an earlier provision left at $LEGACY_TOKEN_FILE"
  fi
}

# With `vagrant up --parallel` (libvirt's default) both machines boot at once: wait for the
# server's supervisor to answer before installing, or the agent service would wait forever.
wait_for_server() {
  local attempt
  for attempt in $(seq 1 120); do
    if curl -ksf --max-time 5 "https://${SERVER_IP}:6443/cacerts" >/dev/null; then
      log "the K3s server at https://${SERVER_IP}:6443 answers"
      return
    fi
    log "waiting for the K3s server at https://${SERVER_IP}:6443 ($attempt/120)"
    sleep 5
  done
  die "the K3s server at https://${SERVER_IP}:6443 did not answer in 10 minutes: provision it first (vagrant provision <login>S)"
}

installed_version() {
  if [[ -x /usr/local/bin/k3s ]]; then
    /usr/local/bin/k3s --version 2>/dev/null | awk 'NR == 1 { print $3 }'
  fi
}

# kubectl on the worker: the admin kubeconfig stays on the server. The worker builds its own
# from the agent's kube-proxy credentials (user system:kube-proxy, which may read nodes,
# services and endpoints, nothing more), embedded and readable by root and the vagrant group.
node_kubeconfig() {
  local attempt candidate
  for attempt in $(seq 1 60); do
    [[ -s "$KUBE_PROXY_KUBECONFIG" ]] && break
    log "waiting for the agent's credentials ($attempt/60)"
    sleep 2
  done
  [[ -s "$KUBE_PROXY_KUBECONFIG" ]] || die "$KUBE_PROXY_KUBECONFIG did not appear: see 'journalctl -u k3s-agent'"
  candidate="$(mktemp)"
  kubectl config view --kubeconfig "$KUBE_PROXY_KUBECONFIG" --raw --flatten >"$candidate"
  if [[ -f "$KUBECONFIG_FILE" ]] && cmp -s "$candidate" "$KUBECONFIG_FILE"; then
    log "kubeconfig for kubectl unchanged ($KUBECONFIG_FILE)"
    rm -f "$candidate"
  else
    install -m 0640 -o root -g vagrant "$candidate" "$KUBECONFIG_FILE"
    rm -f "$candidate"
    log "kubeconfig for kubectl written to $KUBECONFIG_FILE (mode 0640, group vagrant)"
  fi
}

main() {
  log "provisioning the K3s agent $K3S_VERSION on $NODE_IP, joining https://${SERVER_IP}:6443"
  ensure_packages curl ca-certificates
  keep_hostname
  install_token
  install_node_password
  local iface before after config_changed=false
  iface="$(private_interface)"
  log "private interface: $iface ($NODE_IP)"

  # K3s reads this file at every start.
  before="$(sha256sum "$CONFIG_FILE" 2>/dev/null || true)"
  umask 077
  cat >/etc/rancher/k3s/config.yaml <<EOF
# Written by vagrant/p1/scripts/k3s-agent.sh on every provision.
node-ip: "${NODE_IP}"
flannel-iface: "${iface}"
EOF
  umask 022
  after="$(sha256sum "$CONFIG_FILE")"
  if [[ "$before" == "$after" ]]; then
    log "K3s configuration unchanged ($CONFIG_FILE)"
  else
    log "K3s configuration written to $CONFIG_FILE"
    config_changed=true
  fi

  wait_for_server
  if [[ "$(installed_version)" == "$K3S_VERSION" ]] && systemctl is-enabled --quiet k3s-agent 2>/dev/null && agent_uses_token_file; then
    log "K3s agent $K3S_VERSION is already installed"
    if [[ "$config_changed" == true ]]; then
      log "restarting k3s-agent to apply the new configuration"
      systemctl restart k3s-agent
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
    log "installing K3s $K3S_VERSION in agent mode"
    K3S_URL="https://${SERVER_IP}:6443" K3S_TOKEN_FILE="$TOKEN_FILE" INSTALL_K3S_VERSION="$K3S_VERSION" INSTALL_K3S_EXEC="agent" sh "$WORKDIR/install.sh"
  fi
  systemctl is-active --quiet k3s-agent || systemctl start k3s-agent
  remove_legacy_token

  node_kubeconfig
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
  log "done: the worker joined the cluster"
  kubectl get nodes -o wide
}

main "$@"
