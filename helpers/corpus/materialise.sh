#!/usr/bin/env bash
# Exports the tree of every commit listed in repositories.txt from its git mirror into a corpus
# folder, one checkout per repository: <destination>/<owner>+<name>/.
#
#   helpers/corpus/materialise.sh [mirror-folder] [destination]
#
# mirror-folder (default /work/.mirror) holds one folder per repository, <owner>+<name>, with its
# git directory as <owner>+<name>/repo (what the fetch tool brings), <owner>+<name>/.git (a clone)
# or <owner>+<name> itself (a bare clone). Destination defaults to /work/corpus.
#
# Each tree is checked out through a temporary index, as `git clone` would check it out (symlinks,
# executable bits and the repository's own .gitattributes apply; `export-ignore` does not, unlike
# `git archive`); the mirror itself is only read. An existing checkout is replaced. The list of what
# was exported goes to <destination>/.materialised, which helpers/corpus/grade.ts reads.
#
# Exit status: 0 when every listed commit was exported, 1 when some mirror or commit is missing
# (each is named, with how to bring it), 2 on a usage error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
list="${IOT_CORPUS_LIST:-$here/repositories.txt}"
mirrors="${1:-/work/.mirror}"
destination="${2:-/work/corpus}"

if [[ $# -gt 2 || "${1:-}" == -h || "${1:-}" == --help ]]; then
  sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
fi
if [[ ! -f "$list" ]]; then
  echo "materialise: no list at $list" >&2
  exit 2
fi
if [[ ! -d "$mirrors" ]]; then
  echo "materialise: no mirror folder $mirrors; bring the repositories first (see helpers/corpus/README.md)" >&2
  exit 2
fi
mkdir -p "$destination"
destination=$(cd "$destination" && pwd)

# The git directory of a mirror, or nothing.
git_dir_of() {
  local folder="$mirrors/$1"
  local candidate
  for candidate in "$folder/repo" "$folder/.git" "$folder"; do
    if [[ -d "$candidate" ]] && git --git-dir="$candidate" rev-parse --git-dir >/dev/null 2>&1; then
      printf '%s\n' "$candidate"
      return
    fi
  done
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

exported=()
missing=()
while read -r repository commit _; do
  [[ -z "${repository:-}" || "$repository" == \#* ]] && continue
  if [[ ! "$repository" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+$ || ! "${commit:-}" =~ ^[0-9a-f]{40}$ ]]; then
    echo "materialise: $list: cannot read the line \"$repository ${commit:-}\": expected owner/name and a 40-hex commit" >&2
    exit 2
  fi
  folder="${repository/\//+}"
  git_dir=$(git_dir_of "$folder")
  if [[ -z "$git_dir" ]]; then
    missing+=("$repository $commit: no mirror at $mirrors/$folder")
    continue
  fi
  if ! git --git-dir="$git_dir" cat-file -e "$commit^{commit}" 2>/dev/null; then
    missing+=("$repository $commit: the mirror $git_dir has no such commit")
    continue
  fi

  staging="$destination/.staging-$folder"
  rm -rf "$staging"
  mkdir -p "$staging"
  index="$scratch/$folder.index"
  GIT_INDEX_FILE="$index" git --git-dir="$git_dir" read-tree "$commit"
  # A snapshot may lack a file's content (the fetch tool keeps no file of 4 MiB or more): leave
  # such files out, and say which.
  absent=()
  while IFS= read -r -d '' record; do
    read -r type object <<<"${record%%$'\t'*}"
    path="${record#*$'\t'}"
    if [[ "$type" == blob ]] && ! git --git-dir="$git_dir" cat-file -e "$object" 2>/dev/null; then
      absent+=("$path")
      GIT_INDEX_FILE="$index" git --git-dir="$git_dir" --work-tree="$staging" update-index --force-remove -- "$path"
    fi
  done < <(git --git-dir="$git_dir" ls-tree -r -z --format='%(objecttype) %(objectname)%x09%(path)' "$commit")
  GIT_INDEX_FILE="$index" git -c core.autocrlf=false --git-dir="$git_dir" --work-tree="$staging" checkout-index --all --force
  rm -rf "${destination:?}/$folder"
  mv "$staging" "$destination/$folder"
  if [[ ${#absent[@]} -gt 0 ]]; then
    exported+=("$repository $commit # ${#absent[@]} file(s) absent from the mirror: ${absent[*]}")
    echo "exported $repository $commit, without ${#absent[@]} file(s) the mirror lacks: ${absent[*]}"
  else
    exported+=("$repository $commit")
    echo "exported $repository $commit"
  fi
done <"$list"

{
  echo "# Exported by helpers/corpus/materialise.sh from $mirrors on $(date -u +%Y-%m-%dT%H:%M:%SZ): owner/name commit"
  if [[ ${#exported[@]} -gt 0 ]]; then printf '%s\n' "${exported[@]}"; fi
} >"$destination/.materialised"

echo "${#exported[@]} exported into $destination, ${#missing[@]} missing"
if [[ ${#missing[@]} -gt 0 ]]; then
  printf '  missing: %s\n' "${missing[@]}"
  cat <<EOF
Bring each missing repository into $mirrors/<owner>+<name>, then run this again: with the fetch tool
(github:<owner>/<name>), or with
  git clone https://github.com/<owner>/<name>.git $mirrors/<owner>+<name>
(the clone must contain the listed commit; it is exported whatever its checked-out branch).
EOF
  exit 1
fi
