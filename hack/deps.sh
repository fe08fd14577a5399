#!/usr/bin/env bash
# Makes sure the machine has the Debian tools the tests and the bench run besides Go:
# openssl (the local cluster's keys) and jq (the runbook re-creations the bench and its
# smoke test run). Installs what is missing with apt-get when run as root; otherwise
# says what to install. The real node's own packages are installed when it starts
# (hack/lib/realnode.sh).
set -euo pipefail

# hack/deps.sh [TOOL...] checks only those tools: `make demo` needs openssl alone.
tools=("$@")
[ $# -gt 0 ] || tools=(openssl jq)
need=()
for t in "${tools[@]}"; do
  command -v "$t" >/dev/null || need+=("$t")
done
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "error: the tests need ${need[*]}: install them (apt-get install ${need[*]})" >&2
  exit 1
fi
echo "deps: installing ${need[*]} (first run only)" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"; } >"$log" 2>&1; then
  tail -20 "$log" >&2
  echo "error: apt-get install ${need[*]} failed" >&2
  exit 1
fi
