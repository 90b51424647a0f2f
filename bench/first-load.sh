#!/usr/bin/env bash
# First load of the overview and of a commitment page as a phone on a slow network gets
# them (bench/first-load.mjs: Debian's Chromium, DevTools' Slow 4G, CPU 4× slower, cache
# off): the milliseconds until ready (hydrated, or loaded where a page has nothing to
# hydrate and loads no script) and the bytes of HTML, CSS, JS and WASM as an HTTPS browser
# receives them (brotli). The overview and a commitment page as the public gets them, and
# a commitment page as its point of contact gets it (with a form per milestone). Serves
# the release build on demo data at scale 1 (SQLite) and appends a dated table to
# bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
port=${FIRST_LOAD_PORT:-3960}
work="$PWD/target/bench-first-load"

./scripts/setup.sh --browser >&2
cargo leptos build --release >&2
bin="$PWD/target/release/ogp-tracker"
rm -rf "$work" && mkdir -p "$work"
DATABASE_URL="sqlite://$work/demo.db" "$bin" demo --scale 1 >/dev/null

DATABASE_URL="sqlite://$work/demo.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  LEPTOS_SITE_ROOT=target/site LOG_LEVEL=warn "$bin" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.2
done
# Precompressed files are written in the background after the start; wait for the WASM's.
for wasm in target/site/pkg/*.wasm; do
  for _ in $(seq 1 300); do
    [ -f "$wasm.br" ] && break
    sleep 0.2
  done
done
# The first link on page `$1` to an address matching `$2`; fails when there is none.
first_link() {
  local page
  page=$(curl -fsS "http://127.0.0.1:$port$1")
  [[ $page =~ href=\"($2)\" ]] || { echo "no link like $2 on $1" >&2; return 1; }
  echo "${BASH_REMATCH[1]}"
}
member=$(first_link /members '/members/[^"/#?]+')
plan=$(first_link "$member" '/plans/[^"/#?]+')
commitment=$(first_link "$plan" '/commitments/[^"/#?]+')
# A commitment of an active plan of XAA, the demo point of contact's member.
kept=$(sqlite3 "$work/demo.db" "SELECT c.code FROM commitments c JOIN action_plans p ON p.id = c.plan_id
  JOIN members m ON m.id = p.member_id WHERE m.code = 'XAA' AND p.status = 'active' ORDER BY c.code LIMIT 1")
[ -n "$kept" ] || { echo "no commitment of an active plan of XAA in the demo data" >&2; exit 1; }
lines=$(node bench/first-load.mjs "http://127.0.0.1:$port" / "$commitment" \
  --as=poc@demo.example:demo-poc-password "/commitments/$kept")
echo "$lines" >&2

commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with uncommitted changes)')"
{
  echo
  echo "## $(date -u +%Y-%m-%d) · first load on a slow phone (bench/first-load.sh)"
  echo
  echo "- **Machine:** $(nproc) vCPU ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}')), $(free -g | awk '/Mem:/ {print $2}') GiB; Debian's Chromium $(chromium --version 2>/dev/null | awk '{print $2}')."
  echo "- **Commit:** $commit. Release build, demo data at scale 1 on SQLite."
  echo "- **How:** DevTools' Slow 4G (562.5 ms latency, 1.44 Mbit/s down), CPU 4× slower, cache off; median of 3 loads. Over plain HTTP Chromium receives gzip, so the time is of gzip transfers; the bytes are brotli, as over HTTPS."
  echo
  echo "| page | ready (ms) | script | islands | files | bytes (brotli) | of which WASM | goal |"
  echo "|---|---|---|---|---|---|---|---|"
  echo "$lines" | node -e '
    const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
    for (const l of lines) {
      const page = (l.path === "/" ? "`/`" : "commitment (`" + l.path + "`)") + (l.signed_in ? ", signed in as " + l.signed_in : "");
      const script = l.script ? "hydrated" : "none: loaded";
      console.log(`| ${page} | ${l.ready_ms} | ${script} | ${l.islands} | ${l.files} | ${l.bytes_br} | ${l.by_kind.wasm ?? 0} | 200 KB, 2,500 ms |`);
    }'
} | tee -a bench/RESULTS.md
