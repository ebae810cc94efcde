#!/usr/bin/env bash
# Fetches the preview1 adapters that 2023 tools wrapped every wasm32-wasi module with, from the
# cargo-component crates that shipped them, through cargo (the crates are downloaded, never
# built), checks their sha256 and copies them to target/preview1-adapters/:
#   rc-2023-11-10.{command,reactor}.wasm  cargo-component 0.5.0, adapters/6f0da84 (wasmtime 15 era)
#   rc-2023-12-05.{command,reactor}.wasm  cargo-component 0.6.0, adapters/6613acd (wasmtime 16 era)
# The command adapter wraps a program with `main`; the reactor adapter wraps a library (an HTTP
# proxy, say), as cargo-component and componentize-py did.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/preview1-adapters
mkdir -p "$out"

fetch() { # fetch CRATE_VERSION ADAPTER_DIR KIND SHA256 OUT_NAME
  local version=$1 dir=$2 kind=$3 sum=$4 name=$5 manifest crate
  if [ -f "$out/$name" ] && echo "$sum  $out/$name" | sha256sum -c --quiet 2>/dev/null; then
    return
  fi
  manifest=scripts/preview1-adapters/cargo-component-$version/Cargo.toml
  crate=$(cargo metadata -q --format-version 1 --manifest-path "$manifest" \
    | grep -o "\"manifest_path\":\"[^\"]*/cargo-component-$version/Cargo.toml\"" \
    | head -n 1 | sed 's/^"manifest_path":"//; s/\/Cargo.toml"$//')
  [ -n "$crate" ] || { echo "error: cargo did not fetch cargo-component $version" >&2; exit 1; }
  echo "$sum  $crate/adapters/$dir/wasi_snapshot_preview1.$kind.wasm" | sha256sum -c --quiet
  cp "$crate/adapters/$dir/wasi_snapshot_preview1.$kind.wasm" "$out/$name"
}

fetch 0.5.0 6f0da84 command 68eb72f52c66be603fd5f5e26e6dc0557b9643c2c9708ec68abb5a815cd04b3f \
  rc-2023-11-10.command.wasm
fetch 0.5.0 6f0da84 reactor f664c70a224c22715a34f37d6c15485a5f9da679c80b8e1bf46b38a4c183d12f \
  rc-2023-11-10.reactor.wasm
fetch 0.6.0 6613acd command a159657b7f84f097e820cb5ac8c2fa733c89c795b4eeb4a83c3751dbc7025cb4 \
  rc-2023-12-05.command.wasm
fetch 0.6.0 6613acd reactor 1891aac4f7934ef3d174f6e14218d9e2c18ab05ce41d2d4e3facc171ab1b4d66 \
  rc-2023-12-05.reactor.wasm
echo "$out"
