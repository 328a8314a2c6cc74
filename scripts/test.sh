#!/usr/bin/env bash
# `npm test`: the whole suite, self-contained (see tests/README.md).
#
#   1. installs PostgreSQL server binaries and Chromium from Debian's packages if missing
#      (as root; otherwise fails and prints the exact command to run)
#   2. starts a throwaway PostgreSQL cluster (scripts/lib/pg-cluster.sh)
#   3. stages: vitest on PGlite, vitest on PostgreSQL, Playwright end-to-end
#   4. always stops the cluster and removes its temp dir
#   5. prints one line per stage and finally `N passed, N failed` (counting stages)
#
# Extra arguments (`npm test -- <args>`) go to both vitest runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/pg-cluster.sh source-path=SCRIPTDIR disable=SC1091
. "$ROOT/scripts/lib/pg-cluster.sh"

CHROMIUM=/usr/bin/chromium
STAGES=("vitest on PGlite" "vitest on PostgreSQL" "playwright e2e")
RESULTS=()
PASSED=0
FAILED=0

header() {
  printf '\n==================== %s ====================\n' "$*"
}

die() {
  printf '\nnpm test: %s\n' "$*" >&2
  exit 1
}

summary() {
  local i
  header "summary"
  for i in "${!STAGES[@]}"; do
    printf '%-24s %s\n' "${STAGES[$i]}" "${RESULTS[$i]:-not run}"
    case "${RESULTS[$i]:-}" in passed* | FAILED*) ;; *) FAILED=$((FAILED + 1)) ;; esac
  done
  printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
}

SUMMARY_DONE=0
STAGE_PID=""
CURRENT_STAGE=0
on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$STAGE_PID" ]; then
    RESULTS[CURRENT_STAGE]="interrupted"
    # The stage is its own process group (setsid): stop all of it, forcibly after 10 s.
    kill -TERM -- "-$STAGE_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do
      kill -0 -- "-$STAGE_PID" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-$STAGE_PID" 2>/dev/null || true
    wait "$STAGE_PID" 2>/dev/null || true
  fi
  pg_cluster_stop
  if [ "$SUMMARY_DONE" = 0 ]; then
    # Setup failed or we were interrupted: stages that did not run count as failed.
    summary
    [ "$rc" -ne 0 ] || rc=1
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'echo "npm test: interrupted" >&2; exit 130' INT
trap 'echo "npm test: terminated" >&2; exit 143' TERM

# --- 1. prerequisites ------------------------------------------------------------------
header "prerequisites"
if [ ! -x node_modules/.bin/vitest ] || [ ! -x node_modules/.bin/playwright ]; then
  die "node_modules is missing vitest/playwright: run 'npm ci' first"
fi

missing=()
pg_bin="$(pg_cluster_find_bin || true)"
[ -n "$pg_bin" ] || missing+=(postgresql)
# As root, the cluster is owned by the `postgres` user that the postgresql package creates.
if [ -n "$pg_bin" ] && [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  missing+=(postgresql)
fi
[ -x "$CHROMIUM" ] || missing+=(chromium)
# The PDF report embeds DejaVu; its tests read the PDF back with pdftotext.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)

if [ "${#missing[@]}" -gt 0 ]; then
  install_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
      die "missing ${missing[*]}, and not running as root, so they cannot be installed here.
Run this as root (e.g. through sudo), then npm test again:

    $install_cmd
"
    fi
    die "missing ${missing[*]}, and there is no apt-get on this machine to install them.
Install the PostgreSQL server binaries (initdb, pg_ctl) and Chromium at $CHROMIUM by hand;
on Debian or Ubuntu, as root:

    $install_cmd
"
  fi
  echo "installing from Debian's packages: ${missing[*]}"
  t0=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || die "apt-get update failed; run by hand: $install_cmd"
  apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" ||
    die "apt-get install failed; run by hand: $install_cmd"
  echo "installed in $((SECONDS - t0)) s"
  pg_bin="$(pg_cluster_find_bin || true)"
  [ -n "$pg_bin" ] || die "still no PostgreSQL server binaries (initdb) in /usr/lib/postgresql/*/bin after installing"
  [ -x "$CHROMIUM" ] || die "still no $CHROMIUM after installing chromium"
fi
echo "postgresql: $pg_bin ($("$pg_bin/postgres" --version))"
echo "chromium:   $CHROMIUM ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"

# --- 2. throwaway PostgreSQL cluster ---------------------------------------------------
header "throwaway PostgreSQL cluster"
t0=$SECONDS
pg_cluster_start || die "could not start the throwaway PostgreSQL cluster (see above)"
echo "cluster up in $((SECONDS - t0)) s: $TEST_DATABASE_URL"
export TEST_DATABASE_URL

# --- 3. stages --------------------------------------------------------------------------
# Each stage runs in the background in a process group of its own (setsid) and is waited
# for, so that INT/TERM reach our trap at once (bash defers traps until a foreground child
# ends) and on_exit can stop the whole stage: npx does not pass SIGTERM on to vitest.
run_stage() {
  local index=$1 start=$SECONDS rc=0
  shift
  header "stage $((index + 1))/${#STAGES[@]}: ${STAGES[$index]}"
  CURRENT_STAGE=$index
  setsid "$@" &
  STAGE_PID=$!
  wait "$STAGE_PID" || rc=$?
  STAGE_PID=""
  if [ "$rc" -eq 0 ]; then
    RESULTS[index]="passed ($((SECONDS - start)) s)"
    PASSED=$((PASSED + 1))
  else
    RESULTS[index]="FAILED, exit $rc ($((SECONDS - start)) s)"
    FAILED=$((FAILED + 1))
    # The runner itself saw Ctrl-C / SIGTERM: stop here rather than start the next stage.
    case "$rc" in 130 | 143) exit "$rc" ;; esac
  fi
}

run_stage 0 env -u TEST_DATABASE_URL npx vitest run "$@"
run_stage 1 npx vitest run "$@"
run_stage 2 npx playwright test

summary
SUMMARY_DONE=1
[ "$FAILED" -eq 0 ]
