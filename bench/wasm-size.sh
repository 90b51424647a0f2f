#!/usr/bin/env bash
# The size of the WebAssembly client as a release build ships it: the frontend crate built
# with the `wasm-release` profile, bound by wasm-bindgen and shrunk by wasm-opt -Oz as
# cargo-leptos does, then measured raw and brotli-compressed (quality 11, as served).
# Prints one line: "raw_bytes brotli_bytes". Run it on two commits to see a change.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
target=${CARGO_TARGET_DIR:-target}
out="$target/wasm-size"
cargo build -q -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release
rm -rf "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name client \
    "$target/wasm32-unknown-unknown/wasm-release/frontend.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$out/client_bg.wasm" -o "$out/client_bg.wasm"
node -e '
const fs = require("fs"), zlib = require("zlib");
const raw = fs.readFileSync(process.argv[1]);
const br = zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
console.log(raw.length + " " + br.length);
' "$out/client_bg.wasm"
