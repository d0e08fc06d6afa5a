#!/usr/bin/env bash
#
# Set the image tag in one Helm values file, commit, and push to the branch
# Argo CD watches. Called by the Jenkinsfile's "Update Helm values" and
# "Push to GitLab" stages:
#
#   scripts/bump-image-tag.sh <values-file> <tag> [--no-push | --push-only]
#
#   --no-push     set the tag and commit, do not push ("Update Helm values")
#   --push-only   push the bump commit at HEAD made by --no-push ("Push to GitLab")
#   (neither)     both
#
# - Changes only the `tag:` line of the top-level `image:` block; every other
#   byte of the file stays as it was.
# - The commit is marked as the pipeline's own (subject ends with
#   "[pipeline-bump]" and a "Pipeline-Bump: true" trailer), so the build it
#   triggers stops in its first stage instead of building the same code again.
# - If the push is rejected because someone pushed meanwhile, it fetches,
#   rebases onto the new tip and tries again, at most BUMP_MAX_ATTEMPTS times.
#   When the rebase conflicts (someone else changed the same tag), it starts
#   over from the new tip and sets the tag again.
#
# Environment:
#   BUMP_BRANCH         branch to push to (default: $BRANCH_NAME, else main)
#   BUMP_REMOTE         remote name (default: origin)
#   BUMP_MAX_ATTEMPTS   push attempts (default: 5)
#   BUMP_RETRY_DELAY    seconds before the first retry, doubled each time (default: 2)
#   GIT_USERNAME, GIT_PASSWORD
#                       HTTPS credentials (e.g. from Jenkins withCredentials);
#                       given to git through GIT_ASKPASS, never on a command
#                       line or in a URL, so they do not show in logs.
#   GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL
#                       commit author (default: "Jenkins pipeline")

set -euo pipefail

readonly MARKER='[pipeline-bump]'
readonly TRAILER='Pipeline-Bump: true'

die() {
  echo "bump-image-tag: $*" >&2
  exit 1
}

log() {
  echo "bump-image-tag: $*"
}

usage() {
  die "usage: $0 <values-file> <tag> [--no-push | --push-only]"
}

[[ $# -ge 2 && $# -le 3 ]] || usage
values_file=$1
tag=$2
commit=true
push=true
if [[ $# -eq 3 ]]; then
  case $3 in
    --no-push) push=false ;;
    --push-only) commit=false ;;
    *) usage ;;
  esac
fi

branch=${BUMP_BRANCH:-${BRANCH_NAME:-main}}
remote=${BUMP_REMOTE:-origin}
max_attempts=${BUMP_MAX_ATTEMPTS:-5}
delay=${BUMP_RETRY_DELAY:-2}

[[ $tag =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] ||
  die "tag '$tag' is not a valid image tag (letters, digits, _ . -, at most 128, not starting with . or -)"
[[ $max_attempts =~ ^[1-9][0-9]*$ ]] || die "BUMP_MAX_ATTEMPTS must be a positive whole number, got '$max_attempts'"
[[ $delay =~ ^[0-9]+$ ]] || die "BUMP_RETRY_DELAY must be a whole number of seconds, got '$delay'"
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || die "not inside a git work tree"
[[ -f $values_file ]] || die "values file '$values_file' does not exist"

export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-Jenkins pipeline}
export GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-jenkins@localhost}
export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME}
export GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}

if [[ -n ${GIT_USERNAME:-} && -n ${GIT_PASSWORD:-} ]]; then
  askpass=$(mktemp)
  trap 'rm -f "$askpass"' EXIT
  # The helper prints the variables' values when git asks; the values
  # themselves are never written to disk or to the command line.
  cat >"$askpass" <<'ASKPASS'
#!/bin/sh
case "$1" in
  Username*) printf '%s\n' "$GIT_USERNAME" ;;
  *) printf '%s\n' "$GIT_PASSWORD" ;;
