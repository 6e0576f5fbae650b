#!/usr/bin/env bash
# Prints the password of GitLab's root user, on request (no other script prints it). The GitLab
# chart generated it at install time into the Secret gitlab-gitlab-initial-root-password.
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

encoded="$(kube -n "$GITLAB_NAMESPACE" get secret "$ROOT_PASSWORD_SECRET" -o jsonpath='{.data.password}' 2>/dev/null || true)"
[[ -n "$encoded" ]] || die "no Secret $ROOT_PASSWORD_SECRET in namespace $GITLAB_NAMESPACE (context $KUBE_CONTEXT): is GitLab installed?"
printf '%s' "$encoded" | base64 -d
echo
