#!/usr/bin/env bash
# Removes the bonus and leaves Part 3 running: deletes the namespace gitlab (GitLab, its data
# volumes, its generated passwords and the push token go with it: the chart creates nothing
# outside it with these values) and, when it still reads from the local GitLab, the
# Application "playground" (without its app: the Deployment and Service in dev stay, unmanaged).
# Then run Part 3's setup again to hand the app back to GitHub, or Part 3's teardown to delete
# the whole cluster. Idempotent: with nothing left, it says so and succeeds.
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

command -v kubectl >/dev/null 2>&1 || {
  log "kubectl is not installed: there is no bonus to remove"
  exit 0
}
if ! kube get namespace "$ARGOCD_NAMESPACE" >/dev/null 2>&1; then
  log "the cluster of context $KUBE_CONTEXT does not answer: there is no bonus to remove"
  exit 0
fi

repo_url="$(kube -n "$ARGOCD_NAMESPACE" get application "$APPLICATION" -o jsonpath='{.spec.source.repoURL}' 2>/dev/null || true)"
if [[ "$repo_url" == *"$GITLAB_WEB_SERVICE.$GITLAB_NAMESPACE"* ]]; then
  log "deleting the Application $APPLICATION, which reads $repo_url (the app in dev stays)"
  # Without Argo CD's resources finalizer, deleting an Application leaves its resources in place.
  kube -n "$ARGOCD_NAMESPACE" patch application "$APPLICATION" --type merge -p '{"metadata":{"finalizers":null}}' >/dev/null
  kube -n "$ARGOCD_NAMESPACE" delete application "$APPLICATION" --wait=true
else
  log "the Application $APPLICATION does not read from the local GitLab (${repo_url:-none}): left alone"
fi

if kube get namespace "$GITLAB_NAMESPACE" >/dev/null 2>&1; then
  log "deleting namespace $GITLAB_NAMESPACE (GitLab and its data; this takes a minute or two)"
  kube delete namespace "$GITLAB_NAMESPACE" --wait=true --timeout=600s
else
  log "no namespace $GITLAB_NAMESPACE: GitLab is not installed"
fi
log "done: Part 3's cluster and Argo CD stay (manifests/p3/scripts/teardown.sh deletes them)"
