# git: the real git for local work; push and clone reach the project in the local GitLab, kept in
# $STUB_STATE/repo (its files) and $STUB_STATE/gitlab-head (its head commit). They are accepted only
# with a token GitLab knows, given as an Authorization header through git's environment.
PATH=/usr/local/bin:/usr/bin:/bin
S="$STUB_STATE"
real=/usr/bin/git
argv=("$@")
dir=. i=0 sub=""
while ((i < ${#argv[@]})); do
  case "${argv[i]}" in
    -C) dir="${argv[i + 1]}"; i=$((i + 2)) ;;
    -c) i=$((i + 2)) ;;
    *) sub="${argv[i]}"; break ;;
  esac
done
authorized() {
  local header="${GIT_CONFIG_VALUE_0:-}" token
  [[ "${GIT_CONFIG_KEY_0:-}" == http.extraHeader && "$header" == "Authorization: Basic "* ]] || return 1
  token="$(printf '%s' "${header#Authorization: Basic }" | base64 -d)"
  [[ "$token" == root:* ]] && grep -qxF -- "${token#root:}" "$S/valid-tokens"
}
case "$sub" in
  push)
    authorized || { echo "remote: HTTP Basic: Access denied" >&2; exit 128; }
    echo "push ${argv[*]: -2}" >>"$S/git.log"
    rm -rf "$S/repo"
    mkdir -p "$S/repo"
    cp -r "$dir/app" "$S/repo/"
    "$real" -C "$dir" rev-parse HEAD >"$S/gitlab-head"
    ;;
  clone)
    authorized || { echo "remote: HTTP Basic: Access denied" >&2; exit 128; }
    dest="${argv[-1]}"
    echo "clone" >>"$S/git.log"
    "$real" init -q -b main "$dest"
    cp -r "$S/repo/app" "$dest/"
    "$real" -C "$dest" add app
    "$real" -C "$dest" -c user.name=GitLab -c user.email=gitlab@localhost commit -q -m "the project's history"
    "$real" -C "$dest" remote add origin "${argv[-2]}"
    "$real" -C "$dest" rev-parse HEAD >"$S/gitlab-head"
    ;;
  *) exec "$real" "$@" ;;
esac
