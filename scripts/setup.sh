#!/usr/bin/env bash
# Installs what building and testing need: the pinned toolchain with its wasm targets
# (rust-toolchain.toml), wasm-tools 1.263.0 (building the adapter and 2023-style test
# components) and the wasmtime 50.0.1 CLI (both skipped when the right version is on PATH),
# and rc-adapter from this clone; fetches the 2023 preview1 adapters the legacy test guests
# are built with. Safe to run again.
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
