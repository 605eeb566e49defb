#!/usr/bin/env bash
# Runs the Connect client end-to-end test against a running server's
# --http_listen endpoint: generates the protobuf-es code (cached while the
# protos, the generator and the pinned packages are unchanged), then runs
# client_test.mjs. Exits non-zero when a check fails.
#
# Usage: tests/e2e/connect_client/run.sh BASE_URL     e.g. http://127.0.0.1:8080
# The server must be loaded with data/ and have nothing else published.
# Generated code goes to $CONNECT_ES_GEN (default: build/connect-es-gen).
# Needs scripts/install-deps (node, protoc, .tools/connect-es).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BASE_URL   (e.g. http://127.0.0.1:8080)" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
gen=${CONNECT_ES_GEN:-$root/build/connect-es-gen}
if [ ! -f "$root/.tools/connect-es/.installed" ]; then
  echo "run.sh: .tools/connect-es is missing; run scripts/install-deps" >&2
  exit 1
fi

# What the generated code depends on. The googleapis and well-known protos
# come from Debian packages and change only with them (protoc's version).
stamp=$(
  {
    "${PROTOC:-/usr/bin/protoc}" --version
    cat "$root/.tools/connect-es/.installed" "$here/generate.sh"
    cat "$root"/proto/healthcontent/v1/*.proto
  } | sha256sum | cut -d' ' -f1
)
if [ "$(cat "$gen/.stamp" 2>/dev/null)" != "$stamp" ]; then
  # Generate beside the cache and swap it in, so an interrupted or concurrent
  # run never leaves a half-written cache behind a valid stamp.
  mkdir -p "$(dirname "$gen")"
  tmp=$(mktemp -d "$gen.tmp.XXXXXX")
  chmod 755 "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  "$here/generate.sh" "$tmp"
  echo "$stamp" >"$tmp/.stamp"
  rm -rf "$gen"
  mv "$tmp" "$gen"
  trap - EXIT
fi

exec node "$here/client_test.mjs" "$1" "$gen"
