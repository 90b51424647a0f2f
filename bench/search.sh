#!/usr/bin/env bash
# Search under load: /search with words of every kind (a rare word, a word in a seventh of
# the commitments, a prefix, two and three words, words with facets, facets alone, the
# whole list) on demo data at BENCH_SCALE (default 10) on SQLite, and on PostgreSQL too with
# BENCH_POSTGRES=1. Each search is first asked for once, alone, on a freshly started
# server: its first answer searches (a search page is kept rendered only when its address
# names no words and no facet but a region or a kind, as `/search` alone). Then wrk asks for it at 64 connections for
# BENCH_SECONDS (default 8): each app server keeps a search's results until the next write,
# so those answers read what the first one found. Then searches not kept, at 64 and at 8
# connections: words nobody searched for (bench/new-words.lua), and pages of the searches
# above (bench/distinct-searches.lua). Also times the first start on a database
# made before the search index (the migration, then the index built from every
# commitment). Reuses the database of bench/dashboards.sh at that scale (BENCH_FRESH=1 makes
# it again). Prints a table and appends it, dated, to bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
source bench/lib.sh

scale=${BENCH_SCALE:-10}
seconds=${BENCH_SECONDS:-8}
connections=64
port=3911
work="$PWD/target/bench-dashboards"

trap stop_server EXIT

build_release
mkdir -p "$work"

searches=(
  "/search?q=whistleblower"
  "/search?q=lobbying+register"
  "/search?q=transp"
  "/search?q=publish+the+first+annual+report"
  "/search?q=open+data&region=europe"
  "/search?q=ministry&value=civic_participation&status=in_progress"
  "/search?region=africa_middle_east&starred=yes"
  "/search?overdue=yes&page=3"
  "/search"
)

# Words of commitments' titles for searches nobody made before (bench/new-words.lua).
sqlite_url=$(demo_database sqlite)
mapfile -t vocabulary < <(sqlite3 "${sqlite_url#sqlite://}" \
  "SELECT title FROM commitments ORDER BY random() LIMIT 400" \
  | tr -cs '[:alpha:]' '\n' | tr '[:upper:]' '[:lower:]' | awk 'length >= 4' | sort -u \
  | shuf -n 200)
[ ${#vocabulary[@]} -gt 1 ] || { echo "no words read from $sqlite_url" >&2; exit 1; }

databases=(sqlite)
[ "${BENCH_POSTGRES:-0}" = 1 ] && databases+=(postgres)
rows=()
starts=()
distinct=()
for database in "${databases[@]}"; do
  if [ "$database" = sqlite ]; then url=$sqlite_url; else url=$(demo_database "$database"); fi
  started=$(date +%s.%N)
  start_server "$url" "$work/server-search-$database.log"
  starts+=("- **First start on $database** (migrations, and the index built when owed): $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}') s.")
  echo "${starts[-1]}" >&2
  # The kept facets are worked out by the first search after a start: not any one search's.
  facts=$(curl -fsS -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/search?q=warm+up")
  starts+=("- **Facets worked out on $database** (the first search after a start or a write): $(awk -v t="$facts" 'BEGIN {printf "%.0f", t * 1000}') ms.")
  for search in "${searches[@]}"; do
    first=$(curl -fsS -o "$work/search.html" -w '%{time_total}' "http://127.0.0.1:$port$search")
    total=$(grep -o 'data-total="[0-9]*"' "$work/search.html" | head -1 | cut -d'"' -f2)
    read -r rps p50 p99 bad < <(measure "http://127.0.0.1:$port$search")
    rows+=("| $database | $scale | \`$search\` | $total | $(awk -v t="$first" 'BEGIN {printf "%.1f", t * 1000}') ms | $rps | $p50 ms | $p99 ms | $bad |")
    echo "${rows[-1]}" >&2
  done
  # Searches not kept: the searches above (without their page) each on a page drawn at
  # random (their words are kept, not their pages: bench/distinct-searches.lua), then pairs
  # of words nobody searched for (bench/new-words.lua). In that order: the pages would find
  # the kept searches full of new words.
  distinct_searches=("${searches[@]%%&page=*}")
  for kind in "pages of kept words" "new words"; do
    for distinct_connections in 64 8; do
      if [ "$kind" = "new words" ]; then
        load=(-s bench/new-words.lua -- "${vocabulary[@]}")
      else
        load=(-s bench/distinct-searches.lua -- "${distinct_searches[@]}")
      fi
      read -r rps p50 p99 bad < <(connections=$distinct_connections measure \
        "http://127.0.0.1:$port/" "${load[@]}")
      distinct+=("| $database | $scale | $kind | $distinct_connections | $rps | $p50 ms | $p99 ms | $bad |")
      echo "${distinct[-1]}" >&2
    done
  done
  stop_server
done

commit=$(measured_commit)
{
  echo
  echo "## $(date -u +%Y-%m-%d) · search under load (bench/search.sh)"
  echo
  echo "- **Machine:** $(machine). Release build."
  echo "- **Commit:** $commit."
  echo "- **Load:** demo data at scale $scale. *First answer*: the search asked for once, alone, right after the server started (it searches). Then wrk, 2 threads, $connections connections, ${seconds} s per search: the app server keeps each search's results until the next write, so these read them."
  printf '%s\n' "${starts[@]}"
  echo
  echo "| database | scale | search | found | first answer | req/s | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Searches not kept, ${seconds} s each. *Pages of kept words* (run first): one of the searches above on a page from 2 to 500 drawn at random (bench/distinct-searches.lua): an app server keeps what 256 searches' words and filters found, counted, until the next write, and 256 whole searches, so each reads its page's texts and renders them, and about one in twenty finds its page kept. *New words*: two different words of ${#vocabulary[@]} drawn at random from commitments' titles (bench/new-words.lua), so almost every search finds, ranks and counts."
  echo
  echo "| database | scale | searches | connections | req/s | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${distinct[@]}"
} | tee -a bench/RESULTS.md
