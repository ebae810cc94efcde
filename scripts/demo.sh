#!/usr/bin/env bash
# The README's demo. Builds a 2023-style legacy command the way 2023 tools did (wasm32-wasip1,
# then `wasm-tools component new --adapt` with cargo-component 0.5.0's preview1 adapter),
# plugs the adapter into it with the installed `rc-adapter`, and runs the result with the
# wasmtime 50.0.1 CLI and the line rc-adapter printed. The program prints a file from a
# preopened directory, then exchanges UDP datagrams over 127.0.0.1 and ::1.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v rc-adapter >/dev/null || {
  echo "error: rc-adapter is not on PATH; install it: cargo install --locked --path rc-adapter" >&2
  exit 1
}
adapters=$(bash scripts/fetch-preview1-adapters.sh)
CARGO_TARGET_DIR=target/guests cargo build -q --release --target wasm32-wasip1 \
  --manifest-path host-test/guests/Cargo.toml --bin udp-demo
wasm-tools component new target/guests/wasm32-wasip1/release/udp-demo.wasm \
  --adapt "wasi_snapshot_preview1=$adapters/rc-2023-11-10.command.wasm" -o target/udp-demo.legacy.wasm

rc-adapter plug target/udp-demo.legacy.wasm -o target/udp-demo.fixed.wasm
mkdir -p target/demo
echo "hello from a file on the host" > target/demo/greeting.txt
wasmtime run -W component-model-more-async-builtins=y -S inherit-network=y -S allow-ip-name-lookup=y \
  --dir target/demo::/demo target/udp-demo.fixed.wasm /demo/greeting.txt
