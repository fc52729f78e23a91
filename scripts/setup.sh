#!/usr/bin/env bash
# Installs everything nnlab needs to build and test, from the package registries only.
# Idempotent: every step checks first and does nothing when its tool is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"

# 1. The wasm target of the machine's one stable toolchain.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. Debian packages: the three browser engines the tests run in (Chromium with its driver,
#    Firefox ESR, WebKitGTK's WebDriver with its MiniBrowser), the X server WebKit needs, and
#    Debian's Python with NumPy, which runs the exported NumPy scripts (tests/python_export.rs
#    uses the first of python3 and /usr/bin/python3 that imports numpy).
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
command -v firefox-esr >/dev/null 2>&1 || need_apt+=(firefox-esr)
command -v WebKitWebDriver >/dev/null 2>&1 || need_apt+=(webkit2gtk-driver)
command -v xvfb-run >/dev/null 2>&1 || need_apt+=(xvfb xauth)
python3 -c 'import numpy' >/dev/null 2>&1 || /usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 ||
  need_apt+=(python3 python3-numpy)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# 3. Trunk 0.21 (0.22 needs a newer rustc than the stable one here).
if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
  log "installing trunk ^0.21 (takes 8-16 minutes on 2 cores)"
  cargo install --locked trunk --version '^0.21'
fi

# 4. wasm-bindgen CLI at exactly the version Cargo.lock pins, because Trunk refuses any other.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wb_version}\$"; then
  log "installing wasm-bindgen-cli ${wb_version}"
  if ! cargo install --locked wasm-bindgen-cli --version "=${wb_version}"; then
    # Its own lock pins a webpki-roots release the registry here does not have:
    # rebuild from the downloaded crate with the newest release that exists.
    log "retrying wasm-bindgen-cli with webpki-roots pinned to a release the registry has"
    crate=$(ls "$HOME"/.cargo/registry/cache/*/wasm-bindgen-cli-"${wb_version}".crate | head -n 1)
    work=$(mktemp -d)
    tar -xzf "$crate" -C "$work"
    (cd "$work/wasm-bindgen-cli-${wb_version}" &&
      cargo update -p webpki-roots --precise 1.0.10 &&
      cargo install --locked --path .)
    rm -rf "$work"
  fi
fi

# 5. Node packages: binaryen (wasm-opt 132 as a JS/wasm build; Debian's 108 breaks current
#    wasm-bindgen output), the drivers of the system browsers (playwright-core for Chromium,
#    puppeteer-core for Firefox over WebDriver BiDi, selenium-webdriver for WebKit; none
#    downloads a browser), axe-core for the accessibility audit, and terser and clean-css,
#    which minify the served files (scripts/minify.mjs).
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] ||
   [ ! -d node_modules/puppeteer-core ] || [ ! -d node_modules/selenium-webdriver ] ||
   [ ! -d node_modules/axe-core ] || [ ! -d node_modules/terser ] || [ ! -d node_modules/clean-css ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing node packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 6. Every crate for every target, so later builds (Trunk runs cargo metadata) work offline.
cargo fetch --locked >/dev/null 2>&1 || cargo fetch --locked
log "tools ready"
