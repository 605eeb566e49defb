#!/usr/bin/env bash
# Fails when a registered ctest test has no tier label, naming it. The tiers:
# unit, e2e, lint (fast: scripts/test), slow, fuzz, sanitize (scripts/test --full).
#
# Usage: tests/check_tiers.sh BINARY_DIR   (ctest runs it: tier lint)
set -euo pipefail
cd "$1"
tiers='^(unit|e2e|lint|slow|fuzz|sanitize)$'
count() { sed -n 's/^Total Tests: //p'; }
all=$(ctest -N | count)
labelled=$(ctest -N -L "$tiers" | count)
if [ "$all" != "$labelled" ]; then
  echo "check_tiers: $((all - labelled)) of $all tests have no tier label; they are:" >&2
  ctest -N -LE "$tiers" | grep 'Test *#' >&2
  exit 1
fi
echo "check_tiers: all $all tests have a tier"
