#!/usr/bin/env bash
# Fails when a C++ file under src/, tests/ or bench/ is not formatted as
# .clang-format says, naming each file. Fix with:
#   git ls-files '*.cc' '*.h' | xargs clang-format-14 -i
#
# Usage: tests/check_format.sh SOURCE_DIR   (ctest runs it: tier lint)
set -euo pipefail
cd "$1"
bad=$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'bench/*.h' |
  xargs clang-format-14 --dry-run 2>&1 | sed -n -E 's/^([^:]+):[0-9]+:[0-9]+: (warning|error): .*/\1/p' |
  sort -u)
if [ -n "$bad" ]; then
  echo "not formatted as .clang-format says (run clang-format-14 -i on them):" >&2
  echo "$bad" >&2
  exit 1
fi
