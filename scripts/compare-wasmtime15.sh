#!/usr/bin/env bash
# compare-wasmtime15.sh [--udp 0.3|0.2]: the reference run. Each legacy test program, built as
# a 2023 component, runs UNPLUGGED on wasmtime 15.0.1 (the host it was built for) and plugged
# on wasmtime 50.0.1 (by `rc-adapter plug`, with the build --udp picks, or its default); their
# outputs are compared line by line after ports and times are masked.
# Installs wasmtime-cli 15.0.1 into target/wasmtime15 first (a 15-20 minute build; not
# locked: its 2023 lock file does not build with rustc 1.99). Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
udp=()
if [ "${1:-}" = --udp ]; then udp=(--udp "$2"); fi
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
old=target/wasmtime15/bin/wasmtime
if [ ! -x "$old" ]; then
  cargo install wasmtime-cli@15.0.1 --root target/wasmtime15
fi
cargo test -q -p host-test --test legacy_commands --test udp_conformance >/dev/null # builds
cargo build -q --release -p rc-adapter
c=target/components
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# Ports, and the details a passed check prints (times, random values), differ by nature.
mask() { sed -E 's/^(ok [^(]*) \(.*\)$/\1/; s/[0-9]{4,5}\b/PORT/g'; }
status=0
compare() { # compare NAME STDIN ARGS..: one program on both hosts
  local name=$1 input=$2; shift 2
  mkdir -p "$dir/15" "$dir/50"
  echo "== $name $*"
  (cd "$dir/15" && printf '%s' "$input" | timeout 60 "$OLDPWD/$old" run -W component-model -S inherit-network \
    -S allow-ip-name-lookup --dir .::/sandbox "$OLDPWD/$c/$name.0.2.0-rc-2023-11-10.legacy.wasm" "$@" \
    > out 2> err; echo "exit $?" >> out) || true
  # The line rc-adapter prints, less the component, which goes after --dir.
  line=$(target/release/rc-adapter plug "${udp[@]}" "$c/$name.0.2.0-rc-2023-11-10.legacy.wasm" \
    -o "$dir/fixed.wasm" 2>&1 >/dev/null | sed -n 's/^run it with: //p')
  line=${line% *}
  # shellcheck disable=SC2086 # the flags are words
  (cd "$dir/50" && printf '%s' "$input" | timeout 60 $line --dir .::/sandbox \
    "$dir/fixed.wasm" "$@" > out 2> err; echo "exit $?" >> out) || true
  if diff -a <(mask < "$dir/15/out") <(mask < "$dir/50/out"); then
    echo "same ($(wc -l < "$dir/50/out") lines)"
  else
    status=1
    echo "--- wasmtime 15 stderr:"; tail -5 "$dir/15/err"
  fi
  rm -rf "$dir/15" "$dir/50" "$dir/fixed.wasm"
}
compare legacy-cli "some input" ok "two words"
compare legacy-cli "" err
compare legacy-fs "" /sandbox
compare legacy-fs-rights "" /sandbox
compare legacy-streams "abcdefrest of input"
compare legacy-random "" "$(date +%s)"
compare legacy-tcp ""
compare legacy-lookup ""
compare udp-demo ""
for fam in ipv4 ipv6; do
  for scenario in bind options exchange send-errors poll-mix refused; do
    compare rc-conformance "" $scenario $fam
  done
  compare rc-bad-input "" $fam
done
compare rc-conformance "" clock
compare rc-dual-stack ""
exit $status
