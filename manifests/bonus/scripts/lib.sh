#!/usr/bin/env bash
# Shared by the bonus scripts (sourced, never run alone): where things are, logging, and how a
# script reaches the local GitLab from the host (a kubectl port-forward to its web Service) with
# the push token, which never appears on a command line, in a file of the repository, or in the
# output.
# shellcheck disable=SC2034 # constants used by the scripts that source this file

KUBE_CONTEXT="k3d-iot" # the context of Part 3's k3d cluster "iot"
GITLAB_NAMESPACE="gitlab"
GITLAB_RELEASE="gitlab"
GITLAB_WEB_SERVICE="gitlab-webservice-default" # <release>-webservice-default, Workhorse on 8181
GITLAB_WEB_PORT=8181
GITLAB_TOOLBOX="deployment/gitlab-toolbox" # <release>-toolbox, pods labelled app=toolbox
ROOT_PASSWORD_SECRET="gitlab-gitlab-initial-root-password" # <release>-gitlab-initial-root-password
TOKEN_SECRET="gitlab-iot-push-token"                       # namespace gitlab, key "token"
PROJECT_PATH="root/iot-playground"
PROJECT_ID="root%2Fiot-playground" # the path, URL-encoded, as the API takes it
PROJECT_BRANCH="main"
APP_FILE="app/deployment.yaml"
APPLICATION="playground"
ARGOCD_NAMESPACE="argocd"
APP_URL="http://localhost:8888/"

SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PART_DIR="$(cd "$SCRIPTS_DIR/.." && pwd)"
P3_DIR="$(cd "$PART_DIR/../p3" && pwd)"

WORKDIR=""
TUNNEL_PID=""
GITLAB_URL=""   # http://127.0.0.1:<port>, once open_gitlab_tunnel has run
GITLAB_TOKEN="" # the push token, once read or made; never printed
API_BODY=""     # the body of the last gitlab_api call

log() { printf '==> %s\n' "$*"; }
die() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

kube() { kubectl --context "$KUBE_CONTEXT" "$@"; }

start_workdir() {
  WORKDIR="$(mktemp -d)"
  API_BODY="$WORKDIR/api-body"
  trap cleanup EXIT
}

cleanup() {
  if [[ -n "$TUNNEL_PID" ]]; then
    kill "$TUNNEL_PID" 2>/dev/null || true
    wait "$TUNNEL_PID" 2>/dev/null || true
  fi
  [[ -z "$WORKDIR" ]] || rm -rf "$WORKDIR"
}

# Part 3 must be up: its cluster answers and Argo CD is installed.
require_part3() {
  command -v kubectl >/dev/null 2>&1 || die_part3 "kubectl is not installed"
  kube get namespace "$ARGOCD_NAMESPACE" >/dev/null 2>&1 || die_part3 "the cluster of context $KUBE_CONTEXT does not answer, or has no namespace $ARGOCD_NAMESPACE"
  kube get crd applications.argoproj.io >/dev/null 2>&1 || die_part3 "Argo CD's Application kind is not installed"
}

die_part3() {
  printf 'ERROR: %s: the bonus runs on Part 3; run manifests/p3/scripts/setup.sh first\n' "$1" >&2
  exit 1
}

# The local GitLab on a random port of 127.0.0.1, for as long as this script runs.
open_gitlab_tunnel() {
  local forward_log="$WORKDIR/port-forward.log" port="" attempt
  # kubectl itself in the background (not the kube function, which would fork a subshell), so that
  # $! is kubectl's PID and cleanup ends the port-forward.
  kubectl --context "$KUBE_CONTEXT" -n "$GITLAB_NAMESPACE" port-forward --address 127.0.0.1 \
    "service/$GITLAB_WEB_SERVICE" ":$GITLAB_WEB_PORT" >"$forward_log" 2>&1 &
  TUNNEL_PID=$!
  for attempt in $(seq 1 150); do
    port="$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9][0-9]*\) .*/\1/p' "$forward_log" | head -n 1)"
    [[ -z "$port" ]] || break
    kill -0 "$TUNNEL_PID" 2>/dev/null || die "kubectl port-forward to service/$GITLAB_WEB_SERVICE stopped: $(cat "$forward_log")"
    sleep 0.2
  done
  [[ -n "$port" ]] || die "kubectl port-forward to service/$GITLAB_WEB_SERVICE did not start in 30 s: $(cat "$forward_log")"
  GITLAB_URL="http://127.0.0.1:$port"
}

