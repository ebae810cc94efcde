#!/usr/bin/env bash
# build-adapter.sh [0.3|0.2]: builds the adapter component with rc UDP over WASI 0.3.0
# (target/rc-adapter-udp03.wasm) or over WASI 0.2.x (target/rc-adapter-udp02.wasm, the
# `udp-p2` feature), and prints its path. With no argument, builds both and prints both.
set -euo pipefail
cd "$(dirname "$0")/.."
build() { # build 0.3|0.2
  local tag features=()
  case "$1" in
    0.3) tag=udp03 ;;
    0.2) tag=udp02; features=(--features udp-p2) ;;
    *) echo "usage: build-adapter.sh [0.3|0.2]" >&2; exit 2 ;;
  esac
  CARGO_TARGET_DIR=target/wasm-$tag cargo rustc -q -p adapter --release \
    --target wasm32-unknown-unknown --crate-type cdylib "${features[@]}"
  # strip drops the component-name section, a fifth of the size, which neither wac nor
  # wasmtime 50 reads.
  wasm-tools component new target/wasm-$tag/wasm32-unknown-unknown/release/adapter.wasm \
    | wasm-tools strip -o target/rc-adapter-$tag.wasm
  echo target/rc-adapter-$tag.wasm
}
if [ $# -eq 0 ]; then build 0.3; build 0.2; else build "$1"; fi
