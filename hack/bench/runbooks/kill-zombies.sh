#!/usr/bin/env bash
# Reproduces the logic of the published "Kill zombie processes" runbook (a cron job,
# every 5 minutes), for comparison with `kubectl akash node-debug zombies --local` in
# `make bench`. This is kubectl-akash's own re-creation of that runbook's steps,
# defects kept (one zombie per run, `cut -d' '` on stat lines, PIDs signalled after
# sleeping):
#   scan /proc/[0-9]*/stat for zombies and take the first one; walk its parent chain
#   up to PID 1; act only if the chain contains containerd-shim and the zombie's
#   parent is not the shim itself; then send the parent SIGCHLD (wait 15 s), SIGTERM
#   (15 s), SIGKILL (5 s), re-checking the zombie after each.
# Differences, for benchmarking on synthetic trees: PROC_ROOT replaces /proc, and with
# DRY_RUN=1 (what the bench uses) each signal is printed instead of sent and the
# sleeps are skipped (a real run spends up to 35 s more in them).
#
# Environment: PROC_ROOT (default /proc), DRY_RUN.
set -u
PROC=${PROC_ROOT:-/proc}

zombies=()
for stat in "$PROC"/[0-9]*/stat; do
  state=$(cut -d' ' -f3 "$stat" 2>/dev/null) || continue
  if [ "$state" = Z ]; then
    zombies+=("$(cut -d' ' -f1 "$stat")")
  fi
done
if [ ${#zombies[@]} -eq 0 ]; then
  echo "no zombies"
  exit 0
fi
zombie=${zombies[0]}
echo "${#zombies[@]} zombies; handling $zombie"

parent=$(cut -d' ' -f4 "$PROC/$zombie/stat")
parent_comm=$(cut -d' ' -f2 "$PROC/$parent/stat" | tr -d '()')
chain=""
pid=$parent
while [ -n "$pid" ] && [ "$pid" != 0 ] && [ -r "$PROC/$pid/stat" ]; do
  comm=$(cut -d' ' -f2 "$PROC/$pid/stat" | tr -d '()')
  chain="$chain $comm"
  [ "$pid" = 1 ] && break
  pid=$(cut -d' ' -f4 "$PROC/$pid/stat")
done
echo "parent chain:$chain"
case $chain in
*containerd-shim*) ;;
*)
  echo "not in a container: leaving it"
  exit 0
  ;;
esac
if [ "$parent_comm" = containerd-shim ]; then
  echo "the parent is the shim: leaving it"
  exit 0
fi

still_zombie() { [ "$(cut -d' ' -f3 "$PROC/$zombie/stat" 2>/dev/null)" = Z ]; }
for step in "CHLD 15" "TERM 15" "KILL 5"; do
  set -- $step
  if [ "${DRY_RUN:-}" = 1 ]; then
    echo "would kill -$1 $parent, then sleep $2"
  else
    kill "-$1" "$parent"
    sleep "$2"
  fi
  if ! still_zombie; then
    echo "zombie $zombie reaped"
    exit 0
  fi
done
echo "zombie $zombie is still there"
