# curl: GitLab's REST API behind the port-forward (127.0.0.1:43210), the app on localhost:8888,
# GitLab's key server and get.helm.sh (files in $STUB_STATE/downloads/). Every API call is logged to
# $STUB_STATE/api.log with where its token came from.
PATH=/usr/local/bin:/usr/bin:/bin
S="$STUB_STATE"
method=GET out=/dev/stdout format="" config="" url="" data=() header=""
while (($#)); do
  case "$1" in
    -X) method="$2"; shift 2 ;;
    -o) out="$2"; shift 2 ;;
    -w) format="$2"; shift 2 ;;
    -K) [[ "$2" == - ]] && config="$(cat)"; shift 2 ;;
    -H | --header) header="$2"; shift 2 ;;
    --data-urlencode | -d | --data) data+=("$2"); shift 2 ;;
    --retry | --retry-delay | --max-time) shift 2 ;;
    -*) shift ;;
    *) url="$1"; shift ;;
  esac
done
respond() { # status body
  printf '%s' "$2" >"$out"
  [[ -z "$format" ]] || printf '%s' "$1"
}

case "$url" in
  https://keys.openpgp.org/*) printf -- '-----BEGIN PGP PUBLIC KEY BLOCK-----\nstub\n-----END PGP PUBLIC KEY BLOCK-----\n' >"$out" ;;
  https://get.helm.sh/*)
    file="$S/downloads/$(basename "$url")"
    [[ -f "$file" ]] || { echo "curl: (22) The requested URL returned error: 404" >&2; exit 22; }
    cat "$file" >"$out"
    ;;
  http://localhost:8888/)
    [[ -f "$S/app-repo" && -f "$S/repo/app/deployment.yaml" ]] || { echo "curl: (7) Failed to connect to localhost port 8888" >&2; exit 7; }
    printf '{"status":"ok", "message": "%s"}' "$(sed -n 's/.*wil42\/playground:\(v[0-9]*\).*/\1/p' "$S/repo/app/deployment.yaml")"
    ;;
  http://127.0.0.1:43210/api/v4/*)
    path="${url#http://127.0.0.1:43210/api/v4}"
    token="$(sed -n 's/^header = "PRIVATE-TOKEN: \(.*\)"$/\1/p' <<<"$config")" from=stdin-config
    [[ -n "$token" ]] || { token="$(sed -n 's/^PRIVATE-TOKEN: //p' <<<"$header")" from=command-line; }
    [[ -n "$token" ]] || from=none
    echo "$method $path token-from=$from ${data[*]}" >>"$S/api.log"
    if [[ -z "$token" ]] || ! grep -qxF -- "$token" "$S/valid-tokens" 2>/dev/null; then
      respond 401 '{"message":"401 Unauthorized"}'
      exit 0
    fi
    empty=true
    [[ ! -f "$S/gitlab-head" ]] || empty=false
    project() { printf '{"id":1,"path_with_namespace":"root/iot-playground","visibility":"%s","empty_repo":%s}' "$(cat "$S/project")" "$empty"; }
    case "$method $path" in
      "GET /personal_access_tokens/self") respond 200 '{"id":1,"name":"iot-bonus-push","revoked":false,"active":true}' ;;
      "GET /projects/root%2Fiot-playground")
        if [[ -f "$S/project" ]]; then respond 200 "$(project)"; else respond 404 '{"message":"404 Project Not Found"}'; fi
        ;;
      "POST /projects")
        echo public >"$S/project"
        respond 201 "$(project)"
        ;;
      "PUT /projects/root%2Fiot-playground")
        echo public >"$S/project"
        respond 200 "$(project)"
        ;;
      "GET /projects/root%2Fiot-playground/repository/branches/main")
        if [[ -f "$S/gitlab-head" ]]; then
          respond 200 "{\"name\":\"main\",\"commit\":{\"id\":\"$(cat "$S/gitlab-head")\",\"short_id\":\"x\"}}"
        else respond 404 '{"message":"404 Branch Not Found"}'; fi
        ;;
      *) respond 404 '{"message":"404 Not Found"}' ;;
    esac
    ;;
  *)
    echo "curl stub: unexpected URL $url" >&2
    exit 6
    ;;
esac
