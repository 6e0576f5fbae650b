#!/usr/bin/env bash
# The bonus, on the host, as your own user, once Part 3 runs (manifests/p3/scripts/setup.sh:
# the k3d cluster "iot" and Argo CD). One command:
#   1. installs Helm (pinned, checked against its published SHA-256) for this script's use;
#   2. installs GitLab CE into namespace gitlab from its official Helm chart, pinned and checked
#      against GitLab's chart signing key (confs/gitlab-values.yaml: a small footprint);
#   3. makes a personal access token for root through GitLab's toolbox (gitlab-rails runner)
#      and keeps it in the Secret gitlab-iot-push-token (namespace gitlab);
#   4. creates the public project root/iot-playground and pushes Part 3's app manifests
#      (manifests/p3/app, v1) to it as app/;
#   5. points Argo CD's Application "playground" at that project (confs/application.yaml) and
#      waits until the app, synced from GitLab, answers on http://localhost:8888/.
# Idempotent: a second run finds each step done and changes nothing. Nothing secret is printed:
# scripts/password.sh prints the root password when you ask for it.
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

HELM_VERSION="v4.2.4" # the GitLab chart needs Helm 4 (its docs: "Install Helm v4.0 or later")
GITLAB_CHART_REPO="https://charts.gitlab.io"
GITLAB_CHART_VERSION="9.9.1" # GitLab 18.9.1
# GitLab's chart signing key (docs.gitlab.com/charts/installation/chart-provenance).
GITLAB_CHART_KEY_FINGERPRINT="5E46F79EF5836E986A663B4AE30F9C687683D663"
GITLAB_CHART_KEY_URL="https://keys.openpgp.org/vks/v1/by-fingerprint/${GITLAB_CHART_KEY_FINGERPRINT}"
TOKEN_NAME="iot-bonus-push"
TOKEN_DAYS=30
HELM_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/iot-bonus"

debian_like() {
  [[ -r /etc/os-release ]] && grep -Eqi '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release
}

host_arch() {
  case "$(uname -m)" in
    x86_64 | amd64) echo amd64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) die "unsupported architecture $(uname -m): Helm is installed for amd64 or arm64" ;;
  esac
}

