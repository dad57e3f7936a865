#!/usr/bin/env bash
# `npm test`: the static checks, then the unit and integration tests while the test build of the
# app is made beside them (the build is mostly one core's work, the tests leave room), then the
# Playwright specs against that build. The build's output is printed when it is done.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent checks

build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
npm run --silent build:e2e >"$build_log" 2>&1 &
build_pid=$!
unit_status=0
npm run --silent test:unit || unit_status=$?
build_status=0
wait "$build_pid" || build_status=$?
echo "== test build (npm run build:e2e): $([ $build_status -eq 0 ] && echo passed || echo FAILED)"
cat "$build_log"
[ $unit_status -eq 0 ] || exit $unit_status
[ $build_status -eq 0 ] || exit $build_status

npm run --silent test:e2e:built
