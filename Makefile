# nnlab: build, serve and test. See README.md, "Building and testing".
.PHONY: all setup build serve test browser-test clean

all: build

setup:
	bash scripts/setup.sh

build: setup
	bash scripts/build.sh

# Installs what is missing, builds dist/ (release) and serves it on 127.0.0.1 from port 8080
# (next free one). PORT=9000 make serve to start elsewhere.
serve:
	bash scripts/serve.sh

# Everything CI runs: setup, fmt, clippy, cargo test --release, trunk build, browser tests.
test:
	bash scripts/test.sh

# Only the browser tests, against the current dist/.
browser-test:
	node tests/browser/run.mjs

clean:
	cargo clean
	rm -rf dist tests/artifacts