# The host tools this script uses besides Part 3's: git (the push), gpg (the chart's signature).
install_host_tools() {
  local missing=() tool
  for tool in git gpg curl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  ((${#missing[@]})) || return 0
  debian_like || die "${missing[*]} missing: install them, then run this again"
  log "installing ${missing[*]}"
  local sudo=(sudo)
  [[ $EUID -ne 0 ]] || sudo=() # root needs no sudo (a container, a fresh VM)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Helm $HELM_VERSION: the one on PATH when it is that version, else a copy in $HELM_CACHE
# (downloaded once, checked against the SHA-256 published beside it), put first on PATH.
install_helm() {
  local system dir="$HELM_CACHE/helm-$HELM_VERSION" arch archive expected
  system="$(type -P helm || true)"
  if [[ -n "$system" && "$("$system" version --template '{{.Version}}' 2>/dev/null)" == "$HELM_VERSION" ]]; then
    log "Helm $HELM_VERSION already installed: $system"
    return
  fi
  if [[ ! -x "$dir/helm" ]]; then
    arch="$(host_arch)"
    archive="helm-${HELM_VERSION}-linux-${arch}.tar.gz"
    log "downloading Helm $HELM_VERSION ($arch) and its published checksum"
    curl -fsSL --retry 5 -o "$WORKDIR/$archive" "https://get.helm.sh/$archive"
    curl -fsSL --retry 5 -o "$WORKDIR/$archive.sha256" "https://get.helm.sh/$archive.sha256"
    expected="$(awk '{ print $1; exit }' "$WORKDIR/$archive.sha256")"
    [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || die "no published checksum found for $archive"
    printf '%s  %s\n' "$expected" "$WORKDIR/$archive" | sha256sum --check --strict --quiet - ||
      die "$archive does not match its published checksum: not installing it"
    log "checksum verified: $archive"
    tar -xzf "$WORKDIR/$archive" -C "$WORKDIR" "linux-${arch}/helm"
    mkdir -p "$dir"
    install -m 0755 "$WORKDIR/linux-${arch}/helm" "$dir/helm"
  fi
  export PATH="$dir:$PATH"
  log "using Helm $HELM_VERSION from $dir"
}

# Applies a file only when it differs from what the cluster has (kubectl diff: 0 same, 1 different).
apply_if_changed() {
  local file="$1" status=0
  kube diff -f "$file" >/dev/null 2>"$WORKDIR/diff.err" || status=$?
  case "$status" in
    0) log "unchanged: ${file#"$PART_DIR/"}" ;;
    1) kube apply -f "$file" ;;
    *) die "kubectl diff -f $file failed: $(cat "$WORKDIR/diff.err")" ;;
  esac
}

# What the release must be: the chart version and the values file's digest, recorded as the Helm
# release's description, so that a second run with nothing changed installs nothing.
release_marker() {
  local digest
  digest="$(sha256sum "$PART_DIR/confs/gitlab-values.yaml" | awk '{ print $1 }')"
  printf 'iot-bonus: chart gitlab-%s, values sha256 %s' "$GITLAB_CHART_VERSION" "${digest:0:16}"
}

release_up_to_date() {
  local history
  history="$(helm history "$GITLAB_RELEASE" --kube-context "$KUBE_CONTEXT" --namespace "$GITLAB_NAMESPACE" --max 1 -o json 2>/dev/null)" ||
    return 1
  [[ "$history" == *'"status":"deployed"'* && "$history" == *"\"description\":\"$1\""* ]]
}

# The chart archive, downloaded with its provenance file and verified against GitLab's signing key
# (the key is fetched by its fingerprint, and must be that key and no other).
fetch_gitlab_chart() {
  local key="$WORKDIR/gitlab-charts-key.asc" keyring="$WORKDIR/gitlab-charts.gpg" listing
  log "downloading GitLab's chart signing key ${GITLAB_CHART_KEY_FINGERPRINT}"
  curl -fsSL --retry 5 -o "$key" "$GITLAB_CHART_KEY_URL"
  mkdir -m 0700 "$WORKDIR/gnupg"
  listing="$(gpg --homedir "$WORKDIR/gnupg" --batch --with-colons --show-keys "$key")" ||
    die "$GITLAB_CHART_KEY_URL did not return an OpenPGP key"
  [[ "$(grep -c '^pub:' <<<"$listing")" == 1 && "$(awk -F: '$1 == "fpr" { print $10; exit }' <<<"$listing")" == "$GITLAB_CHART_KEY_FINGERPRINT" ]] ||
    die "the key from $GITLAB_CHART_KEY_URL is not GitLab's chart signing key $GITLAB_CHART_KEY_FINGERPRINT alone: not using it"
  gpg --homedir "$WORKDIR/gnupg" --batch --yes --dearmor -o "$keyring" "$key"
  log "downloading the GitLab chart $GITLAB_CHART_VERSION and verifying its signature"
  helm pull gitlab --repo "$GITLAB_CHART_REPO" --version "$GITLAB_CHART_VERSION" \
    --destination "$WORKDIR" --verify --keyring "$keyring"
}

install_gitlab() {
  local marker
  apply_if_changed "$PART_DIR/confs/gitlab-namespace.yaml"
  marker="$(release_marker)"
  if release_up_to_date "$marker"; then
    log "GitLab chart $GITLAB_CHART_VERSION already installed with confs/gitlab-values.yaml (release $GITLAB_RELEASE)"
  else
    fetch_gitlab_chart
    log "installing GitLab (chart $GITLAB_CHART_VERSION) into namespace $GITLAB_NAMESPACE: the first time takes about 10 minutes"
    helm upgrade --install "$GITLAB_RELEASE" "$WORKDIR/gitlab-$GITLAB_CHART_VERSION.tgz" \
      --kube-context "$KUBE_CONTEXT" --namespace "$GITLAB_NAMESPACE" \
      --values "$PART_DIR/confs/gitlab-values.yaml" --description "$marker" --timeout 20m
  fi
  log "waiting for GitLab's components to be available (webservice, sidekiq, toolbox …)"
  kube -n "$GITLAB_NAMESPACE" wait --for=condition=Available deployment --all --timeout=1800s
  kube -n "$GITLAB_NAMESPACE" wait --for=condition=Ready pod -l "app=toolbox,release=$GITLAB_RELEASE" --timeout=600s
}

# A personal access token of root, scopes api and write_repository, made through the toolbox's
# gitlab-rails runner (GitLab's documented way to create one programmatically). The token is
# generated here, sent inside the Ruby program on the runner's stdin, and stored in a Secret.
mint_push_token() {
  local random token program output
  random="$(head -c 96 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  token="${random:0:20}" # GitLab's docs: the token must be 20 characters long
  [[ ${#token} -eq 20 ]] || die "could not generate a token from /dev/urandom"
  program="$(
    cat <<RUBY
user = User.find_by_username!('root')
user.personal_access_tokens.active.where(name: '${TOKEN_NAME}').each(&:revoke!)
token = user.personal_access_tokens.create!(name: '${TOKEN_NAME}', scopes: %w[api write_repository], expires_at: ${TOKEN_DAYS}.days.from_now)
token.set_token('${token}')
token.save!
puts 'personal access token ${TOKEN_NAME} created'
RUBY
  )"
  log "making a push token for root through the toolbox (gitlab-rails runner, about a minute)"
  # shellcheck disable=SC2016 # $stdin is Ruby's, for the runner
  if ! output="$(printf '%s\n' "$program" |
    kube -n "$GITLAB_NAMESPACE" exec -i "$GITLAB_TOOLBOX" -c toolbox -- gitlab-rails runner -e production 'eval($stdin.read)' 2>&1)"; then
    die "gitlab-rails runner failed: ${output//"$token"/<token>}"
  fi
  kube -n "$GITLAB_NAMESPACE" delete secret "$TOKEN_SECRET" --ignore-not-found >/dev/null
  printf '%s' "$token" | kube -n "$GITLAB_NAMESPACE" create secret generic "$TOKEN_SECRET" --from-file=token=/dev/stdin >/dev/null
  GITLAB_TOKEN="$token"
  log "push token stored in Secret $TOKEN_SECRET (namespace $GITLAB_NAMESPACE); it expires in $TOKEN_DAYS days, a new run makes a new one"
}

ensure_push_token() {
  read_push_token
  if push_token_works; then
    log "push token in Secret $TOKEN_SECRET still valid"
    return
  fi
  [[ -z "$GITLAB_TOKEN" ]] || log "the push token in Secret $TOKEN_SECRET is no longer accepted: making a new one"
  mint_push_token
  push_token_works || die "GitLab does not accept the push token just made"
}

# The public project root/iot-playground (public: Argo CD reads it without credentials).
ensure_project() {
  local status
  status="$(gitlab_api GET "/projects/$PROJECT_ID")"
  case "$status" in
    200) log "project $PROJECT_PATH already exists" ;;
    404)
      log "creating the public project $PROJECT_PATH"
      status="$(gitlab_api POST /projects --data-urlencode "name=${PROJECT_PATH#*/}" --data-urlencode "path=${PROJECT_PATH#*/}" \
        --data-urlencode "visibility=public" --data-urlencode "initialize_with_readme=false")"
      [[ "$status" == 201 ]] || die "GitLab did not create $PROJECT_PATH (HTTP $status): $(head -c 300 "$API_BODY")"
      ;;
    *) die "GitLab answered HTTP $status for $PROJECT_PATH: $(head -c 300 "$API_BODY")" ;;
  esac
  if ! grep -q '"visibility":"public"' "$API_BODY"; then
    log "making $PROJECT_PATH public, so that Argo CD can read it"
    status="$(gitlab_api PUT "/projects/$PROJECT_ID" --data-urlencode "visibility=public")"
    [[ "$status" == 200 ]] || die "GitLab did not make $PROJECT_PATH public (HTTP $status): $(head -c 300 "$API_BODY")"
  fi
}

