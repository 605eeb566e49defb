#!/usr/bin/env bash
# Runs the README's runnable shell blocks, in order, against a server started
# by ./scripts/serve, so the README cannot rot.
#
# A block is runnable when the line just before its ```sh fence is
#   <!-- runnable -->
# Blocks without the marker (placeholders, root paths, servers in the
# foreground, streams that never end) are not run. The blocks run in one
# shell with `set -euo pipefail`, from a scratch copy of the checkout's layout
# (build/, .tools/, data/, ../shared/ linked; var/ fresh), with
# 127.0.0.1:50051 and 127.0.0.1:8080 replaced by the test server's gRPC and
# HTTP ports. A command that fails
# fails the test, and the output names the block and its README line.
#
# Usage: tests/e2e/readme_test.sh SOURCE_DIR BINARY_DIR   (ctest runs it: tier e2e)
set -euo pipefail
src=$(cd "$1" && pwd)
bin=$(cd "$2" && pwd)

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/main"
if [ -d "$src/../shared" ]; then ln -s "$(cd "$src/../shared" && pwd)" "$work/shared"; fi
for entry in data tests proto scripts deploy .tools README.md; do
  ln -s "$src/$entry" "$work/main/$entry"
done
ln -s "$bin" "$work/main/build"
cd "$work/main"
mkdir var

# The server as a reader starts it: scripts/serve (without its install and
# build steps: this tree is built; the sample catalogue created in var/), on
# a free port.
HC_BUILD_DIR=build HC_NO_BUILD=1 scripts/serve --listen=127.0.0.1:0 --http_listen=127.0.0.1:0 \
  2>var/server.log &
server_pid=$!
port=
for _ in $(seq 1 1200); do
  port=$(sed -n 's/.*"msg":"serving".*"port":"\([0-9]*\)".*/\1/p' var/server.log | head -1)
  http_port=$(sed -n 's/.*"msg":"serving".*"http_port":"\([0-9]*\)".*/\1/p' var/server.log | head -1)
  [ -n "$port" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then cat var/server.log >&2; echo "readme_test: the server did not start" >&2; exit 1; fi
  sleep 0.1
done
if [ -z "$port" ]; then cat var/server.log >&2; echo "readme_test: no \"serving\" line after 120 s" >&2; exit 1; fi

# The runnable blocks, each announced with its line in the README.
script=var/readme-blocks.sh
awk -v port="$port" -v http_port="$http_port" '
  /^<!-- runnable -->$/ { marked = NR; next }
  /^```sh$/ && marked == NR - 1 { inside = 1; blocks++; printf "echo \"--- README.md block %d (line %d)\" >&2\n", blocks, NR; next }
  /^```/ && inside { inside = 0; next }
  inside { gsub(/127\.0\.0\.1:50051/, "127.0.0.1:" port); gsub(/127\.0\.0\.1:8080/, "127.0.0.1:" http_port); print }
  END { if (blocks == 0) { print "echo \"readme_test: no runnable block in README.md\" >&2; exit 1" } }
' README.md >"$script"
echo "readme_test: $(grep -c '^echo "--- README.md block' "$script") runnable blocks, server on port $port" >&2

export HEALTHCONTENT_SERVER="127.0.0.1:$port"
if ! bash -euo pipefail "$script"; then
  echo "readme_test: a README command failed (the last block named above); server log:" >&2
  tail -20 var/server.log >&2
  exit 1
fi
echo "readme_test: every runnable README block ran" >&2
