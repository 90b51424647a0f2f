#!/usr/bin/env bash
# The public pages under load: the release build on SQLite and on PostgreSQL, on demo data
# at each scale of BENCH_SCALES (default "1 10"; BENCH_SCALE=100 adds 100), every page type
# driven by wrk with 64 connections for BENCH_SECONDS (default 10), and nginx serving the
# very same HTML bytes in the same run as the ceiling. Each page is measured as served
# (public pages kept rendered) and rendered every time. Installs wrk and nginx from Debian's
# packages when missing. Prints a table and appends it, dated, to bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

scales=${BENCH_SCALES:-1 10}
[ -n "${BENCH_SCALE:-}" ] && scales="$scales $BENCH_SCALE"
seconds=${BENCH_SECONDS:-10}
connections=64
port=3900
nginx_port=3901
work="$PWD/target/bench-load"

source bench/lib.sh

server=""
stop_all() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  return 0
}
trap stop_all EXIT

install_missing
./scripts/setup.sh >&2
cargo leptos build --release >&2
bin="$PWD/target/release/ogp-tracker"
pg_url=$(./scripts/postgres.sh)

rm -rf "$work"
mkdir -p "$work/html"
cat >"$work/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/html;
    location / { default_type text/html; }
  }
}
EOF
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx_bin" -c "$work/nginx.conf"

rows=()
loads=()
for scale in $scales; do
  for database in sqlite postgres; do
    if [ "$database" = sqlite ]; then
      url="sqlite://$work/scale-$scale.db"
    else
      name="bench_scale_${scale//./_}"
      psql "$pg_url" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
      url="${pg_url%/*}/$name"
    fi
    # Demo data: how long it takes and the most memory it used.
    load=$( { DATABASE_URL="$url" /usr/bin/time -f "%e %M" "$bin" demo --scale "$scale" >/dev/null; } 2>&1 | tail -1)
    loads+=("| $database | $scale | ${load% *} s | $(( ${load#* } / 1024 )) MB |")
    # As served (public pages kept rendered), then with every page rendered
    # (PAGE_CACHE_MB=0): what a signed-in reader, or the first visitor after a write, waits.
    declare -A ceilings=()
    for pages in kept rendered; do
      cache_mb=16
      [ "$pages" = rendered ] && cache_mb=0
      DATABASE_URL="$url" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
        PAGE_CACHE_MB=$cache_mb LOG_LEVEL=warn "$bin" serve >"$work/server-$database-$scale-$pages.log" 2>&1 &
      server=$!
      wait_for "http://127.0.0.1:$port/healthz"
      member=$(first_link /members /members/)
      plan=$(first_link "$member" /plans/)
      commitment=$(first_link "$plan" /commitments/)
      for page in / "$member" "$plan" "$commitment"; do
        file="$database-$scale-$(echo "$page" | tr '/' '_').html"
        curl -fsS "http://127.0.0.1:$port$page" >"$work/html/$file"
        read -r rps p50 p99 bad < <(measure "http://127.0.0.1:$port$page")
        if [ -z "${ceilings[$page]:-}" ]; then
          read -r ceiling _ _ _ < <(measure "http://127.0.0.1:$nginx_port/$file")
          ceilings[$page]=$ceiling
        fi
        ceiling=${ceilings[$page]}
        ratio=$(awk -v a="$rps" -v b="$ceiling" 'BEGIN { printf "%.3f", a / b }')
        bytes=$(wc -c <"$work/html/$file")
        rows+=("| $database | $scale | $pages | \`$page\` | $bytes | $rps | $p50 ms | $p99 ms | $bad | $ceiling | $ratio |")
        echo "${rows[-1]}" >&2
      done
      rss=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$server/status")
      rows+=("| $database | $scale | $pages | (server peak RSS: $rss MB) | | | | | | | |")
      kill "$server" && wait "$server" 2>/dev/null || true
      server=""
    done
    unset ceilings
  done
done

# Read before the table is written: tee appending to bench/RESULTS.md is itself a change.
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with uncommitted changes)')"
{
  echo
  echo "## $(date -u +%Y-%m-%d) · public pages under load (bench/load.sh)"
  echo
  echo "- **Machine:** $(nproc) vCPU ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}')), $(free -g | awk '/Mem:/ {print $2}') GiB. Release build; PostgreSQL from scripts/postgres.sh on loopback."
  echo "- **Commit:** $commit."
  echo "- **Load:** wrk, 2 threads, $connections connections, ${seconds} s per page; nginx serves the same bytes from a file in the same run."
  echo
  echo "| database | scale | pages | page | bytes | req/s | p50 | p99 | non-2xx | nginx req/s | ratio |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "| database | scale | demo data load | peak memory |"
  echo "|---|---|---|---|"
  printf '%s\n' "${loads[@]}"
} | tee -a bench/RESULTS.md
