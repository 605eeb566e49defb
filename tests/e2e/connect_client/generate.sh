#!/usr/bin/env bash
# Generates the protobuf-es (v2) JavaScript for the healthcontent.v1 API into
# OUT_DIR, for client_test.mjs. Never writes into the source tree.
#
# Usage: tests/e2e/connect_client/generate.sh OUT_DIR
#
# OUT_DIR gets:
#   healthcontent/v1/*_pb.js    every proto in proto/healthcontent/v1/
#   google/{type,api,rpc}/*_pb.js  the non-well-known files those import
#                               (protoc-gen-es only generates the files named
#                               on the command line, so the closure of imports
#                               is computed and named), plus
#                               google/rpc/error_details_pb.js for BadRequest
#   package.json                {"type": "module"}: the .js files are ESM
#   node_modules ->             .tools/connect-es/node_modules, so that
#                               "@bufbuild/protobuf" (and the Connect packages,
#                               through deps.js) resolve: Node's ESM resolver
#                               ignores NODE_PATH and walks up from each file
#   deps.js                     re-exports the Connect runtime packages, so a
#                               script outside OUT_DIR shares one copy of them
# google/protobuf/*.proto are not generated: protobuf-es v2 ships them in
# @bufbuild/protobuf/wkt, and the generated code imports them from there.
#
# Needs protoc (/usr/bin/protoc) and `scripts/install-deps` (.tools/connect-es).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/../../.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)

PROTOC=${PROTOC:-/usr/bin/protoc}
GOOGLEAPIS=/usr/share/gocode/src/github.com/gogo/googleapis
tools="$root/.tools/connect-es/node_modules"
plugin="$tools/.bin/protoc-gen-es"
for need in "$PROTOC" "$plugin" "$GOOGLEAPIS/google/type/date.proto" /usr/include/google/protobuf/timestamp.proto; do
  if [ ! -e "$need" ]; then
    echo "generate.sh: missing $need (run scripts/install-deps)" >&2
    exit 1
  fi
done
includes=(-I "$root/proto" -I "$GOOGLEAPIS" -I /usr/include)

cd "$root/proto"
api_files=(healthcontent/v1/*.proto)
# google/rpc/error_details.proto is not imported by the API, but its
# BadRequest is how INVALID_ARGUMENT explains itself (error details).
roots=("${api_files[@]}" google/rpc/error_details.proto)

# Every file the roots import, transitively, in protoc's own resolution:
# the FileDescriptorSet's top-level `name:` lines (two-space indent).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PROTOC" "${includes[@]}" --include_imports --descriptor_set_out="$tmp/all.pb" "${roots[@]}"
"$PROTOC" -I /usr/include --decode=google.protobuf.FileDescriptorSet \
  google/protobuf/descriptor.proto <"$tmp/all.pb" >"$tmp/all.txt"
mapfile -t files < <(sed -n 's/^  name: "\(.*\)"$/\1/p' "$tmp/all.txt" | grep -v '^google/protobuf/')
if ((${#files[@]} < ${#roots[@]})); then
  echo "generate.sh: could not list the proto files to generate" >&2
  exit 1
fi

rm -rf "$out/healthcontent" "$out/google"
"$PROTOC" "${includes[@]}" \
  --plugin=protoc-gen-es="$plugin" \
  --es_out="$out" \
  --es_opt=target=js,import_extension=js \
  "${files[@]}"

printf '{\n  "private": true,\n  "type": "module"\n}\n' >"$out/package.json"
ln -sfn "$tools" "$out/node_modules"
cat >"$out/deps.js" <<'EOF'
// Written by tests/e2e/connect_client/generate.sh.
export * as connect from "@connectrpc/connect";
export * as connectNode from "@connectrpc/connect-node";
export * as protobuf from "@bufbuild/protobuf";
EOF
echo "generate.sh: generated ${#files[@]} files into $out:" >&2
printf '  %s\n' "${files[@]}" >&2
