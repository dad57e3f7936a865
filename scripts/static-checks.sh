#!/usr/bin/env bash
# `npm test`'s static checks: the Prettier format check, the TypeScript check and ESLint. Each is
# one single-threaded process, so on a two-core machine they run side by side (about the time of
# the slowest instead of the sum); each one's output is printed whole, in this order, once all end.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
names=(format:check typecheck lint)
pids=()
for name in "${names[@]}"; do
  npm run --silent "$name" >"$out/$name.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!names[@]}"; do
  name=${names[$i]}
  if wait "${pids[$i]}"; then result=passed; else result=FAILED; status=1; fi
  echo "== $name: $result"
  cat "$out/$name.log"
done
exit $status
