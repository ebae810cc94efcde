#!/usr/bin/env bash
# The README's first command. Builds a 2023-style legacy command the way 2023 tools did
# (wasm32-wasip1, then `wasm-tools component new --adapt` with cargo-component 0.5.0's
# preview1 adapter), plugs the adapter into it with scripts/plug.sh, and runs the result with
# the wasmtime 50.0.1 CLI. The program prints a file from a preopened directory, then
# exchanges UDP datagrams over 127.0.0.1 and ::1.
set -euo pipefail
cd "$(dirname "$0")/.."
adapters=$(bash scripts/fetch-preview1-adapters.sh)
CARGO_TARGET_DIR=target/guests cargo build -q --release --target wasm32-wasip1 \
  --manifest-path host-test/guests/Cargo.toml --bin udp-demo
wasm-tools component new target/guests/wasm32-wasip1/release/udp-demo.wasm \
  --adapt "wasi_snapshot_preview1=$adapters/rc-2023-11-10.command.wasm" -o target/udp-demo.legacy.wasm
bash scripts/build-adapter.sh >/dev/null
scripts/plug.sh target/udp-demo.legacy.wasm target/udp-demo.fixed.wasm
mkdir -p target/demo
echo "hello from a file on the host" > target/demo/greeting.txt
scripts/run.sh --dir target/demo::/demo target/udp-demo.fixed.wasm /demo/greeting.txt
