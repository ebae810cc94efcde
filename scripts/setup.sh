#!/usr/bin/env bash
# Installs what building and testing need: the pinned toolchain with its wasm targets
# (rust-toolchain.toml), wasm-tools 1.263.0 (building the adapter and 2023-style test
# components) and the wasmtime 50.0.1 CLI (both skipped when the right version is on PATH),
# rc-adapter from this clone, componentize-py (Python) for the Python guest, and jco (Node)
# for the wasi:http test on another host; fetches
# the 2023 preview1 adapters the legacy test guests are built with. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# RUSTUP_AUTO_INSTALL=0 machines do not install a pinned toolchain on first use.
rustup toolchain install

need() { # need BINARY VERSION CRATE [cargo install flags..]
  local bin=$1 version=$2 crate=$3; shift 3
  # No pipe into `grep -q`: under pipefail its early exit can fail the writer.
  if command -v "$bin" >/dev/null && [[ "$("$bin" --version)" == *" $version"* ]]; then
    return
  fi
  echo "installing $crate $version"
  cargo install --locked "$crate@$version" "$@"
}
need wasm-tools 1.263.0 wasm-tools
need wasmtime 50.0.1 wasmtime-cli
bash scripts/fetch-preview1-adapters.sh >/dev/null
# The tool itself, as the README installs it (its build is kept in target/install).
cargo install --locked --quiet --path rc-adapter --target-dir target/install
# componentize-py 0.10.0, which builds the Python proxy among the legacy guests as a 2023
# user did (host-test/src/artifacts.rs, `python_proxy`), pinned by hash. Needs python3 with
# venv.
if ! cmp -s scripts/componentize-py/requirements.txt target/componentize-py/requirements.txt \
  || [ ! -x target/componentize-py/bin/componentize-py ]; then
  rm -rf target/componentize-py
  python3 -m venv target/componentize-py
  target/componentize-py/bin/pip install -q --disable-pip-version-check --require-hashes \
    -r scripts/componentize-py/requirements.txt
  cp scripts/componentize-py/requirements.txt target/componentize-py/
fi
# jco 1.35.0, a wasi:http 0.2 host on Node that serves the portable output of a plugged
# proxy (host-test/tests/http_jco.rs), pinned by scripts/jco/package-lock.json. Needs Node
# and npm (Debian: apt-get install nodejs npm).
if ! command -v npm >/dev/null; then
  echo "error: setup needs npm (and Node) for jco: apt-get install nodejs npm" >&2
  exit 1
fi
if ! cmp -s scripts/jco/package-lock.json target/jco/package-lock.json \
  || [ ! -x target/jco/node_modules/.bin/jco ]; then
  mkdir -p target/jco
  cp scripts/jco/package.json scripts/jco/package-lock.json target/jco/
  npm ci --prefix target/jco --no-audit --no-fund --loglevel=error
fi
