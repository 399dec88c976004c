# -*- bash -*-
# Helpers for the container tests: processes standing in for a container's
# init and monitor (so kill/stop/wait/ps/rm can be tested on real processes
# without `run`), and a guard for tests that need `kayak run`.

# start_process VAR CMD...: start CMD in the background, detached from bats'
# output, and store its pid in VAR. Killed by stop_processes.
STARTED_PIDS=()
start_process() {
    local var=$1; shift
    "$@" </dev/null >/dev/null 2>&1 3>&- 4>&- &
    local pid=$!
    STARTED_PIDS+=("$pid")
    printf -v "$var" '%s' "$pid"
}

stop_processes() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        kill -9 "$pid" 2>/dev/null || true
    done
    STARTED_PIDS=()
}

# A process that ignores SIGTERM, as many container programs do.
TERM_IGNORING=(python3 -c 'import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
time.sleep(1000)')

# wait_term_ignored PID: waits (up to 10 s) until PID ignores SIGTERM (bit
# 15 of SigIgn), so a test does not race the program's start.
wait_term_ignored() {
    local i mask
    for ((i = 0; i < 200; i++)); do
        mask=$(awk '/^SigIgn:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
        [[ -n $mask ]] && (( (16#$mask >> 14) & 1 )) && return 0
        sleep 0.05
    done
    die "process $1 does not ignore SIGTERM"
}

# fake_running CONTAINER_ID INIT_PID [MONITOR_PID] [BOOT_ID]: record the
# container as running with INIT_PID as its init (and MONITOR_PID as its
# monitor), start times read from /proc as the runtime records them.
fake_running() {
    python3 - "$KAYAK_ROOT/containers/$1/state.json" "$2" "${3:-0}" "${4:-}" <<'PY'
import json, os, sys, time
path, pid, monitor, boot = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def start_time(p):
    if p == 0:
        return 0
    stat = open(f"/proc/{p}/stat").read()
    return int(stat[stat.rindex(")") + 2:].split()[19])
if not boot:
    boot = open("/proc/sys/kernel/random/boot_id").read().strip()
state = json.load(open(path))
state.update(status="running", pid=pid, pid_start_time=start_time(pid), monitor_pid=monitor,
             monitor_start_time=start_time(monitor), boot_id=boot,
             started_at=time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime(time.time() - 5)))
tmp = path + ".tmp"
json.dump(state, open(tmp, "w"))
os.rename(tmp, path)
PY
}

# process_gone PID: true once PID has exited (a zombie counts as gone).
process_gone() {
    local state
    state=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 0
    [[ -z $state || $state == Z || $state == X ]]
}

skip_if_no_run() {
    kayak run --help >/dev/null 2>&1 || skip "kayak run does not exist yet"
}
