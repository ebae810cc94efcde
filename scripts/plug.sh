#!/usr/bin/env bash
# plug.sh [--print] [--udp 0.3|0.2] LEGACY.wasm [OUT.wasm]: makes a component built against
# WASI 0.2.0-rc-2023-11-10 (or -12-05) runnable on wasmtime 50, in one `wac compose`:
#   - the adapter serves every rc import. It comes in two builds, which differ only in what
#     rc UDP stands on: --udp 0.3 (WASI 0.3.0; the default for a component that imports rc
#     UDP) or --udp 0.2 (WASI 0.2.x; the default otherwise). README.md says when to pick
#     which. They are target/rc-adapter-udp03.wasm and -udp02.wasm, built first only if
#     missing; $RC_ADAPTER_DIR holds them elsewhere, $RC_ADAPTER names one file to use;
#   - an rc `wasi:cli/run` export is exported again as `wasi:cli/run@0.2.0`, the name
#     wasmtime runs; every other export is kept as it is (reactors, 0.2.x `run`).
# It stops, saying why, on input it cannot fix. --print shows the wac script it runs.
set -euo pipefail
usage="usage: plug.sh [--print] [--udp 0.3|0.2] LEGACY.wasm [OUT.wasm]"
print=no udp=
while [ $# -gt 0 ]; do
  case "$1" in
    --print) print=yes; shift ;;
    --udp) udp=${2:-}; shift 2 || true
      case "$udp" in 0.3|0.2) ;; *) echo "error: --udp takes 0.3 or 0.2; $usage" >&2; exit 2 ;; esac ;;
    --*) echo "error: unknown option $1; $usage" >&2; exit 2 ;;
    *) break ;;
  esac
done
legacy=${1:?$usage}
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

wit=$(wasm-tools component wit "$legacy") || die "wasm-tools cannot read it"
names() { # names import|export: the names the component has: interfaces, and plain
  # names of inline instances and functions (`export exports: interface {`, `export f: func`)
  echo "$wit" | sed -n -e "s/^  $1 \([a-z0-9:/@.-]*\);\$/\1/p" \
    -e "s/^  $1 \([a-z0-9-]*\): .*/\1/p" | sort -u
}
rc_imports=$(names import | grep -- '@0.2.0-rc-' || true)
[ -n "$rc_imports" ] || die "imports nothing @0.2.0-rc-2023-*; there is nothing to plug"

# Every 2023 component imports rc TCP (the preview1 adapter does); rc UDP only if it uses it.
uses_udp=no
if echo "$rc_imports" | grep -q '^wasi:sockets/udp@'; then uses_udp=yes; fi
if [ -z "$udp" ]; then
  if [ $uses_udp = yes ]; then udp=0.3; else udp=0.2; fi
fi
tag=udp${udp/./}
if [ -n "${RC_ADAPTER:-}" ]; then
  adapter=$RC_ADAPTER
else
  adapter=${RC_ADAPTER_DIR:-$root/target}/rc-adapter-$tag.wasm
  if [ ! -f "$adapter" ]; then
    adapter="$root/$("$root/scripts/build-adapter.sh" "$udp")"
  fi
fi
adapter_wit=$(wasm-tools component wit "$adapter")
provided=$(echo "$adapter_wit" | sed -n 's/^  export \([a-z0-9:/@.-]*\);$/\1/p')
# What the adapter stands on decides the line to run with ($RC_ADAPTER may name either build).
if echo "$adapter_wit" | grep -q '^  import wasi:sockets/types@0\.3\.0;'; then udp=0.3; else udp=0.2; fi
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
echo "plugged $(echo "$rc_imports" | wc -l) rc interfaces: $out (rc UDP over WASI $udp)"
quoted=$(printf %q "$out") # a line to paste, also for a path with spaces
if [ "$udp" = 0.3 ]; then
  echo "run it with: wasmtime run -W component-model-more-async-builtins=y -S inherit-network=y -S allow-ip-name-lookup=y $quoted"
  if [ $uses_udp = yes ]; then
    echo "warning: rc UDP over WASI 0.3 parks host memory while a socket idles (about 0.8 MiB and 25 store handles a second); a server that idles stops after about 65 minutes under wasmtime's default handle limit. For a long-running server, plug with --udp 0.2." >&2
  fi
else
  echo "run it with: wasmtime run -S inherit-network=y -S allow-ip-name-lookup=y $quoted"
fi
