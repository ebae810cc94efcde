#!/usr/bin/env bash
# Builds the adapter component: target/rc-adapter.wasm (prints its path).
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_TARGET_DIR=target/wasm cargo rustc -q -p adapter --release \
  --target wasm32-unknown-unknown --crate-type cdylib
wasm-tools component new target/wasm/wasm32-unknown-unknown/release/adapter.wasm \
  -o target/rc-adapter.wasm
echo target/rc-adapter.wasm
