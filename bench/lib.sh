# Shell functions the load benchmarks share (sourced by bench/load.sh and
# bench/dashboards.sh). `measure` reads `connections` and `seconds`; `first_link` reads
# `port`.

install_missing() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v curl >/dev/null || missing+=(curl)
  [ -x /usr/bin/time ] || missing+=(time)
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

# "requests/s p50 p99 non-2xx" of `url` under load.
measure() {
  local out rps p50 p99 bad
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$1")
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

