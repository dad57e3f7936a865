#!/usr/bin/env bash
# Runs before `npm test` (npm's pretest): the suite needs Debian's Chromium (Playwright cannot
# download a browser here), Radicale and Xandikos (real CalDAV servers). As root it installs what
# is missing; otherwise it prints the one command that does, and stops.
set -euo pipefail
need=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium)
command -v "${RADICALE_BIN:-radicale}" >/dev/null 2>&1 || need+=(radicale)
command -v "${XANDIKOS_BIN:-xandikos}" >/dev/null 2>&1 || need+=(xandikos)
[ ${#need[@]} -eq 0 ] && exit 0
command="apt-get update && apt-get install -y --no-install-recommends ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need Debian packages that are not installed: ${need[*]}. Install them with:" >&2
  echo "  sudo sh -c '$command'" >&2
  exit 1
fi
echo "== installing ${need[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
