#!/usr/bin/env bats
# pause / unpause, top, stats, and the resource flags on a host without a
# delegated cgroup v2 subtree (this machine: hybrid cgroups). Until `run`
# lands, a real process tree in its own pid (and, rootless, user) namespace
# stands in for a container: `unshare --pid --fork` is the monitor, its
# child the init (pid 1 of the namespace) with one child of its own.

load helpers
load container_helpers

teardown() {
    stop_processes
    basic_teardown
}

# standin NAME [SCRIPT]: create container NAME and record the stand-in
# tree as its running init (INIT, running sh -c SCRIPT, by default a sleep
# with one sleeping child) and monitor (MONITOR); CHILD is the init's child.
standin() {
    local script=${2:-'sleep 1000 & exec sleep 1001'}
    make_busybox_image
    run_kayak create --name "$1" "$BUSYBOX_REF"
    CID=$output
    local userns=()
    [[ -n $IS_ROOTLESS ]] && userns=(--user --map-root-user)
    start_process MONITOR unshare "${userns[@]}" --pid --net --fork --kill-child \
        sh -c "$script"
    local i
    for ((i = 0; i < 100; i++)); do
        INIT=$(cat "/proc/$MONITOR/task/$MONITOR/children" 2>/dev/null) && INIT=${INIT% }
        [[ -n $INIT ]] && CHILD=$(cat "/proc/$INIT/task/$INIT/children" 2>/dev/null) && CHILD=${CHILD% }
        [[ -n $INIT && -n $CHILD && ( -n ${2:-} || $(readlink /proc/$INIT/exe) == */sleep ) ]] && break
        sleep 0.05
    done
    [[ -n $CHILD ]] || die "the stand-in container did not start"
    fake_running "$CID" "$INIT" "$MONITOR"
}

