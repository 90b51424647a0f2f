#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already there:
# the WASM target, cargo-leptos, the wasm-bindgen CLI matching Cargo.lock, the npm
# packages of end2end/ (Playwright and binaryen's wasm-opt) and, with --browser,
# Debian's Chromium. See ../shared/toolchain.md for why each version is pinned.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=false
[ "${1:-}" = "--browser" ] && want_browser=true

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "==> adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version >/dev/null 2>&1; then
  echo "==> installing cargo-leptos 0.3.10 (about 25 minutes on 2 cores, once)"
  cargo install cargo-leptos --version 0.3.10 --locked
fi

bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  echo "==> installing wasm-bindgen-cli $bindgen_version"
  # Without --locked: its lock file pins a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -x end2end/node_modules/.bin/playwright ] \
  || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  echo "==> installing npm packages of end2end/"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

if $want_browser && [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "==> installing Debian's Chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium
fi
