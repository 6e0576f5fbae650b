#!/usr/bin/env bash
# Part 3, on the host (Debian or Ubuntu, amd64 or arm64), as your own user. One command:
#   1. installs Docker (the distribution's docker.io), k3d and kubectl when they are missing;
#   2. creates the K3d cluster "iot" from confs/k3d-cluster.yaml;
#   3. installs Argo CD into namespace argocd from its pinned release manifest;
#   4. applies the Application (confs/application.yaml) that makes Argo CD deploy app/ of your
#      public GitHub repository (IOT_P3_REPO_URL, from the environment or .env) into namespace
#      dev, and waits until the app answers on http://localhost:8888/.
# It calls sudo only to install packages and binaries. Idempotent: run again, it finds every
# step done and changes nothing. scripts/teardown.sh deletes the cluster.
set -euo pipefail

# Every version this part pins, except the K3s node image (confs/k3d-cluster.yaml) and the
# app's image (app/deployment.yaml).
K3D_VERSION="v5.9.0"
KUBECTL_VERSION="v1.36.5"
ARGOCD_VERSION="v3.5.1"
ARGOCD_INSTALL_URL="https://raw.githubusercontent.com/argoproj/argo-cd/${ARGOCD_VERSION}/manifests/install.yaml"
# SHA-256 of that manifest. Argo CD publishes checksums for its CLI only, so this one was
# computed from the file at the tag; change both lines together.
ARGOCD_INSTALL_SHA256="795a3a972224da6a7f9d32c3e946445f062b60fb46028476715affeb688236e3"

CLUSTER="iot" # metadata.name in confs/k3d-cluster.yaml
KUBE_CONTEXT="k3d-iot"
APPLICATION="playground"
APP_NAMESPACE="dev"
APP_URL="http://localhost:8888/"
ARGOCD_UI_URL="https://localhost:8443"
ARGOCD_UI_NODE_PORT=30443 # published on the host as 8443 by confs/k3d-cluster.yaml
DEFAULT_LOGIN="wil"

PART_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT_DIR="$(cd "$PART_DIR/../.." && pwd)"
WORKDIR=""

log() { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

# As root without sudo (a container, a fresh VM), sudo is not needed.
if [[ $EUID -eq 0 ]] && ! command -v sudo >/dev/null 2>&1; then
  sudo() { "$@"; }
fi

# KEY's value in the repository's .env ('' when absent). The file is parsed, never sourced.
dotenv_get() {
  local key="$1" line value=""
  [[ -f "$ROOT_DIR/.env" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line#export }"
    [[ "$line" == "$key="* ]] && value="${line#*=}"
  done <"$ROOT_DIR/.env"
  if [[ "$value" =~ ^\"([^\"]*)\"[[:space:]]*(#.*)?$ || "$value" =~ ^\'([^\']*)\'[[:space:]]*(#.*)?$ ]]; then
    value="${BASH_REMATCH[1]}"
  else
    value="${value%%[[:space:]]#*}"
    value="${value%"${value##*[![:space:]]}"}"
  fi
  printf '%s' "$value"
}

host_arch() {
  case "$(uname -m)" in
    x86_64 | amd64) echo amd64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) die "unsupported architecture $(uname -m): k3d and kubectl are installed for amd64 or arm64" ;;
  esac
}

debian_like() {
  [[ -r /etc/os-release ]] && grep -Eqi '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release
}

verify_sha256() {
  local expected="$1" file="$2"
  [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || die "no published checksum found for $(basename "$file")"
  printf '%s  %s\n' "$expected" "$file" | sha256sum --check --strict --quiet - ||
    die "$(basename "$file") does not match its published checksum: not installing it"
  log "checksum verified: $(basename "$file")"
}

install_host_packages() {
  local missing=() package
  for package in curl ca-certificates; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    sudo apt-get update -qq
    sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

install_docker() {
  if ! command -v docker >/dev/null 2>&1; then
    debian_like || die "Docker is missing and this host is not Debian or Ubuntu: install Docker Engine, then run this again"
    log "installing Docker (docker.io, the distribution's package)"
    sudo apt-get update -qq
    sudo apt-get install -y -qq docker.io >/dev/null
  else
    log "Docker already installed: $(docker --version)"
  fi
  if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]] && ! systemctl is-active --quiet docker; then
    log "starting the Docker daemon"
    sudo systemctl enable --now docker
  fi
}

# k3d talks to the Docker daemon as this user: it must be in the docker group. A group added
# now only applies to new logins, so the rest of this run continues under `sg docker`.
ensure_docker_access() {
  if docker info >/dev/null 2>&1; then
    return
  fi
  [[ $EUID -ne 0 ]] || die "the Docker daemon does not answer: see 'systemctl status docker'"
  local user
  user="$(id -un)"
  if ! id -nG "$user" | tr ' ' '\n' | grep -qx docker; then
    log "adding $user to the docker group (effective at your next login)"
    sudo usermod -aG docker "$user"
  fi
  if [[ -z "${IOT_P3_SG_DOCKER:-}" ]] && command -v sg >/dev/null 2>&1; then
    log "continuing this run with the docker group (sg docker)"
    export IOT_P3_SG_DOCKER=1
    rm -rf "$WORKDIR"
    exec sg docker -c "$(printf '%q ' bash "$PART_DIR/scripts/setup.sh" "$@")"
  fi
  die "Docker does not answer for $user: log out and back in (to join the docker group), then run this again"
}

install_k3d() {
  if ! command -v k3d >/dev/null 2>&1; then
    local arch
    arch="$(host_arch)"
    log "downloading k3d $K3D_VERSION ($arch) and its published checksums"
    curl -fsSL --retry 5 -o "$WORKDIR/k3d" "https://github.com/k3d-io/k3d/releases/download/${K3D_VERSION}/k3d-linux-${arch}"
    curl -fsSL --retry 5 -o "$WORKDIR/k3d-checksums.txt" "https://github.com/k3d-io/k3d/releases/download/${K3D_VERSION}/checksums.txt"
    # checksums.txt lists "<sha256>  _dist/k3d-linux-<arch>".
    verify_sha256 "$(awk -v name="k3d-linux-${arch}" '$2 == name || $2 ~ ("/" name "$") { print $1; exit }' "$WORKDIR/k3d-checksums.txt")" "$WORKDIR/k3d"
    sudo install -m 0755 "$WORKDIR/k3d" /usr/local/bin/k3d
    log "k3d installed: $(k3d version | head -n 1)"
  else
    log "k3d already installed: $(k3d version | head -n 1)"
  fi
}

install_kubectl() {
  if ! command -v kubectl >/dev/null 2>&1; then
    local arch
    arch="$(host_arch)"
    log "downloading kubectl $KUBECTL_VERSION ($arch) and its published checksum"
    curl -fsSL --retry 5 -o "$WORKDIR/kubectl" "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/${arch}/kubectl"
    curl -fsSL --retry 5 -o "$WORKDIR/kubectl.sha256" "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/${arch}/kubectl.sha256"
    verify_sha256 "$(tr -d '[:space:]' <"$WORKDIR/kubectl.sha256")" "$WORKDIR/kubectl"
    sudo install -m 0755 "$WORKDIR/kubectl" /usr/local/bin/kubectl
    log "kubectl installed: $(kubectl version --client | head -n 1)"
  else
    log "kubectl already installed: $(kubectl version --client 2>/dev/null | head -n 1)"
  fi
}

create_cluster() {
  if k3d cluster get "$CLUSTER" >/dev/null 2>&1; then
    log "k3d cluster $CLUSTER already exists"
    if ! kubectl --context "$KUBE_CONTEXT" get nodes >/dev/null 2>&1; then
      log "starting k3d cluster $CLUSTER and merging its kubeconfig"
      k3d cluster start "$CLUSTER" --wait
      k3d kubeconfig merge "$CLUSTER" --kubeconfig-merge-default --kubeconfig-switch-context >/dev/null
    fi
  else
    log "creating k3d cluster $CLUSTER from confs/k3d-cluster.yaml"
    (cd "$PART_DIR" && k3d cluster create --config confs/k3d-cluster.yaml)
  fi
  kubectl --context "$KUBE_CONTEXT" wait --for=condition=Ready nodes --all --timeout=300s
}

# The polling settings of confs/argocd-settings.yaml, as argocd-cm holds them now ("absent" when
# there is no argocd-cm yet).
argocd_polling_settings() {
  kubectl --context "$KUBE_CONTEXT" -n argocd get configmap argocd-cm \
    -o jsonpath='{.data.timeout\.reconciliation}/{.data.timeout\.reconciliation\.jitter}' 2>/dev/null || echo absent
}

install_argocd() {
  local settings_before settings_after
  log "applying the argocd namespace and Argo CD's settings (confs/)"
  kubectl --context "$KUBE_CONTEXT" apply --server-side --field-manager=iot-p3 -f "$PART_DIR/confs/argocd-namespace.yaml"
  settings_before="$(argocd_polling_settings)"
  kubectl --context "$KUBE_CONTEXT" apply --server-side --field-manager=iot-p3 -f "$PART_DIR/confs/argocd-settings.yaml"
  settings_after="$(argocd_polling_settings)"

  log "downloading Argo CD $ARGOCD_VERSION's install manifest and checking its SHA-256"
  curl -fsSL --retry 5 -o "$WORKDIR/argocd-install.yaml" "$ARGOCD_INSTALL_URL"
  verify_sha256 "$ARGOCD_INSTALL_SHA256" "$WORKDIR/argocd-install.yaml"
  # Server-side apply: the ApplicationSet CRD (about 1.4 MB) and the Application CRD (about 400 kB)
  # exceed the 262144-byte annotation that a client-side apply stores the last-applied copy in.
  log "installing Argo CD $ARGOCD_VERSION into namespace argocd (unchanged objects stay untouched)"
  kubectl --context "$KUBE_CONTEXT" apply --server-side --force-conflicts --field-manager=argocd-install -n argocd -f "$WORKDIR/argocd-install.yaml" >/dev/null

  # The controller and the repo server read the polling settings when they start: an Argo CD
  # that was running before the settings changed is restarted to take them.
  if [[ "$settings_before" != absent && "$settings_before" != "$settings_after" ]]; then
    log "Argo CD's polling settings changed ($settings_before -> $settings_after): restarting the controller and the repo server"
    kubectl --context "$KUBE_CONTEXT" -n argocd rollout restart statefulset/argocd-application-controller deployment/argocd-repo-server
  fi

  log "waiting for Argo CD's components to be ready"
  kubectl --context "$KUBE_CONTEXT" -n argocd wait --for=condition=Available deployment --all --timeout=600s
  kubectl --context "$KUBE_CONTEXT" -n argocd rollout status statefulset/argocd-application-controller --timeout=600s
  kubectl --context "$KUBE_CONTEXT" -n argocd rollout status deployment/argocd-repo-server --timeout=600s

  # The UI: argocd-server's https port becomes NodePort 30443, published as localhost:8443.
  kubectl --context "$KUBE_CONTEXT" -n argocd patch service argocd-server \
    -p "{\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":443,\"nodePort\":${ARGOCD_UI_NODE_PORT}}]}}"
}

repo_url() {
  local url="${IOT_P3_REPO_URL:-}" login
  [[ -n "$url" ]] || url="$(dotenv_get IOT_P3_REPO_URL)"
  [[ -n "$url" ]] || die "IOT_P3_REPO_URL is not set: put the HTTPS URL of your public GitHub repository in .env (see .env.example)"
  login="${IOT_LOGIN:-$(dotenv_get IOT_LOGIN)}"
  login="${login%%,*}"
  login="${login:-$DEFAULT_LOGIN}"
  if [[ "$url" =~ ^https://github\.com/[^/]+/([^/]+)$ ]]; then
    local name="${BASH_REMATCH[1]%.git}"
    [[ "${name,,}" == *"${login,,}"* ]] || warn "the repository name $name does not contain the login $login, as the subject asks"
  else
    warn "$url is not a GitHub HTTPS URL (https://github.com/<owner>/<repo>.git), as the subject asks"
  fi
  printf '%s' "$url"
}

deploy_app() {
  local url application placeholder="\${IOT_P3_REPO_URL}"
  url="$(repo_url)"
  application="$(<"$PART_DIR/confs/application.yaml")"
  application="${application//"$placeholder"/"$url"}"
  log "applying the Application $APPLICATION: $url (path app) -> namespace $APP_NAMESPACE"
  kubectl --context "$KUBE_CONTEXT" apply -f - <<<"$application"
}

wait_for_app() {
  local attempt state message response
  log "waiting for Argo CD to sync $APPLICATION (it polls the repository every 30-40 s)"
  for attempt in $(seq 1 60); do
    state="$(kubectl --context "$KUBE_CONTEXT" -n argocd get application "$APPLICATION" \
      -o jsonpath='{.status.sync.status}/{.status.health.status}' 2>/dev/null || true)"
    [[ "$state" == Synced/Healthy ]] && break
    message="$(kubectl --context "$KUBE_CONTEXT" -n argocd get application "$APPLICATION" \
      -o jsonpath='{.status.conditions[*].message}' 2>/dev/null || true)"
    log "sync/health: ${state:-unknown} ($attempt/60)${message:+ - $message}"
    sleep 10
  done
  [[ "$state" == Synced/Healthy ]] ||
    die "Argo CD did not sync $APPLICATION in 10 minutes: is the repository public, with the manifests under app/? (kubectl -n argocd describe application $APPLICATION)"
  kubectl --context "$KUBE_CONTEXT" -n "$APP_NAMESPACE" rollout status deployment/playground --timeout=300s
  response="$(curl -fsS --retry 30 --retry-all-errors --retry-delay 2 "$APP_URL")"
  log "curl $APP_URL answers: $response"
}

main() {
  [[ "$(uname -s)" == Linux ]] || die "this script installs tools for Linux hosts (Debian or Ubuntu)"
  [[ $EUID -ne 0 ]] || warn "running as root: k3d writes the kubeconfig to root's ~/.kube/config; run it as your user instead"
  WORKDIR="$(mktemp -d)"
  trap 'rm -rf "$WORKDIR"' EXIT

  if debian_like; then install_host_packages; fi
  install_docker
  ensure_docker_access "$@"
  install_k3d
  install_kubectl
  create_cluster
  install_argocd
  deploy_app
  wait_for_app

  log "done"
  kubectl --context "$KUBE_CONTEXT" get namespaces
  kubectl --context "$KUBE_CONTEXT" -n "$APP_NAMESPACE" get pods
  cat <<EOF

  App:       curl $APP_URL
  Argo CD:   $ARGOCD_UI_URL  (self-signed certificate; user admin)
  Password:  kubectl -n argocd get secret argocd-initial-admin-secret -o jsonpath='{.data.password}' | base64 -d; echo
  Teardown:  $PART_DIR/scripts/teardown.sh
EOF
}

main "$@"
