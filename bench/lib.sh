# Shell functions the load benchmarks share (sourced by bench/load.sh, bench/dashboards.sh
# and bench/search.sh). `measure` reads `connections` and `seconds`; `first_link` reads
# `port`.

install_missing() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v curl >/dev/null || missing+=(curl)
  [ -x /usr/bin/time ] || missing+=(time)
  command -v sqlite3 >/dev/null || missing+=(sqlite3)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2
  fi
}

# A latency as wrk prints it (`812.00us`, `3.41ms`, `1.20s`) in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
    else { printf "%s", v }
  }'
}

# "requests/s p50 p99 non-2xx" of `url` under load; wrk's own options may follow it (a
# script, say, which needs `url` before them).
measure() {
  local out rps p50 p99 bad url=$1
  shift
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$url" "$@")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "${rps%.*} $(to_ms "$p50") $(to_ms "$p99") ${bad:-0}"
}

wait_for() {
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "no answer from $1" >&2
  return 1
}

# The first link on `path` whose address starts with `prefix`.
first_link() {
  curl -fsS "http://127.0.0.1:$port$1" | grep -o "href=\"$2[^\"#?]*\"" | head -1 | cut -d'"' -f2
}


# The server started by `start_server`, stopped by `stop_server` (and on exit, once a
# script sets `trap stop_server EXIT`).
server=""
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  fi
  server=""
  return 0
}

# Installs what is missing and builds the release; sets `bin`.
build_release() {
  install_missing
  ./scripts/setup.sh >&2
  cargo leptos build --release >&2
  bin="$PWD/target/release/ogp-tracker"
}

# The address of a database of `1` (sqlite or postgres) holding demo data at `scale`,
# kept under `work` (SQLite) or by name (PostgreSQL) and made only when missing or when
# BENCH_FRESH=1. Reads `bin`.
demo_database() {
  local database=$1 pg_url name
  if [ "$database" = sqlite ]; then
    if [ "${BENCH_FRESH:-0}" = 1 ] || [ ! -f "$work/scale-$scale.db" ]; then
      rm -f "$work/scale-$scale.db"*
      DATABASE_URL="sqlite://$work/scale-$scale.db" "$bin" demo --scale "$scale" >/dev/null
    fi
    echo "sqlite://$work/scale-$scale.db"
  else
    pg_url=$(./scripts/postgres.sh)
    name="bench_dashboards_${scale//./_}"
    if [ "${BENCH_FRESH:-0}" = 1 ] || ! psql "$pg_url" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
      psql "$pg_url" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
      DATABASE_URL="${pg_url%/*}/$name" "$bin" demo --scale "$scale" >/dev/null
    fi
    echo "${pg_url%/*}/$name"
  fi
}

# Starts the release server on `port` against database `1`, with the environment given
# after it, logging to file `2`; returns once it answers.
start_server() {
  local url=$1 log=$2
  shift 2
  env DATABASE_URL="$url" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
    LOG_LEVEL=warn "$@" "$bin" serve >"$log" 2>&1 &
  server=$!
  wait_for "http://127.0.0.1:$port/healthz"
}

# The machine, for the figures' heading.
machine() {
  echo "$(nproc) vCPU ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}')), $(free -g | awk '/Mem:/ {print $2}') GiB"
}

# The commit measured, and whether the tree differed from it.
measured_commit() {
  echo "$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with uncommitted changes)')"
}
