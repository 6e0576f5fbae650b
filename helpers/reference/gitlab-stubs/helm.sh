# Helm 4: the release "gitlab" is recorded in $STUB_STATE/helm-release (its description).
PATH=/usr/local/bin:/usr/bin:/bin
S="$STUB_STATE"
flag() {
  local name="$1"
  shift
  while (($#)); do
    [[ "$1" != "$name" ]] || { printf '%s' "$2"; return; }
    shift
  done
}
case "$1" in
  version) cat "$S/helm-version" 2>/dev/null || echo v4.2.4 ;;
  history)
    [[ -f "$S/helm-release" ]] || { echo 'Error: release: not found' >&2; exit 1; }
    printf '[{"revision":1,"updated":"2026-12-05T08:00:00Z","status":"deployed","chart":"gitlab-9.9.1","app_version":"v18.9.1","description":"%s"}]\n' "$(cat "$S/helm-release")"
    ;;
  pull)
    touch "$(flag --destination "$@")/gitlab-$(flag --version "$@").tgz"
    echo "Signed by: GitLab, Inc. Helm charts <distribution@gitlab.com>"
    ;;
  upgrade)
    printf '%s' "$(flag --description "$@")" >"$S/helm-release"
    echo 'Release "gitlab" has been upgraded. Happy Helming!'
    ;;
  *)
    echo "helm stub: unexpected call: $*" >&2
    exit 2
    ;;
esac
