#!/usr/bin/env bash
# compare-wasmtime15-http.sh: the reference run for HTTP. The 11-10 test proxy
# (host-test/guests/http/nov, wasm32-wasip1 + cargo-component 0.5.0's reactor adapter) is
# served UNPLUGGED by `wasmtime serve` 15.0.1 (the host it was built for) and plugged by
# `wasmtime serve` 50.0.1 with the line `rc-adapter plug` prints; each route gets one raw
# HTTP/1.1 request, and the two responses are compared byte for byte, but for the `date`
# header and the `connection: close` that wasmtime 50's hyper adds (the host's, not the
# component's). Needs target/wasmtime15 (scripts/compare-wasmtime15.sh installs it) and python3.
# Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
old=target/wasmtime15/bin/wasmtime
[ -x "$old" ] || { echo "error: no $old (scripts/compare-wasmtime15.sh installs it)" >&2; exit 1; }
cargo test -q -p host-test --test http_serve a_proxy_gets >/dev/null # builds and plugs
cargo build -q --release -p rc-adapter
legacy=target/components/proxy_nov.0.2.0-rc-2023-11-10.legacy.wasm
dir=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$dir"' EXIT
line=$(target/release/rc-adapter plug "$legacy" -o "$dir/fixed.wasm" 2>&1 >/dev/null \
  | sed -n 's/^run it with: //p')
line=${line% *}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
p15=$(free_port) p50=$(free_port) peer=$(free_port)
"$old" serve --addr "127.0.0.1:$p15" "$legacy" > "$dir/15.log" 2>&1 & pids+=($!)
# shellcheck disable=SC2086 # the flags are words
$line --addr "127.0.0.1:$p50" "$dir/fixed.wasm" > "$dir/50.log" 2>&1 & pids+=($!)
python3 -m http.server "$peer" --bind 127.0.0.1 --directory "$dir" > /dev/null 2>&1 & pids+=($!)
for log in 15 50; do
  until grep -q "Serving HTTP" "$dir/$log.log"; do sleep 0.2; done
done
get() { # get PORT PATH: the raw response, `date` and `connection` left out
  python3 - "$1" "$2" <<'PY'
import re, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
s.sendall(f"GET {sys.argv[2]} HTTP/1.1\r\nhost: x\r\nconnection: close\r\nte: trailers\r\n\r\n".encode())
data = b""
while chunk := s.recv(65536):
    data += chunk
sys.stdout.write(re.sub(rb"(?i)(date|connection): [^\r]*\r\n", b"", data).decode("utf8", "replace"))
PY
}
same=0 differ=0
for path in /hello /headers /forbidden /trailers "/status?code=418" "/status?code=1000" \
  /world /exit "/outbound?port=$peer&n=2" "/outbound?port=1" \
  "/outbound?host=no-such-host.invalid" /trap-before /trap-after /nowhere \
  /options /timer-zero /trailers-twice; do
  echo "== GET ${path/$peer/PEER}"
  if diff <(get "$p15" "$path") <(get "$p50" "$path"); then
    echo same; same=$((same + 1))
  else
    differ=$((differ + 1))
  fi
done
echo "$same routes the same, $differ differ"
