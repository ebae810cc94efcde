#!/usr/bin/env bash
# build-adapter.sh [--check] [udp03|udp02|proxy|http|probe-stats ..]: builds the adapter
# component from adapter/ for each build named (default: the shipped ones) and
# writes it where it belongs. A build is adapter/src as a component (wit-component), composed
# with adapter/streams-shim.wat by adapter/wrap, which makes the rc streams the host's own.
#   - udp03 (rc UDP over WASI 0.3.0) and udp02 (over WASI 0.2.x, the `udp-p2` feature) go
#     to rc-adapter/adapters/, the bytes the rc-adapter crate carries. After a change to
#     adapter/, run this and commit what it writes.
#   - proxy (the `proxy` feature: for a wasi:http proxy host, it imports only what
#     wasi:http/proxy@0.2.x gives, and serves rc HTTP itself, with adapter/http's code and
#     shim in it): its core module's imports of the host's files and sockets,
#     which it never calls, are made functions that trap (`wrap-adapter unimport`) before
#     wit-component makes it a component; it goes to rc-adapter/adapters/.
#   - http, the rc HTTP part that `rc-adapter plug` adds beside either for a component that
#     imports rc HTTP, is adapter/http as a component composed with adapter/http/shim.wat; it
#     goes to rc-adapter/adapters/rc-http.wasm.
#   - probe-stats (udp03 with the `probe-stats` feature, for `bench soak`) goes to target/.
# --check rebuilds the shipped builds into target/adapter-check/ and fails if a byte
# differs from what rc-adapter/adapters/ holds (CI runs it).
#
# The bytes are the same on any machine and checkout: the toolchain is pinned
# (rust-toolchain.toml), so are wasm-tools (1.263.0, for `parse`, `component new` and
# `strip`) and wac-graph (0.12.0, in adapter/wrap, by Cargo.lock), and the one host path
# rustc would keep (panic locations in wit-bindgen's sources under $CARGO_HOME) is remapped.
set -euo pipefail
# A failed build inside `$(build ..)` must fail the script, not check stale bytes.
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
root=$PWD

check=no
builds=()
for arg in "$@"; do
  case "$arg" in
    --check) check=yes ;;
    udp03|udp02|proxy|http|probe-stats) builds+=("$arg") ;;
    *) echo "usage: build-adapter.sh [--check] [udp03|udp02|proxy|http|probe-stats ..]" >&2; exit 2 ;;
  esac
done
[ ${#builds[@]} -gt 0 ] || builds=(udp03 udp02 proxy http)

wasm_tools_version=1.263.0
if [ "$(wasm-tools --version 2>/dev/null | cut -d' ' -f2)" != $wasm_tools_version ]; then
  echo "error: build-adapter.sh needs wasm-tools $wasm_tools_version on PATH (scripts/setup.sh installs it)" >&2
  exit 1
fi

cargo_home=${CARGO_HOME:-$HOME/.cargo}
# Only the wasm build gets these flags; a RUSTFLAGS of the caller's would override them.
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$root=/rc-adapter"

# The build step that composes the adapter with the shim runs on the host (a dev build:
# `cargo test --workspace` builds it too).
cargo build -q --locked -p wrap-adapter
mkdir -p target/adapter-parts
wasm-tools parse adapter/streams-shim.wat -o target/adapter-parts/streams-shim.wasm
wasm-tools parse adapter/http/shim.wat -o target/adapter-parts/http-shim.wasm

build() { # build NAME OUT
  local name=$1 out=$2 features=() core=target/adapter-parts/core-$1.wasm
  local crate=adapter kind=adapter shims=(target/adapter-parts/streams-shim.wasm)
  case "$name" in
    udp02) features=(--features udp-p2) ;;
    proxy) features=(--features proxy) kind=proxy
      shims+=(target/adapter-parts/http-shim.wasm) ;;
    http) crate=adapter-http kind=http shims=(target/adapter-parts/http-shim.wasm) ;;
    probe-stats) features=(--features probe-stats) ;;
  esac
  CARGO_TARGET_DIR=target/wasm-$name cargo rustc -q -p $crate --release --locked \
    --target wasm32-unknown-unknown --crate-type cdylib "${features[@]}"
  local module="target/wasm-$name/wasm32-unknown-unknown/release/${crate//-/_}.wasm"
  if [ "$name" = proxy ]; then
    target/debug/wrap-adapter unimport "$module" target/adapter-parts/proxy-core.wasm \
      wasi:filesystem/ wasi:sockets/
    module=target/adapter-parts/proxy-core.wasm
  fi
  wasm-tools component new "$module" -o "$core"
  target/debug/wrap-adapter $kind "$core" "$out.tmp" "${shims[@]}"
  # strip drops the component-name sections, a fifth of the size, which neither wac nor
  # wasmtime 50 reads.
  wasm-tools strip "$out.tmp" -o "$out"
  rm "$out.tmp"
  echo "$out"
}

file_name() { # file_name BUILD: its file in rc-adapter/adapters/
  case "$1" in
    http) echo rc-http.wasm ;;
    *) echo "rc-adapter-$1.wasm" ;;
  esac
}

if [ $check = yes ]; then
  mkdir -p target/adapter-check
  status=0
  for name in "${builds[@]}"; do
    [ "$name" != probe-stats ] || continue
    fresh=$(build "$name" "target/adapter-check/$(file_name "$name")")
    committed=rc-adapter/adapters/$(file_name "$name")
    if cmp -s "$fresh" "$committed"; then
      echo "$committed: the same as a rebuild from adapter/"
    else
      echo "error: $committed differs from a rebuild from adapter/ ($fresh);" \
        "run scripts/build-adapter.sh and commit what it writes" >&2
      status=1
    fi
  done
  exit $status
fi

for name in "${builds[@]}"; do
  case "$name" in
    probe-stats) build "$name" "target/rc-adapter-$name.wasm" ;;
    *) build "$name" "rc-adapter/adapters/$(file_name "$name")" ;;
  esac
done
