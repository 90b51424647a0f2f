#!/usr/bin/env bash
# How fast OGP's two real files (../shared/data) import into an empty database with the
# release binary, in rows per second, on SQLite and on PostgreSQL, beside sqlite3's own
# `.import` of the same file into one plain table (the floor: no checks, no history, no
# typed columns). Installs sqlite3 from Debian's packages when missing; builds the release
# binary first. Appends a dated table to bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if ! command -v sqlite3 >/dev/null; then
  echo "installing sqlite3 from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq sqlite3 >&2
fi
bin="$PWD/target/release/ogp-tracker"
./scripts/setup.sh >&2
cargo leptos build --release >&2
pg_url=$(./scripts/postgres.sh)
work="$PWD/target/bench-import"
rm -rf "$work" && mkdir -p "$work"

# Seconds, to the millisecond, of the command that follows. A failed command stops the
# script (a failure is no time).
# (Bash's own clock: a `date` process each side would add milliseconds to a 40 ms floor.)
seconds() {
  local start=$EPOCHREALTIME end
  if ! "$@" >/dev/null 2>"$work/err"; then
    echo "failed: $* (see $work/err)" >&2
    exit 1
  fi
  end=$EPOCHREALTIME
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}
# The median of the numbers on standard input.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# How many times each import runs; the median counts (this host's times vary by a third).
runs=${IMPORT_RUNS:-7}
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "IMPORT_RUNS must be a whole number from 1, not \"$runs\"" >&2
  exit 2
fi
per_second() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%d", (s > 0 ? n / s : 0) }'; }

rows=()
for file in ../shared/data/*.csv; do
  name=$(basename "$file")
  records=$(python3 -c 'import csv, sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline="", encoding="utf-8"))) - 1)' "$file")
  floor=$(for run in $(seq "$runs"); do
    rm -f "$work/floor.db"
    seconds sqlite3 "$work/floor.db" ".import --csv $file raw"
    echo
  done | median)
  floor_rate=$(per_second "$records" "$floor")
  for database in sqlite postgres; do
    # The median of $runs imports, each into a new empty database.
    times=()
    for run in $(seq "$runs"); do
      if [ "$database" = sqlite ]; then
        url="sqlite://$work/tracker-$name-$run.db"
      else
        psql "$pg_url" -qc "DROP DATABASE IF EXISTS bench_import" -c "CREATE DATABASE bench_import" >/dev/null
        url="${pg_url%/*}/bench_import"
      fi
      DATABASE_URL="$url" "$bin" migrate >/dev/null # so that only the import is timed
      took=$(DATABASE_URL="$url" seconds "$bin" import "$file") || exit 1
      times+=("$took")
    done
    took=$(printf '%s\n' "${times[@]}" | median)
    rate=$(per_second "$records" "$took")
    ratio=$(awk -v a="$rate" -v b="$floor_rate" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
    rows+=("| \`$name\` | $records | $database | $took s | $rate | $floor s | $floor_rate | $ratio |")
    echo "${rows[-1]}" >&2
  done
done

# Read before the table is written: tee appending to bench/RESULTS.md is itself a change.
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with uncommitted changes)')"
{
  echo
  echo "## $(date -u +%Y-%m-%d) · importing OGP's real files (bench/import.sh)"
  echo
  echo "- **Machine:** $(nproc) vCPU ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}')), $(free -g | awk '/Mem:/ {print $2}') GiB. Release build, into an empty database; PostgreSQL from scripts/postgres.sh on loopback."
  echo "- **Commit:** $commit."
  echo "- **Floor:** sqlite3's \`.import --csv\` of the same file into one table of text columns."
  echo "- **Import:** the median of $runs, each into a new empty database, timed to the millisecond; the floor likewise."
  echo
  echo "| file | rows | database | import | rows/s | sqlite3 .import | rows/s | ratio |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee -a bench/RESULTS.md