# gitlab_api METHOD PATH [curl options]: calls GitLab's REST API with the push token, which curl
# reads from its configuration on stdin (not from its arguments). Prints the HTTP status; the body
# is in $API_BODY. Transient errors (connection refused, 502 while GitLab warms up) are retried.
gitlab_api() {
  local method="$1" path="$2"
  shift 2
  printf 'header = "PRIVATE-TOKEN: %s"\n' "$GITLAB_TOKEN" |
    curl -sS -K - --retry 10 --retry-delay 3 --retry-connrefused -X "$method" -o "$API_BODY" -w '%{http_code}' \
      "$@" "$GITLAB_URL/api/v4$path" ||
    die "GitLab's API does not answer: $method $path"
}

# The push token from its Secret ('' when there is none).
read_push_token() {
  local encoded
  encoded="$(kube -n "$GITLAB_NAMESPACE" get secret "$TOKEN_SECRET" -o jsonpath='{.data.token}' 2>/dev/null || true)"
  GITLAB_TOKEN="$(printf '%s' "$encoded" | base64 -d 2>/dev/null || true)"
}

# True when GitLab accepts the push token (it exists, is not revoked and has not expired).
push_token_works() {
  [[ -n "$GITLAB_TOKEN" ]] || return 1
  [[ "$(gitlab_api GET /personal_access_tokens/self)" == 200 ]] && grep -q '"active":true' "$API_BODY"
}

# git, authenticated with the push token: an HTTP header given through git's environment
# (GIT_CONFIG_COUNT), never on its command line.
git_with_token() {
  local basic
  basic="$(printf 'root:%s' "$GITLAB_TOKEN" | base64 | tr -d '\n')"
  GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=http.extraHeader GIT_CONFIG_VALUE_0="Authorization: Basic $basic" \
    GIT_TERMINAL_PROMPT=0 git "$@"
}

# The commit at the head of the project's branch, as GitLab sees it.
gitlab_head() {
  [[ "$(gitlab_api GET "/projects/$PROJECT_ID/repository/branches/$PROJECT_BRANCH")" == 200 ]] ||
    die "GitLab has no branch $PROJECT_BRANCH in $PROJECT_PATH: $(head -c 300 "$API_BODY")"
  sed -n 's/.*"commit":{"id":"\([0-9a-f]\{40\}\)".*/\1/p' "$API_BODY"
}

# Waits until Argo CD has synced the Application at this commit and the app answers with this
# version (v1, v2 …; any version when none is given); the answer goes to APP_ANSWER.
APP_ANSWER=""
wait_for_app() {
  local commit="$1" version="${2:-}" state="" attempt
  state="$(application_state)"
  if [[ "$state" != "Synced/Healthy/$commit" ]]; then
    log "asking Argo CD to refresh $APPLICATION (it would notice the commit within about 40 s anyway)"
    kube -n "$ARGOCD_NAMESPACE" annotate application "$APPLICATION" argocd.argoproj.io/refresh=normal --overwrite >/dev/null
  fi
  for attempt in $(seq 1 60); do
    state="$(application_state)"
    [[ "$state" == "Synced/Healthy/$commit" ]] && break
    log "Argo CD: ${state:-unknown} (want Synced/Healthy at ${commit:0:8}) ($attempt/60)"
    sleep 5
  done
  [[ "$state" == "Synced/Healthy/$commit" ]] ||
    die "Argo CD did not sync $APPLICATION at ${commit:0:8} in 5 minutes (kubectl -n $ARGOCD_NAMESPACE describe application $APPLICATION)"
  for attempt in $(seq 1 60); do
    APP_ANSWER="$(curl -fsS --max-time 5 "$APP_URL" 2>/dev/null || true)"
    [[ -z "$APP_ANSWER" || ( -n "$version" && "$APP_ANSWER" != *"\"$version\""* ) ]] || return 0
    sleep 2
  done
  die "$APP_URL does not answer${version:+ with $version} after Argo CD synced ${commit:0:8} (last answer: ${APP_ANSWER:-none})"
}

application_state() {
  kube -n "$ARGOCD_NAMESPACE" get application "$APPLICATION" \
    -o jsonpath='{.status.sync.status}/{.status.health.status}/{.status.sync.revision}' 2>/dev/null || true
}
