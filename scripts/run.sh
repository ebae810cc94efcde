#!/usr/bin/env bash
# run.sh [WASMTIME FLAGS..] FIXED.wasm [ARGS..]: runs a plugged component with the wasmtime
# 50.0.1 CLI and the flags the README lists for it (read from README.md): the line with
# `-W component-model-more-async-builtins=y` if it was plugged with rc UDP over WASI 0.3
# (it imports wasi:sockets/types@0.3.0), the line without otherwise.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fixed=
for arg in "$@"; do
  case "$arg" in *.wasm) fixed=$arg; break ;; esac
done
[ -n "$fixed" ] || { echo "usage: run.sh [WASMTIME FLAGS..] FIXED.wasm [ARGS..]" >&2; exit 2; }
if wasm-tools component wit "$fixed" | grep -q '^  import wasi:sockets/types@0\.3\.0;'; then
  line=$(grep -m1 '^wasmtime run .*component-model-more-async-builtins=y.* fixed.wasm' "$root/README.md")
else
  line=$(grep -v 'component-model-more-async-builtins' "$root/README.md" | grep -m1 '^wasmtime run .* fixed.wasm')
fi
flags=${line#wasmtime run }
flags=${flags% fixed.wasm*}
# shellcheck disable=SC2086 # the README's flags are words
exec wasmtime run $flags "$@"