proc_state() { awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat"; }

@test "resource flags without a delegated cgroup: one warning per flag, by name, and the container is created" {
    [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] && skip "this host has a unified cgroup hierarchy"
    make_busybox_image
    run_kayak_split create --name lim --memory 10m --pids-limit 5 --cpus 0.5 "$BUSYBOX_REF"
    assert "$output" =~ "^[0-9a-f]{64}$"
    assert "${#stderr_lines[@]}" -eq 3 "one warning per flag"
    assert "${stderr_lines[0]}" =~ "--memory is ignored: .*hybrid cgroups"
    assert "${stderr_lines[1]}" =~ "--pids-limit is ignored"
    assert "${stderr_lines[2]}" =~ "--cpus is ignored"
    # The values are kept in the config (inspect), and start never warns again.
    run_kayak inspect -f '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.NanoCpus}}' lim
    assert "10485760 5 500000000"
    run_kayak_split create "$BUSYBOX_REF"
    assert "$stderr" == "" "no warning without resource flags"
}

@test "pause stops every process of the container, unpause resumes them; ps and inspect show it" {
    standin web
    run_kayak pause web
    assert "web"
    assert "$(proc_state "$INIT")" == T "init stopped"
    assert "$(proc_state "$CHILD")" == T "child stopped"
    run_kayak ps --format '{{.Names}}|{{.Status}}|{{.State}}'
    assert "$output" =~ "^web\|Up [0-9]+ seconds \(Paused\)\|paused$"
    run_kayak inspect -f '{{.State.Status}} {{.State.Running}} {{.State.Paused}}' web
    assert "paused true true"
    run_kayak ps -q -f status=paused
    assert "${CID:0:12}"
    run_kayak 125 pause web
    assert_error "container $CID is already paused"
    run_kayak container unpause "${CID:0:12}"
    assert "${CID:0:12}"
    assert "$(proc_state "$INIT")" == S "init resumed"
    assert "$(proc_state "$CHILD")" == S "child resumed"
    run_kayak inspect -f '{{.State.Status}} {{.State.Paused}}' web
    assert "running false"
    run_kayak 125 unpause web
    assert_error "container $CID is not paused"
}

@test "pause and unpause of containers that are not running: Docker's errors, the others still done" {
    standin up
    run_kayak create --name idle "$BUSYBOX_REF"
    local idle=$output
    run_kayak 125 pause idle up
    assert_contains "Error: container $idle is not running"
    assert_contains "up"
    run_kayak inspect -f '{{.State.Status}}' up
    assert "paused"
    run_kayak 125 unpause idle
    assert_error "container $idle is not running"
    run_kayak 125 pause nosuch
    assert_error "No such container: nosuch"
}

@test "kill and stop of a paused container work" {
    # An init that handles SIGTERM (a namespace's pid 1 ignores signals it
    # has no handler for): it can only act on it once continued.
    standin web 'trap "exit 3" TERM; sleep 1000 & wait'
    run_kayak pause web
    assert "$(proc_state "$INIT")" == T
    run_kayak kill -s TERM web
    local i
    for ((i = 0; i < 100; i++)); do process_gone "$INIT" && break; sleep 0.05; done
    process_gone "$INIT" || die "the paused init did not act on SIGTERM"
    run_kayak ps -a --format '{{.Status}}'
    assert "$output" =~ "^Exited "

    standin other
    run_kayak pause other
    run_kayak stop -t 5 other
    assert "other"
    process_gone "$INIT" || die "stop left the paused init running"
    process_gone "$CHILD" || die "stop left a paused child running"
}

@test "top lists the container's processes with host pids, ps -ef columns" {
    standin web
    run_kayak top web
    assert "${lines[0]}" =~ "^UID +PID +PPID +C +STIME +TTY +TIME +CMD$"
    assert_line_count 3
    local me
    me=$(id -un)
    assert "${lines[1]}" =~ "^$me +$INIT +$MONITOR +0 +[0-9:A-Za-z]+ +\? +00:00:00 +sleep 1001$"
    assert "${lines[2]}" =~ "^$me +$CHILD +$INIT +"
    assert "${lines[2]}" =~ "sleep 1000$"
    # Docker's layout: columns at least 20 wide.
    assert "${lines[0]:0:20}" == "UID                 "
    run_kayak top web -ef
    assert "${lines[0]}" =~ "^UID +PID"
}

@test "top with podman descriptors, and an error for what it does not support" {
    standin web
    run_kayak container top web pid,user args comm etime
    assert "${lines[0]}" =~ "^PID +USER +COMMAND +COMMAND +ELAPSED$"
    assert "${lines[1]}" =~ "^$INIT +[a-z0-9-]+ +sleep 1001 +sleep +[0-9][0-9]:[0-9][0-9]$"
    run_kayak top web pcpu ppid tty time
    assert "${lines[1]}" =~ "^[0-9]+\.[0-9] +$MONITOR +\? +00:00:00$"
    run_kayak 125 top web aux
    assert_error "unsupported top descriptor \"aux\".*user, pid, ppid, pcpu, etime, tty, time, args, comm"
    run_kayak create --name idle "$BUSYBOX_REF"
    local idle=$output
    run_kayak 125 top idle
    assert_error "container $idle is not running"
}

@test "stats --no-stream: Docker's columns from /proc, --format, named containers" {
    [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] && skip "this host has a unified cgroup hierarchy"
    standin web
    run_kayak stats --no-stream
    assert "${lines[0]}" =~ "^CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +BLOCK I/O +PIDS$"
    assert "${lines[1]}" =~ "^${CID:0:12} +web +[0-9]+\.[0-9]{2}% +[0-9.]+[KMG]iB / [0-9.]+[KMG]iB +[0-9]+\.[0-9]{2}% +0B / 0B +([0-9.]+[kMG]?B / [0-9.]+[kMG]?B|--) +2$"
    assert_line_count 2
    run_kayak container stats --no-stream --format '{{.Name}} {{.PIDs}} {{.NetIO}}' web
    assert "web 2 0B / 0B"
    run_kayak stats --no-stream --format json web
    assert "$output" =~ '"Name":"web"'
    run_kayak create --name idle "$BUSYBOX_REF"
    run_kayak 125 stats --no-stream idle
    assert_error "is not running"
}

@test "stats streams until interrupted" {
    standin web
    run timeout -s INT 2.5 "$KAYAK_BINARY" stats --format '{{.Name}} {{.PIDs}}' web
    local count
    count=$(grep -c '^web 2$' <<<"$output")
    assert "$count" -ge 2 "at least two refreshes"
}

@test "info: cgroup facts, namespaces, seccomp, runtime and container counts" {
    standin web
    run_kayak pause web
    run_kayak create --name idle "$BUSYBOX_REF"
    run_kayak info --format '{{.Containers}} {{.ContainersRunning}} {{.ContainersPaused}} {{.ContainersStopped}}'
    assert "2 0 1 1"
    run_kayak info --format '{{.CgroupVersion}}|{{.CgroupDriver}}|{{json .CgroupControllers}}|{{.DefaultRuntime}}'
    if [[ $(stat -fc %T /sys/fs/cgroup) != cgroup2fs ]]; then
        assert "1|none|[]|kayak (built-in)"
    fi
    run_kayak info --format '{{json .Namespaces}} {{.Seccomp.Enabled}} {{json .SecurityOptions}}'
    assert "$output" =~ '"pid".*"user".*"uts"\] true \["name=seccomp,profile=builtin"'
    [[ -n $IS_ROOTLESS ]] && assert "$output" =~ '"name=rootless"'
    run_kayak info
    assert_contains " Cgroup Version: "
    assert_contains " Delegated Controllers: "
    assert_contains " Default Runtime: kayak (built-in)"
    assert "$output" =~ " Seccomp: enabled \(libseccomp [0-9]+\.[0-9]+\.[0-9]+\)"
    assert "$output" =~ "Containers: 2$NL  Running: 0$NL  Paused: 1$NL  Stopped: 1"
}

@test "a real container from run -d: pause, top, stats, unpause, stop while paused" {
    skip_if_no_run
    make_busybox_image
    # No network helper: NetIO stays 0B / 0B.
    run_kayak run -d --name real --network none "$BUSYBOX_REF" sh -c 'sleep 1000 & sleep 1001'
    local id=$output pid
    run_kayak inspect -f '{{.State.Pid}}' real
    pid=$output
    run_kayak top real pid args
    assert "${lines[1]}" =~ "^$pid +sleep 1001$"
    assert "${lines[2]}" =~ " +sleep 1000$"
    run_kayak pause real
    assert "$(proc_state "$pid")" == T
    run_kayak ps --format '{{.Status}}'
    assert "$output" =~ "^Up .* \(Paused\)$"
    run_kayak stats --no-stream --format '{{.Name}} {{.PIDs}} {{.NetIO}}' real
    assert "real 2 0B / 0B"
    run_kayak unpause real
    assert "$(proc_state "$pid")" == S
    run_kayak pause real
    run_kayak stop -t 2 real
    run_kayak ps -a --format '{{.Status}}'
    assert "$output" =~ "^Exited "
    run_kayak rm -f real
}
