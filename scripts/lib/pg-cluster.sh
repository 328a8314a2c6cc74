#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests (see docs/decisions/0004-test-postgres-cluster.md).
#
# Sourced by scripts/test.sh, which uses these functions:
#   pg_cluster_find_bin   prints the newest Debian PostgreSQL bin dir holding initdb (or the
#                         dir of an initdb on PATH); returns 1 when there is none
#   pg_cluster_start      initdb into a fresh temp dir, start it on 127.0.0.1:<free port>,
#                         wait for pg_isready, export TEST_DATABASE_URL
#   pg_cluster_stop       pg_ctl stop -m immediate and remove the temp dir (safe to call twice)
#
# Run directly, it starts a cluster, runs the given command with TEST_DATABASE_URL set, and
# stops the cluster again, whatever happens:
#   bash scripts/lib/pg-cluster.sh npx vitest run app/some.test.ts
#   bash scripts/lib/pg-cluster.sh bash      # a shell with a cluster; exit to stop it
#
# As root (initdb refuses to run as root) the temp dir belongs to the `postgres` system user
# that Debian's postgresql package creates, and initdb/pg_ctl run via `runuser -u postgres --`.

PG_CLUSTER_DIR=""
PG_CLUSTER_BIN=""
PG_CLUSTER_PORT=""
PG_CLUSTER_STARTED=0

pg_cluster_log() { printf '[pg-cluster] %s\n' "$*" >&2; }

pg_cluster_find_bin() {
  local dir newest=""
  # Debian keeps server binaries off PATH, one dir per major version: take the newest.
  while IFS= read -r dir; do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && newest="$dir"
  done < <(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V)
  if [ -z "$newest" ] && command -v initdb >/dev/null 2>&1; then
    newest="$(dirname "$(command -v initdb)")"
  fi
  [ -n "$newest" ] || return 1
  printf '%s\n' "$newest"
}

# Run a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
pg_cluster_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_cluster_free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})'
}

pg_cluster_stop() {
  if [ "$PG_CLUSTER_STARTED" = 1 ] && [ -n "$PG_CLUSTER_DIR" ]; then
    pg_cluster_as_owner "$PG_CLUSTER_BIN/pg_ctl" stop -D "$PG_CLUSTER_DIR/data" -m immediate -s >/dev/null 2>&1 || true
    PG_CLUSTER_STARTED=0
  fi
  if [ -n "$PG_CLUSTER_DIR" ] && [ -d "$PG_CLUSTER_DIR" ]; then
    rm -rf -- "$PG_CLUSTER_DIR"
  fi
  PG_CLUSTER_DIR=""
}

pg_cluster_start() {
  local root=0 base attempt log
  PG_CLUSTER_BIN="$(pg_cluster_find_bin)" || {
    pg_cluster_log "no PostgreSQL server binaries (initdb) found in /usr/lib/postgresql/*/bin or on PATH"
    return 1
  }
  [ "$(id -u)" -eq 0 ] && root=1
  if [ "$root" = 1 ] && ! id postgres >/dev/null 2>&1; then
    pg_cluster_log "running as root but there is no 'postgres' system user to own the cluster (it comes with Debian's postgresql package)"
    return 1
  fi

  # As root always /tmp, so the postgres user can reach it whatever TMPDIR says.
  base="${TMPDIR:-/tmp}"
  [ "$root" = 1 ] && base=/tmp
  PG_CLUSTER_DIR="$(mktemp -d "$base/codex-ledger-pg.XXXXXX")" || return 1
  [ "$root" = 1 ] && chown postgres:postgres "$PG_CLUSTER_DIR"
  chmod 700 "$PG_CLUSTER_DIR"
  log="$PG_CLUSTER_DIR/postgres.log"

  pg_cluster_log "initdb ($PG_CLUSTER_BIN) into $PG_CLUSTER_DIR/data"
  if ! pg_cluster_as_owner "$PG_CLUSTER_BIN/initdb" -D "$PG_CLUSTER_DIR/data" -U postgres \
      --auth=trust --encoding=UTF8 --locale=C --no-sync --no-instructions >"$PG_CLUSTER_DIR/initdb.log" 2>&1; then
    cat "$PG_CLUSTER_DIR/initdb.log" >&2
    pg_cluster_log "initdb failed"
    return 1
  fi

  # Trust, TCP on 127.0.0.1 only (plus the private unix socket in the temp dir).
  printf '%s\n' \
    'local all all trust' \
    'host  all all 127.0.0.1/32 trust' |
    pg_cluster_as_owner tee "$PG_CLUSTER_DIR/data/pg_hba.conf" >/dev/null

  # The port is picked free just before the start; retry if someone grabs it in between.
  for attempt in 1 2 3; do
    PG_CLUSTER_PORT="$(pg_cluster_free_port)" || return 1
    # Throwaway cluster: durability off, no WAL beyond what crash-free running needs.
    printf '%s\n' \
      "# --- scripts/lib/pg-cluster.sh (attempt $attempt) ---" \
      "listen_addresses = '127.0.0.1'" \
      "port = $PG_CLUSTER_PORT" \
      "unix_socket_directories = '$PG_CLUSTER_DIR'" \
      "max_connections = 200" \
      "shared_buffers = 128MB" \
      "fsync = off" \
      "synchronous_commit = off" \
      "full_page_writes = off" \
      "wal_level = minimal" \
      "max_wal_senders = 0" \
      "max_wal_size = 1GB" \
      "checkpoint_timeout = 1h" \
      "autovacuum = off" \
      "jit = off" \
      "track_io_timing = off" \
      "log_min_messages = warning" \
      "log_min_error_statement = panic" \
      "timezone = 'UTC'" |
      pg_cluster_as_owner tee -a "$PG_CLUSTER_DIR/data/postgresql.conf" >/dev/null

    if pg_cluster_as_owner "$PG_CLUSTER_BIN/pg_ctl" start -D "$PG_CLUSTER_DIR/data" -l "$log" -w -t 60 -s; then
      PG_CLUSTER_STARTED=1
      break
    fi
    pg_cluster_log "pg_ctl start failed on port $PG_CLUSTER_PORT (attempt $attempt of 3); log:"
    tail -n 20 "$log" >&2 || true
  done
  [ "$PG_CLUSTER_STARTED" = 1 ] || return 1

  for attempt in $(seq 1 60); do
    if "$PG_CLUSTER_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_CLUSTER_PORT" -U postgres -d postgres; then
      export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_CLUSTER_PORT/postgres"
      pg_cluster_log "ready: $TEST_DATABASE_URL"
      return 0
    fi
    sleep 0.5
  done
  pg_cluster_log "the cluster did not accept connections within 30 s; log:"
  tail -n 40 "$log" >&2 || true
  return 1
}

# Run directly: start, run "$@" with TEST_DATABASE_URL, stop.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  if [ "$#" -eq 0 ]; then
    echo "usage: bash scripts/lib/pg-cluster.sh COMMAND [ARGS...]" >&2
    exit 2
  fi
  trap pg_cluster_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  pg_cluster_start
  rc=0
  "$@" || rc=$?
  exit "$rc"
fi