# Part 3's app manifests (v1) as the first commit, when the project is still empty. A project with
# commits is left alone: its history (v1 -> v2 …) belongs to you.
push_app_if_empty() {
  local clone="$WORKDIR/iot-playground"
  gitlab_api GET "/projects/$PROJECT_ID" >/dev/null
  if ! grep -q '"empty_repo":true' "$API_BODY"; then
    log "project $PROJECT_PATH already holds commits: nothing to push"
    return
  fi
  log "pushing Part 3's app manifests (manifests/p3/app, v1) to $PROJECT_PATH as app/"
  mkdir -p "$clone/app"
  cp "$P3_DIR"/app/*.yaml "$clone/app/"
  git -C "$clone" init -q -b "$PROJECT_BRANCH"
  git -C "$clone" add app
  git -C "$clone" -c user.name="IoT bonus setup" -c user.email="iot-bonus@localhost" commit -q -m "playground v1, from manifests/p3/app"
  git_with_token -C "$clone" push -q "$GITLAB_URL/$PROJECT_PATH.git" "$PROJECT_BRANCH:$PROJECT_BRANCH"
}

main() {
  [[ "$(uname -s)" == Linux ]] || die "this script is for Linux hosts, where Part 3 runs"
  start_workdir
  require_part3
  install_host_tools
  install_helm
  install_gitlab
  open_gitlab_tunnel
  ensure_push_token
  ensure_project
  push_app_if_empty
  log "Argo CD's Application $APPLICATION reads $PROJECT_PATH from the local GitLab (confs/application.yaml)"
  apply_if_changed "$PART_DIR/confs/application.yaml"
  local head
  head="$(gitlab_head)"
  [[ -n "$head" ]] || die "GitLab gave no head commit for $PROJECT_PATH"
  wait_for_app "$head"
  log "curl $APP_URL answers: $APP_ANSWER"
  log "done"
  cat <<EOF

  App:        curl $APP_URL            (Argo CD syncs it from $PROJECT_PATH in the local GitLab)
  GitLab UI:  kubectl -n $GITLAB_NAMESPACE port-forward svc/$GITLAB_WEB_SERVICE 8181:8181, then http://localhost:8181 (user root)
  Password:   $SCRIPTS_DIR/password.sh
  v1 -> v2:   $SCRIPTS_DIR/bump-version.sh v2
  Teardown:   $SCRIPTS_DIR/teardown.sh
EOF
}

main "$@"
