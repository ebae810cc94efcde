#!/usr/bin/env bash
# Installs what building and testing need: the pinned toolchain with its wasm targets
# (rust-toolchain.toml), wasm-tools 1.263.0 and wac-cli 0.12.0. Safe to run again.
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
