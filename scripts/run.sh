#!/usr/bin/env bash
# run.sh PLUGGED.wasm [ARGS..]: runs a plugged component in wasmtime 50.0.1 (embedded, with
# the same settings as `wasmtime run -W component-model-more-async-builtins=y
# -S inherit-network=y`; see README).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
wasm=$(realpath "${1:?usage: run.sh PLUGGED.wasm [ARGS..]}"); shift
cargo run -q --manifest-path "$root/Cargo.toml" -p host-test --bin run-component -- "$wasm" "$@"
