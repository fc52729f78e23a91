#!/usr/bin/env bash
# Builds the release site into dist/ with Trunk, offline (no tool or crate downloads).
# Run scripts/setup.sh once before (make build does).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
# Trunk uses a tool from PATH only if its version matches Trunk.toml [tools]; otherwise it
# would try to download one. Fail early with a clear message instead.
wasm-opt --version | grep -q 'version_132' ||
  { echo "build: wasm-opt on PATH is not binaryen 132 ($(command -v wasm-opt)); run scripts/setup.sh" >&2; exit 1; }
trunk build --release --offline --locked "$@"
# The same app as one self-contained file for file:// use (USB sticks, no server), made from
# the readable files; then the served files are minified (short import names, terser,
# clean-css).
node scripts/single.mjs
node scripts/minify.mjs
wasm=$(ls dist/*.wasm)
# The oldest browsers the page names (boot-unsupported in src/core/text.rs, the README's
# Browsers section: Safari 16.4, Chrome 96, Firefox 89) follow from the WebAssembly features
# the .wasm uses: SIMD, reference types, bulk memory, sign extension, non-trapping
# float-to-int, mutable globals. A toolchain that starts using another one fails here.
wasm-opt "$wasm" --mvp-features --enable-simd --enable-reference-types --enable-bulk-memory \
  --enable-sign-ext --enable-nontrapping-float-to-int --enable-mutable-globals -o /dev/null 2>/dev/null ||
  { echo "build: $wasm uses a WebAssembly feature beyond the named oldest browsers' (see scripts/build.sh)" >&2; exit 1; }
raw=$(wc -c <"$wasm"); gz=$(gzip -9c "$wasm" | wc -c)
# The page's benchmark (?bench=1) reports these sizes; the page cannot measure its own .wasm.
sed -i "s|</head>|<meta name=\"nnlab-wasm-bytes\" content=\"$raw $gz\"></head>|" dist/index.html
printf 'build: %s is %s bytes (%s bytes gzipped)\n' "$wasm" "$raw" "$gz"
