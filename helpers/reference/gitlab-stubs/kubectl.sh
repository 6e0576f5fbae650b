# kubectl of a k3d cluster running Part 3 (namespace argocd, Argo CD's CRDs) and, once installed, GitLab.
# State under $STUB_STATE: ns-<name>, applied/<file>, secret-<name> (raw values), app-repo,
# valid-tokens (tokens GitLab accepts), runner-<n>.rb (programs given to gitlab-rails runner),
# gitlab-head and repo/ (the project, written by the git stub).
PATH=/usr/local/bin:/usr/bin:/bin
S="$STUB_STATE"
rest=()
while (($#)); do
  case "$1" in
    --context) shift 2 ;;
    -n | --namespace) shift 2 ;;
    *)
      rest+=("$1")
      shift
      ;;
  esac
done
set -- "${rest[@]}"
jsonpath() { for a in "$@"; do [[ "$a" == jsonpath=* ]] && printf '%s' "${a#jsonpath=}"; done; }

case "$1" in
  get)
    case "$2" in
      namespace) [[ -f "$S/ns-$3" ]] || { echo "Error from server (NotFound): namespaces \"$3\" not found" >&2; exit 1; } ;;
      crd) [[ -f "$S/ns-argocd" ]] || exit 1 ;;
      secret)
        [[ -f "$S/secret-$3" ]] || { echo "Error from server (NotFound): secrets \"$3\" not found" >&2; exit 1; }
        base64 -w0 <"$S/secret-$3"
        ;;
      application)
        [[ -f "$S/app-repo" ]] || { echo "Error from server (NotFound): applications \"$3\" not found" >&2; exit 1; }
        case "$(jsonpath "$@")" in
          *repoURL*) cat "$S/app-repo" ;;
          *sync.status*) [[ -f "$S/gitlab-head" ]] && printf 'Synced/Healthy/%s' "$(cat "$S/gitlab-head")" ;;
        esac
        ;;
    esac
    ;;
  diff)
    name="$(basename "$3")"
    [[ -f "$S/applied/$name" ]] && cmp -s "$3" "$S/applied/$name" && exit 0
    echo "+++ $name (new or changed)"
    exit 1
    ;;
  apply)
    name="$(basename "$3")"
    mkdir -p "$S/applied"
    cp "$3" "$S/applied/$name"
    [[ "$name" != gitlab-namespace.yaml ]] || touch "$S/ns-gitlab"
    [[ "$name" != application.yaml ]] || sed -n 's/^ *repoURL: *//p' "$3" >"$S/app-repo"
    echo "$name configured"
    ;;
  wait | annotate | patch) ;;
  port-forward)
    echo $$ >"$S/port-forward.pid"
    echo "Forwarding from 127.0.0.1:43210 -> 8181"
    exec sleep 30
    ;;
  exec)
    program="$(cat)"
    n="$(find "$S" -maxdepth 1 -name 'runner-*.rb' | wc -l)"
    printf '%s\n' "$program" >"$S/runner-$((n + 1)).rb"
    if [[ -f "$S/runner-fails" ]]; then
      echo "(eval):4: ActiveRecord::RecordInvalid in program: $program" >&2
      exit 1
    fi
    [[ "$program" != *"each(&:revoke!)"* ]] || : >"$S/valid-tokens"
    sed -n "s/^token.set_token('\([^']*\)')$/\1/p" <<<"$program" >>"$S/valid-tokens"
    echo "personal access token iot-bonus-push created"
    ;;
  create)
    # create secret generic NAME --from-file=token=/dev/stdin
    cat >"$S/secret-$4"
    echo "secret/$4 created"
    ;;
  delete)
    case "$2" in
      secret) rm -f "$S/secret-$3" ;;
      application) rm -f "$S/app-repo" "$S/applied/application.yaml" ;;
      namespace) rm -rf "$S/ns-$3" "$S/secret-"* "$S/helm-release" "$S/applied/gitlab-namespace.yaml" ;;
    esac
    ;;
  *)
    echo "kubectl stub: unexpected call: $*" >&2
    exit 2
    ;;
esac
