# Sourced by the scripts: the tools setup.sh installs, first on PATH, and no Trunk downloads.
# wasm-opt comes from node_modules/.bin (npm binaryen 132, not Debian's 108), wasm-bindgen
# and trunk from ~/.cargo/bin.
NNLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$NNLAB_ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