esac
ASKPASS
  chmod 700 "$askpass"
  export GIT_ASKPASS=$askpass
  export GIT_TERMINAL_PROMPT=0
fi

# Rewrites the value of `tag:` inside the top-level `image:` block, keeping
# indentation and any trailing comment. Exits 3 when there is no such line.
set_tag() {
  local file=$1 new_tag=$2 tmp
  tmp=$(mktemp)
  if ! awk -v tag="$new_tag" '
    BEGIN { in_image = 0; done = 0 }
    /^[^[:space:]#]/ { in_image = ($0 ~ /^image:[[:space:]]*(#.*)?$/) }
    in_image && !done && /^[[:space:]]+tag:/ {
      match($0, /^[[:space:]]+tag:[[:space:]]*/)
      prefix = substr($0, 1, RLENGTH)
      rest = substr($0, RLENGTH + 1)
      comment = ""
      if (match(rest, /[[:space:]]+#.*$/)) comment = substr(rest, RSTART)
      print prefix "\"" tag "\"" comment
      done = 1
      next
    }
    { print }
    END { if (!done) exit 3 }
  ' "$file" >"$tmp"; then
    rm -f "$tmp"
    die "no 'tag:' key under the top-level 'image:' block in $file"
  fi
  # Write in place so the file keeps its mode.
  cat "$tmp" >"$file"
  rm -f "$tmp"
}

commit_bump() {
  set_tag "$values_file" "$tag"
  if git diff --quiet -- "$values_file"; then
    return 1
  fi
  git add -- "$values_file"
  git commit --quiet --no-verify \
    -m "ci: deploy image $tag ($(basename "$values_file")) $MARKER" \
    -m "Set image.tag in $values_file to $tag." \
    -m "$TRAILER"
  return 0
}

if [[ $commit == true ]]; then
  if ! commit_bump; then
    log "$values_file already has tag $tag; nothing to commit"
    exit 0
  fi
  log "committed tag $tag in $values_file ($(git rev-parse --short HEAD))"
elif ! git log -1 --format=%B | grep -qxF "$TRAILER"; then
  # --no-push found the tag already set (a rebuild of the same commit).
  set_tag "$values_file" "$tag"
  if git diff --quiet -- "$values_file"; then
    log "$values_file already has tag $tag and HEAD is no bump commit; nothing to push"
    exit 0
  fi
  git checkout --quiet -- "$values_file"
  die "HEAD is not a bump commit for tag $tag; run with --no-push first"
fi

if [[ $push == false ]]; then
  exit 0
fi

attempt=1
while :; do
  if output=$(git push --porcelain "$remote" "HEAD:refs/heads/$branch" 2>&1); then
    log "pushed to $remote/$branch on attempt $attempt"
    exit 0
  fi
  # Only a non-fast-forward rejection is worth retrying; a protected branch,
  # a hook or bad credentials will not get better by trying again.
  if ! grep -Eq '^!.*\[rejected\]|\(fetch first\)|\(non-fast-forward\)' <<<"$output"; then
    echo "$output" >&2
    die "push to $remote/$branch failed (not a concurrent-update rejection)"
  fi
  if ((attempt >= max_attempts)); then
    die "push to $remote/$branch still rejected after $attempt attempts; giving up"
  fi
  log "push rejected: $remote/$branch moved; fetching and rebasing (attempt $attempt of $max_attempts)"
  sleep "$delay"
  delay=$((delay * 2))
  attempt=$((attempt + 1))

  git fetch --quiet "$remote" "refs/heads/$branch"
  if ! git rebase --quiet FETCH_HEAD >/dev/null 2>&1; then
    git rebase --abort >/dev/null 2>&1 || true
    log "rebase conflicted; setting the tag again on top of $remote/$branch"
    git reset --quiet --hard FETCH_HEAD
    if ! commit_bump; then
      log "$remote/$branch already has tag $tag in $values_file; nothing to push"
      exit 0
    fi
  fi
done
