#!/usr/bin/env bash
# The README's first command: builds the adapter and the bundled legacy UDP example,
# plugs them with `wac plug`, and runs the result.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_TARGET_DIR=target/guests cargo build -q --release --target wasm32-wasip2 \
  --manifest-path host-test/guests/Cargo.toml --bin udp-demo
scripts/plug.sh target/guests/wasm32-wasip2/release/udp-demo.wasm target/udp-demo.plugged.wasm
scripts/run.sh target/udp-demo.plugged.wasm
