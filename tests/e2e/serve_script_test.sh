#!/usr/bin/env bash
# scripts/serve as a person runs it: as a primary it creates the database from
# data/ and serves it; as a read replica (--read_only --bundle_dir=DIR) it
# serves the newest bundle in DIR, which a bundle of that database feeds. Each
# is called with buf curl through reflection, and the answer is checked.
#
# Usage: tests/e2e/serve_script_test.sh SOURCE_DIR BINARY_DIR   (ctest runs it: tier e2e)
set -euo pipefail
src=$(cd "$1" && pwd)
bin=$(cd "$2" && pwd)
# scripts/serve runs this tree's binaries and builds nothing (a test must not).
export HC_BUILD_DIR="$bin" HC_NO_BUILD=1
buf="$src/.tools/buf/node_modules/.bin/buf"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Starts scripts/serve with "$@" and free ports; sets $port and $http_port.
serve() {
  local log=$1; shift
  "$src/scripts/serve" --listen=127.0.0.1:0 --http_listen=127.0.0.1:0 "$@" 2>"$log" &
  pids+=($!)
  port=
  for _ in $(seq 1 600); do
    port=$(sed -n 's/.*"msg":"serving".*"port":"\([0-9]*\)".*/\1/p' "$log" | head -1)
    http_port=$(sed -n 's/.*"msg":"serving".*"http_port":"\([0-9]*\)".*/\1/p' "$log" | head -1)
    [ -n "$port" ] && return 0
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then cat "$log" >&2; echo "serve_script_test: scripts/serve $* exited" >&2; exit 1; fi
    sleep 0.1
  done
  cat "$log" >&2; echo "serve_script_test: scripts/serve $* did not serve within 60 s" >&2; exit 1
}

# The article's title as served on $port, through reflection.
title_on() {
  "$buf" curl --protocol grpc --http2-prior-knowledge \
    -d '{"name":"articles/biological-therapy-for-cancer"}' \
    "http://127.0.0.1:$1/healthcontent.v1.ArticleService/GetArticle" |
    sed -n 's/^  "title": "\(.*\)",$/\1/p'
}

# Primary: bootstraps its database from data/.
serve "$work/primary.log" --db="$work/primary.db"
primary_port=$port
got=$(title_on "$primary_port")
if [ "$got" != "Biological therapy for cancer" ]; then
  echo "serve_script_test: the primary answered title \"$got\"" >&2; exit 1
fi
# Its HTTP face: the article as JSON with its ETag (the etag and the UTC
# day), as the README shows.
curl -sS -D "$work/headers" -o "$work/article.json" \
  "http://127.0.0.1:$http_port/v1/articles/biological-therapy-for-cancer"
got=$(jq -r .title "$work/article.json")
etag=$(jq -r .etag "$work/article.json")
if [ "$got" != "Biological therapy for cancer" ] ||
   ! grep -qi "^etag: \"$etag.$(date -u +%F)\"" "$work/headers" || ! head -1 "$work/headers" | grep -q " 200"; then
  cat "$work/headers" "$work/article.json" >&2
  echo "serve_script_test: GET /v1/articles/biological-therapy-for-cancer answered the above" >&2; exit 1
fi

# Replica: a bundle of the primary's database, served without --db.
mkdir "$work/bundles"
"$bin/src/healthcontent" bundle --db="$work/primary.db" --out="$work/bundles" >/dev/null
serve "$work/replica.log" --read_only --bundle_dir="$work/bundles"
got=$(title_on "$port")
if [ "$got" != "Biological therapy for cancer" ]; then
  cat "$work/replica.log" >&2
  echo "serve_script_test: the replica answered title \"$got\"" >&2; exit 1
fi
if grep -q '"bootstrap_dir"\|--bootstrap_dir' "$work/replica.log"; then
  cat "$work/replica.log" >&2
  echo "serve_script_test: the replica was given --bootstrap_dir" >&2; exit 1
fi
echo "serve_script_test: primary on $primary_port and replica on $port serve the seed article"
