#!/usr/bin/env bash
# The README's second command: every test (adapter state machines natively; integration
# tests that build, plug and run the legacy guests in wasmtime 50).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace "$@"
