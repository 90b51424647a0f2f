#!/usr/bin/env bash
# First load of the overview and of a commitment page as a phone on a slow network gets
# them (bench/first-load.mjs: Debian's Chromium, DevTools' Slow 4G, CPU 4× slower, cache
# off): the milliseconds until ready (hydrated, or loaded where a page has nothing to
# hydrate and loads no script) and the bytes of HTML, CSS, JS and WASM as an HTTPS browser
# receives them (brotli). The overview and a commitment page as the public gets them, and
# a commitment page as its point of contact gets it (with a form per milestone). Serves
# the release build on demo data at scale 1 (SQLite) and appends a dated table to
# bench/RESULTS.md. Then Lighthouse (mobile, its default) scores the overview, a member, a
# plan and a commitment page in its four categories, and names every audit short of full
# marks; it is installed into target/lighthouse on first use.
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

lighthouse_dir="$PWD/target/lighthouse"
[ -x "$lighthouse_dir/node_modules/.bin/lighthouse" ] ||
  npm install --prefix "$lighthouse_dir" --no-audit --no-fund --silent lighthouse@12 >&2
scores=""
for path in / "$member" "$plan" "$commitment"; do
  "$lighthouse_dir/node_modules/.bin/lighthouse" "http://127.0.0.1:$port$path" --quiet \
    --chrome-path="${CHROMIUM_PATH:-/usr/bin/chromium}" --chrome-flags="--headless=new --no-sandbox" \
    --only-categories=performance,accessibility,best-practices,seo \
    --output=json --output-path="$work/lighthouse.json" >&2
  scores+=$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const c = r.categories;
    // Only audits that count towards a score (weight above 0).
    const counted = Object.values(c).flatMap((cat) => cat.auditRefs.filter((a) => a.weight > 0).map((a) => a.id));
    const short = [...new Set(counted)].filter((id) => r.audits[id].score !== null && r.audits[id].score < 1)
      .map((id) => `${id} (${r.audits[id].score})`).join(", ") || "none";
    const s = (k) => Math.round(c[k].score * 100);
    console.log(`| \`${process.argv[2]}\` | ${s("performance")} | ${s("accessibility")} | ${s("best-practices")} | ${s("seo")} | ${short} |`);
  ' "$work/lighthouse.json" "$path")$'\n'
done
echo "$scores" >&2

commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with uncommitted changes)')"
{
  echo
  echo "## $(date -u +%Y-%m-%d) · first load on a slow phone (bench/first-load.sh)"
  echo
  echo "- **Machine:** $(nproc) vCPU ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}')), $(free -g | awk '/Mem:/ {print $2}') GiB; Debian's Chromium $(chromium --version 2>/dev/null | awk '{print $2}')."
  echo "- **Commit:** $commit. Release build, demo data at scale 1 on SQLite."
  echo "- **How:** DevTools' Slow 4G (562.5 ms latency, 1.44 Mbit/s down), CPU 4× slower, cache off; median of 3 loads. Over plain HTTP Chromium receives gzip, so the time is of gzip transfers; the bytes are brotli, as over HTTPS."
  echo
  echo "| page | ready (ms) | script | islands | files | bytes (brotli) | of which WASM | bytes (zstd) | goal |"
  echo "|---|---|---|---|---|---|---|---|---|"
  echo "$lines" | node -e '
    const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
    for (const l of lines) {
      const page = (l.path === "/" ? "`/`" : "commitment (`" + l.path + "`)") + (l.signed_in ? ", signed in as " + l.signed_in : "");
      const script = l.script ? "hydrated" : "none: loaded";
      console.log(`| ${page} | ${l.ready_ms} | ${script} | ${l.islands} | ${l.files} | ${l.bytes_br} | ${l.by_kind.wasm ?? 0} | ${l.bytes_zstd} | 200 KB, 2,500 ms |`);
    }'
  echo
  echo "Lighthouse $("$lighthouse_dir/node_modules/.bin/lighthouse" --version), mobile (its default: simulated slow 4G, 4× CPU), same server:"
  echo
  echo "| page | performance | accessibility | best practices | SEO | audits short of full marks |"
  echo "|---|---|---|---|---|---|"
  printf '%s' "$scores"
} | tee -a bench/RESULTS.md
