#!/usr/bin/env bash
# The bonus's v1 -> v2 change, as an evaluator makes it: a commit to the local GitLab.
#   bump-version.sh v2     (or v1 to go back)
# It clones root/iot-playground from the local GitLab, changes the image tag of
# wil42/playground in app/deployment.yaml, commits and pushes with the push token (Secret
# gitlab-iot-push-token), then waits until Argo CD has synced that commit and the app on
# http://localhost:8888/ answers the new version. Touch nothing in the cluster: the commit is
# the whole change. Idempotent: when the app is already at that version, nothing is committed.
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

IMAGE="wil42/playground"

main() {
  local version="${1:-}" clone current commit
  [[ "$version" =~ ^v[0-9]+$ ]] || die "usage: $(basename "$0") v2   (the image tag to deploy: v1 or v2)"
  start_workdir
  require_part3
  read_push_token
  [[ -n "$GITLAB_TOKEN" ]] || die "no push token in Secret $TOKEN_SECRET (namespace $GITLAB_NAMESPACE): the bonus is not set up"
  open_gitlab_tunnel
  push_token_works || die "GitLab no longer accepts the push token (expired or revoked): run the bonus setup again, it makes a new one"

  clone="$WORKDIR/iot-playground"
  git_with_token clone -q --branch "$PROJECT_BRANCH" "$GITLAB_URL/$PROJECT_PATH.git" "$clone"
  [[ -f "$clone/$APP_FILE" ]] || die "$PROJECT_PATH has no $APP_FILE"
  current="$(sed -n "s#.*image:[[:space:]]*[\"']\{0,1\}$IMAGE:\(v[0-9][0-9]*\).*#\1#p" "$clone/$APP_FILE" | head -n 1)"
  [[ -n "$current" ]] || die "$APP_FILE in $PROJECT_PATH has no image $IMAGE:v<N>"

  if [[ "$current" == "$version" ]]; then
    log "$APP_FILE already deploys $IMAGE:$version: nothing to commit"
    commit="$(git -C "$clone" rev-parse HEAD)"
  else
    log "changing $IMAGE:$current to $IMAGE:$version in $APP_FILE"
    sed -i "s#$IMAGE:$current#$IMAGE:$version#" "$clone/$APP_FILE"
    git -C "$clone" -c user.name="IoT bonus" -c user.email="iot-bonus@localhost" commit -q -am "playground $version"
    git_with_token -C "$clone" push -q origin "$PROJECT_BRANCH"
    commit="$(git -C "$clone" rev-parse HEAD)"
    log "pushed ${commit:0:8} to $PROJECT_PATH"
  fi
  wait_for_app "$commit" "$version"
  log "Argo CD synced ${commit:0:8}; curl $APP_URL answers: $APP_ANSWER"
}

main "$@"
