#!/usr/bin/env bash
# Starts the Redis, Redis Cluster and PostgreSQL servers the store tests need in CI, and exports their
# URLs. Meant to be sourced (`. scripts/ci-services.sh`) by .ci/run; idempotent: running servers are
# reused. It must not touch any server other than its own (ports 6390, 6391–6393 with cluster bus
# ports 16391–16393, and 5439 on 127.0.0.1).
#
# Exports: INTUIT_TEST_REDIS_URL=redis://127.0.0.1:6390
#          INTUIT_TEST_REDIS_CLUSTER_URL=redis://127.0.0.1:6391 (one node of a three-master cluster)
#          INTUIT_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5439/intuit_test
# Overrides: INTUIT_CI_STATE (state dir, default /tmp/intuit-oauth-ci), INTUIT_TEST_POSTGRES_BIN.

intuit_ci_services() (
  set -euo pipefail
  local state="${INTUIT_CI_STATE:-/tmp/intuit-oauth-ci}"
  local redis_port=6390 pg_port=5439 db=intuit_test
  local sudo="" apt_updated=""
  [ "$(id -u)" = 0 ] || sudo="sudo"

  apt_install() {
    [ -n "$apt_updated" ] || { $sudo apt-get update -qq >/dev/null; apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  }

  # --- binaries -------------------------------------------------------------------------------
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    echo "ci-services: installing redis-server" >&2
    apt_install redis-server
  fi
  local pg_bin="${INTUIT_TEST_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}"
  if [ ! -x "$pg_bin/postgres" ]; then
    echo "ci-services: installing PostgreSQL" >&2
    apt_install postgresql-15 || apt_install postgresql
    [ -x "$pg_bin/postgres" ] || pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  [ -x "$pg_bin/postgres" ] || { echo "ci-services: no PostgreSQL binaries found" >&2; return 1; }

  mkdir -p "$state"

  # --- Redis: daemonized, no persistence -------------------------------------------------------
  if [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = "PONG" ]; then
    echo "ci-services: reusing redis on 127.0.0.1:$redis_port" >&2
  else
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
      --dir "$state" --logfile "$state/redis.log" --pidfile "$state/redis.pid"
  fi

  # --- Redis Cluster: three masters, no replicas, no persistence ----------------------------------
  local cluster_ports=(6391 6392 6393) p healthy=0
  for p in "${cluster_ports[@]}"; do
    [ "$(redis-cli -h 127.0.0.1 -p "$p" cluster info 2>/dev/null | tr -d '\r' | grep '^cluster_state:')" = "cluster_state:ok" ] &&
      healthy=$((healthy + 1))
  done
  if [ "$healthy" = 3 ]; then
    echo "ci-services: reusing the Redis cluster on 127.0.0.1:6391-6393" >&2
  else
    for p in "${cluster_ports[@]}"; do
      if [ "$(redis-cli -h 127.0.0.1 -p "$p" ping 2>/dev/null)" != "PONG" ]; then
        mkdir -p "$state/cluster-$p"
        # A node left from an earlier run keeps its old slot map in nodes.conf: start it afresh.
        rm -f "$state/cluster-$p/nodes.conf"
        redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file nodes.conf \
          --cluster-node-timeout 5000 --save "" --appendonly no --daemonize yes --dir "$state/cluster-$p" \
          --logfile "$state/cluster-$p/redis.log" --pidfile "$state/cluster-$p/redis.pid"
      fi
    done
    for i in $(seq 1 60); do
      local up=0
      for p in "${cluster_ports[@]}"; do [ "$(redis-cli -h 127.0.0.1 -p "$p" ping 2>/dev/null)" = "PONG" ] && up=$((up + 1)); done
      [ "$up" = 3 ] && break
      [ "$i" = 60 ] && { echo "ci-services: the cluster nodes did not answer within 30 s" >&2; return 1; }
      sleep 0.5
    done
    # Nodes that already know each other (a half-made cluster) are reset before create.
    for p in "${cluster_ports[@]}"; do redis-cli -h 127.0.0.1 -p "$p" flushall >/dev/null; redis-cli -h 127.0.0.1 -p "$p" cluster reset hard >/dev/null; done
    redis-cli --cluster create 127.0.0.1:6391 127.0.0.1:6392 127.0.0.1:6393 --cluster-replicas 0 --cluster-yes >/dev/null
    for i in $(seq 1 60); do
      local ok=0
      for p in "${cluster_ports[@]}"; do
        [ "$(redis-cli -h 127.0.0.1 -p "$p" cluster info | tr -d '\r' | grep '^cluster_state:')" = "cluster_state:ok" ] && ok=$((ok + 1))
      done
      [ "$ok" = 3 ] && break
      [ "$i" = 60 ] && { echo "ci-services: the Redis cluster did not become ok within 30 s" >&2; return 1; }
      sleep 0.5
    done
  fi

  # --- PostgreSQL: a private cluster, trust auth, run as the postgres OS user when root ----------
  local as_pg=()
  [ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)
  local pg_dir="$state/postgres"
  # The postgres user may not enter the caller's directory (a private clone); start from /.
  cd /
  if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"; then
    echo "ci-services: reusing PostgreSQL on 127.0.0.1:$pg_port" >&2
  else
    # A server killed without a clean shutdown (a session's processes are ended before CI runs)
    # leaves postmaster.pid behind; if its PID now belongs to another process, PostgreSQL refuses
    # to start. No server of ours is running here (pg_isready said so), so the file is stale.
    if ! pgrep -f -- "-D $pg_dir/data" >/dev/null; then
      if [ -f "$pg_dir/data/postmaster.pid" ] || [ -e "$pg_dir/.s.PGSQL.$pg_port.lock" ]; then
        echo "ci-services: removing stale PostgreSQL lock files" >&2
      fi
      rm -f "$pg_dir/data/postmaster.pid" "$pg_dir/.s.PGSQL.$pg_port.lock" "$pg_dir/.s.PGSQL.$pg_port"
    fi
    if [ ! -f "$pg_dir/data/PG_VERSION" ]; then
      rm -rf "$pg_dir"
      mkdir -p "$pg_dir"
      [ "$(id -u)" = 0 ] && chown postgres: "$pg_dir"
      "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
    fi
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w -t 30 start \
      -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pg_dir -c fsync=off -c synchronous_commit=off" \
      >/dev/null
  fi

  # --- wait until both answer --------------------------------------------------------------------
  local i
  for i in $(seq 1 60); do
    if [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = "PONG" ] &&
      "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"; then
      break
    fi
    [ "$i" = 60 ] && { echo "ci-services: servers did not answer within 30 s" >&2; return 1; }
    sleep 0.5
  done

  if [ "$("$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
    "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$db"
  fi
  echo "ci-services: redis on 127.0.0.1:$redis_port, a Redis cluster on 127.0.0.1:6391-6393, PostgreSQL on 127.0.0.1:$pg_port (database $db)" >&2
)

if intuit_ci_services; then
  export INTUIT_TEST_REDIS_URL="redis://127.0.0.1:6390"
  export INTUIT_TEST_REDIS_CLUSTER_URL="redis://127.0.0.1:6391"
  export INTUIT_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5439/intuit_test"
  # Run directly (not sourced): print the exports for the caller to eval.
  if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "export INTUIT_TEST_REDIS_URL=$INTUIT_TEST_REDIS_URL"
    echo "export INTUIT_TEST_REDIS_CLUSTER_URL=$INTUIT_TEST_REDIS_CLUSTER_URL"
    echo "export INTUIT_TEST_POSTGRES_URL=$INTUIT_TEST_POSTGRES_URL"
  fi
else
  echo "ci-services: failed to start the test services" >&2
  # `return` when sourced, `exit` when run.
  return 1 2>/dev/null || exit 1
fi
