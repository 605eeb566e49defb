#!/usr/bin/env bash
# Fails when a file under src/ includes a header of a layer it must not
# depend on, naming the file, the line and the rule. The layers, each with
# what it may include (besides itself), as src/CMakeLists.txt states them:
#   common    -
#   domain    common
#   storage   common domain
#   importers common domain storage
#   search    common domain storage
#   api       common domain storage importers search
#   http      common domain, and of api only api/status.h (it reaches the
#             services over gRPC, through the server's in-process channel)
#   server    every layer but cli
#   cli       common domain storage importers (a client: never the server)
#
# Usage: tests/check_layers.sh SOURCE_DIR   (ctest runs it: tier lint)
set -euo pipefail
cd "$1/src"
declare -A allowed=(
  [common]=""
  [domain]="common"
  [storage]="common domain"
  [importers]="common domain storage"
  [search]="common domain storage"
  [api]="common domain storage importers search"
  [http]="common domain api/status.h"
  [server]="common domain storage importers search api http"
  [cli]="common domain storage importers"
)
layers="${!allowed[*]}"
bad=0
for layer in $layers; do
  [ -d "$layer" ] || { echo "check_layers: src/$layer is missing; update this script" >&2; exit 1; }
  while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    header=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"$rest")
    target=${header%%/*}
    [ "$target" = "$layer" ] && continue
    case " $layers " in *" $target "*) ;; *) continue ;; esac  # not one of ours
    ok=0
    for allow in ${allowed[$layer]}; do
      if [ "$allow" = "$target" ] || [ "$allow" = "$header" ]; then ok=1; fi
    done
    if ((!ok)); then
      echo "check_layers: src/$file:$line includes \"$header\": $layer may include only" \
        "${allowed[$layer]:-its own headers}" >&2
      bad=1
    fi
  done < <(grep -rnE '^#include "[a-z_]+/' "$layer" || true)
done
for dir in */; do
  dir=${dir%/}
  [ -n "${allowed[$dir]+set}" ] || { echo "check_layers: src/$dir has no rule; add one" >&2; bad=1; }
done
((bad)) && exit 1
echo "check_layers: every include under src/ points down the layers"
