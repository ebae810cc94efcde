#!/usr/bin/env bash
# Installs what building and testing need: the pinned toolchain with its wasm targets
# (rust-toolchain.toml), wasm-tools 1.263.0, wac-cli 0.12.0 and the wasmtime 50.0.1 CLI
# (skipped when the right version is on PATH), and fetches the 2023 preview1 adapters the
# legacy test guests are built with. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# RUSTUP_AUTO_INSTALL=0 machines do not install a pinned toolchain on first use.
rustup toolchain install

need() { # need BINARY VERSION CRATE [cargo install flags..]
  local bin=$1 version=$2 crate=$3; shift 3
  if command -v "$bin" >/dev/null && "$bin" --version | grep -q " $version"; then
    return
  fi
  echo "installing $crate $version"
  cargo install --locked "$crate@$version" "$@"
}
need wasm-tools 1.263.0 wasm-tools
need wac 0.12.0 wac-cli --no-default-features --features wit
need wasmtime 50.0.1 wasmtime-cli
bash scripts/fetch-preview1-adapters.sh >/dev/null
