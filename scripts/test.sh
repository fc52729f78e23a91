#!/usr/bin/env bash
# The whole check, as CI runs it (.ci/run -> make test -> this). Fails on the first error.
# Steps: setup, fmt, clippy, native tests (release), Trunk release build, browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

total_start=$(date +%s)
step() {
  local name=$1; shift
  printf '\n==================== %s ====================\n$ %s\n' "$name" "$*"
  local start; start=$(date +%s)
  if ! "$@"; then
    printf '\n==================== FAILED: %s (after %ss) ====================\n' "$name" "$(( $(date +%s) - start ))"
    exit 1
  fi
  printf -- '---- %s: ok in %ss\n' "$name" "$(( $(date +%s) - start ))"
}

step "1/6 setup"          bash scripts/setup.sh
step "2/6 cargo fmt"      cargo fmt --all --check
step "3/6 clippy native"  cargo clippy --workspace --all-targets --locked -- -D warnings
# src/web only exists for wasm32, so lint the page's build too.
step "3/6 clippy wasm32"  cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --locked -- -D warnings
step "4/6 cargo test"     cargo test --workspace --release --locked
step "5/6 trunk build"    bash scripts/build.sh
step "6/6 browser tests"  node tests/browser/run.mjs

printf '\nALL CHECKS PASSED in %ss\n' "$(( $(date +%s) - total_start ))"
