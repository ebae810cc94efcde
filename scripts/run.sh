#!/usr/bin/env bash
# run.sh [WASMTIME FLAGS..] FIXED.wasm [ARGS..]: runs a plugged component with the wasmtime
# 50.0.1 CLI and the flags the README lists (the line is read from README.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
line=$(grep -m1 '^wasmtime run .* fixed.wasm' "$root/README.md")
flags=${line#wasmtime run }
flags=${flags% fixed.wasm*}
# shellcheck disable=SC2086 # the README's flags are words
exec wasmtime run $flags "$@"
