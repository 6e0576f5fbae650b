#!/usr/bin/env bash
# Part 2, machine <login>S: installs a single-node K3s server, waits for it and for its
# Ingress controller (Traefik, bundled with K3s), then applies the three apps and their Ingress.
#
# Vagrant runs it as root on every `vagrant up` (first boot) and `vagrant provision`. The
# Vagrantfile passes, in the environment:
#   K3S_VERSION    the K3s release to install (pinned in the Vagrantfile)
#   NODE_NAME      this machine's name, <login>S
#   NODE_IP        its private address, 192.168.56.110
#   MANIFESTS_DIR  where the file provisioners put manifests/p2/*.yaml
#
# Idempotent: K3s is installed once per release, and `kubectl apply` leaves unchanged objects alone.
set -euo pipefail

K3S_VERSION="${K3S_VERSION:?the Vagrantfile sets K3S_VERSION}"
NODE_NAME="${NODE_NAME:?the Vagrantfile sets NODE_NAME}"
NODE_IP="${NODE_IP:?the Vagrantfile sets NODE_IP}"
MANIFESTS_DIR="${MANIFESTS_DIR:-/tmp/iot-p2-manifests}"
CONFIG_FILE=/etc/rancher/k3s/config.yaml
APPS="app1 app2 app3"
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

installed_version() {
  if [[ -x /usr/local/bin/k3s ]]; then
    /usr/local/bin/k3s --version 2>/dev/null | awk 'NR == 1 { print $3 }'
  fi
}

install_k3s() {
  local iface before after config_changed=false
  iface="$(private_interface)"
  log "private interface: $iface ($NODE_IP)"

  # K3s reads this file at every start. The kubeconfig is readable by root and the vagrant
  # group only (0640), so `kubectl` works for the vagrant user without sudo.
  mkdir -p /etc/rancher/k3s
  before="$(sha256sum "$CONFIG_FILE" 2>/dev/null || true)"
  umask 077
  cat >/etc/rancher/k3s/config.yaml <<EOF
# Written by vagrant/p2/scripts/k3s-server.sh on every provision.
node-ip: "${NODE_IP}"
flannel-iface: "${iface}"
write-kubeconfig-mode: "0640"
write-kubeconfig-group: "vagrant"
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
    if [[ "$config_changed" == true ]]; then
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
    INSTALL_K3S_VERSION="$K3S_VERSION" INSTALL_K3S_EXEC="server" sh "$WORKDIR/install.sh"
  fi
  systemctl is-active --quiet k3s || systemctl start k3s
}

wait_for_node() {
  local node attempt
  node="$(printf '%s' "$NODE_NAME" | tr '[:upper:]' '[:lower:]')" # Kubernetes lowercases node names
  log "waiting for node $node to be Ready"
  for attempt in $(seq 1 60); do
    kubectl get node "$node" >/dev/null 2>&1 && break
    sleep 5
  done
  kubectl wait --for=condition=Ready "node/$node" --timeout=300s
}

# K3s installs Traefik through a HelmChart a little after the node is Ready: the Ingress is
# applied once the controller runs and its IngressClass exists.
wait_for_traefik() {
  local attempt
  log "waiting for the Traefik ingress controller"
  for attempt in $(seq 1 60); do
    if kubectl -n kube-system get deployment traefik >/dev/null 2>&1 && kubectl get ingressclass traefik >/dev/null 2>&1; then
      break
    fi
    sleep 5
  done
  kubectl -n kube-system rollout status deployment/traefik --timeout=300s
}

apply_apps() {
  local app files=()
  for app in $APPS ingress; do
    [[ -s "$MANIFESTS_DIR/$app.yaml" ]] || die "$MANIFESTS_DIR/$app.yaml was not uploaded; run 'vagrant provision'"
    files+=(-f "$MANIFESTS_DIR/$app.yaml")
  done
  log "applying the manifests of manifests/p2 (unchanged objects stay untouched)"
  kubectl apply "${files[@]}"
  for app in $APPS; do
    kubectl rollout status "deployment/$app" --timeout=300s
  done
  rm -rf "$MANIFESTS_DIR"
}

# Each route must reach its own app: whoami answers "Name: <app>" first. app3 has the rule
# without a host, so an unknown host and the bare IP both reach it.
smoke_test() {
  local route host app response
  for route in app1.com=app1 app2.com=app2 other.example=app3 "$NODE_IP=app3"; do
    host="${route%=*}" app="${route#*=}"
    response="$(curl -fsS --retry 10 --retry-all-errors --retry-delay 3 -H "Host: $host" "http://$NODE_IP/")" ||
      die "GET http://$NODE_IP/ with Host: $host failed: see 'kubectl describe ingress apps' and 'kubectl -n kube-system logs deployment/traefik'"
    grep -qx "Name: $app" <<<"${response//$'\r'/}" ||
      die "GET http://$NODE_IP/ with Host: $host was not answered by $app: $(head -n 1 <<<"$response")"
    log "GET http://$NODE_IP/ with Host: $host answers: $(sed -n '1,2p' <<<"$response" | tr '\n' ' ')"
  done
}

main() {
  log "provisioning the K3s server $K3S_VERSION on $NODE_IP with three apps"
  ensure_packages curl ca-certificates
  keep_hostname
  install_k3s
  wait_for_node
  wait_for_traefik
  apply_apps
  smoke_test
  if [[ "$(getent passwd vagrant | cut -d: -f7)" != /bin/bash ]]; then
    log "giving the vagrant user a bash login shell"
    usermod --shell /bin/bash vagrant
  fi
  log "done"
  kubectl get all,ingress -o wide
}

main "$@"
