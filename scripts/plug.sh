#!/usr/bin/env bash
# plug.sh [--print] LEGACY.wasm [OUT.wasm]: makes a component built against WASI
# 0.2.0-rc-2023-11-10 (or -12-05) runnable on wasmtime 50, in one `wac compose`:
#   - the adapter (target/rc-adapter.wasm; built first only if missing, or $RC_ADAPTER)
#     serves every rc import;
#   - an rc `wasi:cli/run` export is exported again as `wasi:cli/run@0.2.0`, the name
#     wasmtime runs; every other export is kept as it is (reactors, 0.2.x `run`).
# It stops, saying why, on input it cannot fix. --print shows the wac script it runs.
set -euo pipefail
print=no
if [ "${1:-}" = --print ]; then print=yes; shift; fi
legacy=${1:?usage: plug.sh [--print] LEGACY.wasm [OUT.wasm]}
out=${2:-${legacy%.wasm}.plugged.wasm}
root="$(cd "$(dirname "$0")/.." && pwd)"
die() { echo "error: $legacy: $*" >&2; exit 1; }

[ -f "$legacy" ] || die "not a file"
# A component's preamble is \0asm, then version 0x0d and layer 1; a core module's is 1, 0.
case "$(od -An -tx1 -N8 "$legacy" | tr -d ' \n')" in
  0061736d0d000100) ;;
  0061736d01000000) die "a core wasm module, not a component; make it one first (wasm-tools component new --adapt)" ;;
  *) die "not a WebAssembly component" ;;
esac

adapter=${RC_ADAPTER:-$root/target/rc-adapter.wasm}
if [ ! -f "$adapter" ]; then
  adapter="$root/$("$root/scripts/build-adapter.sh")"
fi

wit=$(wasm-tools component wit "$legacy") || die "wasm-tools cannot read it"
names() { # names import|export: the names the component has: interfaces, and plain
  # names of inline instances and functions (`export exports: interface {`, `export f: func`)
  echo "$wit" | sed -n -e "s/^  $1 \([a-z0-9:/@.-]*\);\$/\1/p" \
    -e "s/^  $1 \([a-z0-9-]*\): .*/\1/p" | sort -u
}
rc_imports=$(names import | grep -- '@0.2.0-rc-' || true)
[ -n "$rc_imports" ] || die "imports nothing @0.2.0-rc-2023-*; there is nothing to plug"
provided=$(wasm-tools component wit "$adapter" | sed -n 's/^  export \([a-z0-9:/@.-]*\);$/\1/p')
missing=$(comm -23 <(echo "$rc_imports") <(echo "$provided" | sort -u) | sed '/^$/d')
if [ -n "$missing" ]; then
  echo "error: $legacy imports rc interfaces this adapter does not provide:" >&2
  echo "$missing" | sed 's/^/  /' >&2
  echo "The adapter covers: $(echo $provided)" >&2
  exit 1
fi

script=$(mktemp --suffix=.wac)
trap 'rm -f "$script"' EXIT
{
  echo "package rc-adapter:plugged;"
  echo "let adapter = new rc-adapter:adapter { ... };"
  echo "let app = new legacy:app { ...adapter, ... };"
  for name in $(names export); do
    case "$name" in
      wasi:cli/run@0.2.0-rc-*) echo "export app[\"$name\"] as \"wasi:cli/run@0.2.0\";" ;;
      *) echo "export app[\"$name\"];" ;;
    esac
  done
} > "$script"
if [ $print = yes ]; then cat "$script"; fi
wac compose "$script" --dep rc-adapter:adapter="$adapter" --dep legacy:app="$legacy" -o "$out"
echo "plugged $(echo "$rc_imports" | wc -l) rc interfaces: $out"
