#!/usr/bin/env bash
# The pages with dashboards under load: the overview, a member, a plan, a region, a policy
# area, an OGP value and a lead institution, on demo data at BENCH_SCALE (default 10) on
# SQLite, and on PostgreSQL too with BENCH_POSTGRES=1; each page as served (kept rendered)
# and rendered every time (PAGE_CACHE_MB=0), with wrk at 64 connections for BENCH_SECONDS
# (default 8). Each page is first asked for once, alone (its *first answer*, reported apart;
# finding the pages' links already asked for the overview's dashboard and the member's
# page), so that wrk measures the pages as they answer from then on. Reuses a database of that scale from an
# earlier run (BENCH_FRESH=1 makes it again). Prints a table and appends it, dated, to
# bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
source bench/lib.sh

scale=${BENCH_SCALE:-10}
seconds=${BENCH_SECONDS:-8}
connections=64
port=3910
work="$PWD/target/bench-dashboards"

trap stop_server EXIT

build_release
mkdir -p "$work"

databases=(sqlite)
[ "${BENCH_POSTGRES:-0}" = 1 ] && databases+=(postgres)
rows=()
for database in "${databases[@]}"; do
  url=$(demo_database "$database")
  for pages in kept rendered; do
    cache_mb=16
    [ "$pages" = rendered ] && cache_mb=0
    start_server "$url" "$work/server-$database-$pages.log" PAGE_CACHE_MB=$cache_mb
    member=$(first_link /members /members/)
    plan=$(first_link "$member" /plans/)
    area=$(first_link /explore /policy-areas/)
    value=$(first_link /explore /values/)
    institution=$(first_link /explore /institutions/)
    for page in / "$member" "$plan" /regions/europe "$area" "$value" "$institution"; do
      first=$(curl -fsS -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$page") || first=nan
      read -r rps p50 p99 bad < <(measure "http://127.0.0.1:$port$page")
      rows+=("| $database | $scale | $pages | \`$page\` | $(awk -v t="$first" 'BEGIN {printf "%.1f", t * 1000}') ms | $rps | $p50 ms | $p99 ms | $bad |")
      echo "${rows[-1]}" >&2
    done
    stop_server
  done
done

commit=$(measured_commit)
{
  echo
  echo "## $(date -u +%Y-%m-%d) · pages with dashboards under load (bench/dashboards.sh)"
  echo
  echo "- **Machine:** $(machine). Release build."
  echo "- **Commit:** $commit."
  echo "- **Load:** each page asked for once, alone (*first answer*), then wrk, 2 threads, $connections connections, ${seconds} s per page; demo data at scale $scale."
  echo
  echo "| database | scale | pages | page | first answer | req/s | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee -a bench/RESULTS.md
