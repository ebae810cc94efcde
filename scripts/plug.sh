#!/usr/bin/env bash
# plug.sh LEGACY.wasm [OUT.wasm]: plugs the adapter into a component built against
# WASI 0.2.0-rc-2023-11-10. First lists every rc import the adapter does not provide,
# by name, and stops if there is one.
set -euo pipefail
legacy=${1:?usage: plug.sh LEGACY.wasm [OUT.wasm]}
out=${2:-${legacy%.wasm}.plugged.wasm}
root="$(cd "$(dirname "$0")/.." && pwd)"
adapter=$("$root/scripts/build-adapter.sh")
adapter="$root/$adapter"

interfaces() { # interfaces FILE import|export: the instance names a component has
  wasm-tools component wit "$1" | sed -n "s/^  $2 \([a-z0-9:/@.-]*\);\$/\1/p" | sort -u
}
rc_imports=$(interfaces "$legacy" import | grep -- '@0.2.0-rc-2023-11-10$' || true)
provided=$(interfaces "$adapter" export)
missing=$(comm -23 <(echo "$rc_imports") <(echo "$provided") | sed '/^$/d')
if [ -n "$missing" ]; then
  echo "error: $legacy imports rc interfaces this adapter does not provide:" >&2
  echo "$missing" | sed 's/^/  /' >&2
  echo "The adapter covers: $(echo $provided)" >&2
  exit 1
fi
if [ -z "$rc_imports" ]; then
  echo "error: $legacy imports nothing @0.2.0-rc-2023-11-10; there is nothing to plug" >&2
  exit 1
fi
wac plug --plug "$adapter" "$legacy" -o "$out"
echo "plugged $(echo "$rc_imports" | wc -l) rc interfaces: $out"
