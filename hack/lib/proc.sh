# Process helpers for scripts that run long-lived daemons out of one state directory.
# Source this file after setting STATE (an absolute directory). Linux only: liveness
# is read from /proc.
#
# Every daemon is recorded as $STATE/<name>.pid and logs to $STATE/<name>.log. A pid
# counts as ours only while its command line mentions "$STATE/": a pid file left
# behind by a crash, whose number the kernel has since reused, is never mistaken for
# a running daemon, and never signalled.

# proc_cmdline PID: the command line of PID with arguments separated by spaces.
# Fails for a process that is gone, and for a zombie (its command line is empty).
proc_cmdline() {
  local cmd
  cmd=$({ tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null) || return 1
  [ -n "$cmd" ] || return 1
  printf '%s\n' "$cmd"
}

# proc_ours PID: true while PID runs and belongs to this state directory.
proc_ours() {
  local cmd
  cmd=$(proc_cmdline "$1") || return 1
  [[ $cmd == *"$STATE/"* ]]
}

# proc_pid NAME: prints the pid of daemon NAME if it runs; fails otherwise.
proc_pid() {
  local pid
  pid=$(cat "$STATE/$1.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && proc_ours "$pid" || return 1
  printf '%s\n' "$pid"
}

proc_alive() { proc_pid "$1" >/dev/null; }

# proc_clean_stale: removes the pid files of daemons that no longer run.
proc_clean_stale() {
  local f
  for f in "$STATE"/*.pid; do
    [ -e "$f" ] || continue
    proc_alive "$(basename "$f" .pid)" || rm -f "$f"
  done
}

# proc_start NAME CMD...: runs CMD detached (own session, stdin closed, output to
# $STATE/NAME.log) unless NAME already runs. The pid file holds CMD's own pid: the
# small sh writes its pid and then becomes CMD by exec.
proc_start() {
  local name=$1 i
  shift
  proc_alive "$name" && return 0
  rm -f "$STATE/$name.pid"
  setsid sh -c 'echo $$ >"$0"; exec "$@"' "$STATE/$name.pid" "$@" \
    </dev/null >"$STATE/$name.log" 2>&1 &
  for i in $(seq 1 50); do
    [ -s "$STATE/$name.pid" ] && return 0
    sleep 0.1
  done
  proc_fail "$name did not start" "$name"
}

# proc_stop NAME [GRACE_SECONDS]: SIGTERM, wait up to GRACE_SECONDS (default 10),
# then SIGKILL; removes the pid file.
proc_stop() {
  local name=$1 grace=${2:-10} pid i
  if pid=$(proc_pid "$name"); then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 $((grace * 10))); do
      proc_ours "$pid" || break
      sleep 0.1
    done
    if proc_ours "$pid"; then
      echo "$name did not stop in ${grace}s: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      for i in $(seq 1 50); do proc_ours "$pid" || break; sleep 0.1; done
    fi
  fi
  rm -f "$STATE/$name.pid"
}

# proc_fail MESSAGE [NAME...]: prints MESSAGE and the tail of each named log, exits 1.
proc_fail() {
  local msg=$1 name
  shift
  echo "error: $msg" >&2
  for name in "$@"; do
    [ -s "$STATE/$name.log" ] || continue
    echo "--- last 40 lines of $STATE/$name.log ---" >&2
    tail -n 40 "$STATE/$name.log" >&2
  done
  exit 1
}

# proc_wait SECONDS WHAT NAME CMD...: polls CMD until it succeeds. Fails, with NAME's
# log, when SECONDS pass or when daemon NAME exits meanwhile.
proc_wait() {
  local secs=$1 what=$2 name=$3 deadline
  shift 3
  deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    proc_alive "$name" || proc_fail "$name exited before $what" "$name"
    [ "$SECONDS" -lt "$deadline" ] || proc_fail "$what: not within ${secs}s" "$name"
    sleep 0.2
  done
}
