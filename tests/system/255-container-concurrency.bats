#!/usr/bin/env bats
# Many containers at once on one store, and containers whose processes die
# behind kayak's back (a monitor killed with SIGKILL, an init killed from
# the host, a reboot): state is reconciled on every read, and `rm -f`
# leaves no process, no directory and no mount behind.
#
# 240-kill-stop-wait.bats covers reconciliation with stand-in processes;
# here every container is a real one from `kayak run`.

load helpers
load container_helpers

setup() {
    basic_setup
    skip_if_no_run
    make_busybox_image
    RECORDED_NS=()
}

teardown() {
    # Whatever a failed test left running must not outlive it.
    if [[ -n ${KAYAK_ROOT:-} && -d $KAYAK_ROOT/containers ]]; then
        kayak rm -f -a >/dev/null 2>&1 || true
    fi
    basic_teardown
}

# wait_until SECONDS CMD...: polls CMD every 0.05 s until it succeeds;
# false when SECONDS pass first. Loaded machines need the slack; a healthy
# run needs a few polls.
wait_until() {
    local limit=$1; shift
    local deadline=$((SECONDS + limit))
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.05
    done
}

# record_namespaces PID: remember the mount, pid (and, rootless, user)
# namespaces of a container's init, and the time (clock ticks since boot),
# so leftovers can find anything still inside them after the container is
# gone. The kernel reuses a freed namespace's inode number, so only a
# process that already existed then counts: one left behind by the
# container must have (its namespace was never freed), one that later got
# a reused number cannot have.
record_namespaces() {
    local ns link now
    now=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", $1 * hz + 1 }' /proc/uptime)
    for ns in mnt pid user; do
        [[ $ns == user && -z $IS_ROOTLESS ]] && continue
        link=$(readlink "/proc/$1/ns/$ns") || die "cannot read /proc/$1/ns/$ns"
        RECORDED_NS+=("$link@$now")
    done
}

# leftovers: one line for each thing this test's containers may have left
# on the machine: a live process that names the test's dir in its command
# line or environment (monitors inherit KAYAK_ROOT, the containers here
# get it with -e), a process still in a recorded namespace of a removed
# container, or a mount, in any mount namespace we can see, of a path in
# the test's dir (an overlay's upperdir, a bind of userdata). Zombies
# count as gone: PID 1 may reap late.
leftovers() {
    python3 - "$TEST_DIR" "${RECORDED_NS[@]}" <<'PY'
import os, sys
test_dir = sys.argv[1].encode()
namespaces = dict(a.split("@") for a in sys.argv[2:])  # "mnt:[4026...]" -> ticks since boot when seen
me = os.getpid()
seen_mountinfo = set()
for entry in os.listdir("/proc"):
    if not entry.isdigit() or int(entry) == me:
        continue
    base = "/proc/" + entry
    try:
        stat = open(base + "/stat", "rb").read()
        if stat[stat.rindex(b")") + 2:].split()[0] in (b"Z", b"X"):
            continue
        cmdline = open(base + "/cmdline", "rb").read()
    except OSError:
        continue  # gone meanwhile
    shown = cmdline.replace(b"\0", b" ").decode(errors="replace").strip()
    start_ticks = int(stat[stat.rindex(b")") + 2:].split()[19])
    try:
        if test_dir in cmdline or test_dir in open(base + "/environ", "rb").read():
            print(f"process {entry}: {shown}")
    except OSError:
        pass  # another user's process: not ours
    for ns in ("mnt", "pid", "user"):
        try:
            link = os.readlink(f"{base}/ns/{ns}")
        except OSError:
            continue
        if link in namespaces and start_ticks <= int(namespaces[link]):
            print(f"process {entry} in the removed container's {link}: {shown}")
    try:
        mnt = os.readlink(base + "/ns/mnt")
        if mnt in seen_mountinfo:
            continue
        seen_mountinfo.add(mnt)
        for line in open(base + "/mountinfo", "rb"):
            if test_dir in line:
                print(f"mount seen by process {entry} ({mnt}): {line.decode(errors='replace').strip()}")
    except OSError:
        pass
PY
}

# assert_nothing_left: no container recorded, no directory of one in the
# store or the runroot, nothing from leftovers.
assert_nothing_left() {
    run_kayak ps -a -q
    assert "" "ps -a after everything was removed"
    local dirs=
    [[ -d $KAYAK_ROOT/containers ]] &&
        dirs+=$(find "$KAYAK_ROOT/containers" -mindepth 1 -maxdepth 1 ! -name names -printf '%p\n')
    [[ -d $KAYAK_ROOT/containers/names ]] &&
        dirs+=$(find "$KAYAK_ROOT/containers/names" -mindepth 1 -printf '%p\n')
    [[ -d $KAYAK_RUNROOT/containers ]] &&
        dirs+=$(find "$KAYAK_RUNROOT/containers" -mindepth 1 -maxdepth 1 -printf '%p\n')
    assert "$dirs" == "" "container directories or names left"
    # The host's own mount table, by name, as the issue asks; leftovers
    # looks at every mount namespace we can see.
    assert "$(grep -F "$TEST_DIR" /proc/self/mountinfo || true)" == "" "mounts in /proc/self/mountinfo"
    local left
    left=$(leftovers)
    assert "$left" == "" "processes or mounts left behind"
}

# kill_network_helpers: SIGKILL to the pasta or slirp4netns of every
# container (their pid files in the runroot), as a reboot would.
kill_network_helpers() {
    local pid_file
    for pid_file in "$KAYAK_RUNROOT"/containers/*/*.pid; do
        [[ -f $pid_file ]] && kill -9 "$(cat "$pid_file")" 2>/dev/null || true
    done
}

# end_as_a_reboot MONITOR INIT: a reboot ends every process at once,
# without a word to the store: the monitor first (so nobody records the
# exit), the init, the network helper; the runroot's tmpfs is empty after.
end_as_a_reboot() {
    kill -9 "$1"
    wait_until 10 gone "$1" || die "the monitor survived SIGKILL"
    kill -9 "$2"
    wait_until 10 gone "$2" || die "the init survived SIGKILL"
    kill_network_helpers
    rm -rf "$KAYAK_RUNROOT"
}

# run_detached NAME CMD...: run -d with the test's marker in the
# environment (see leftovers); sets ID.
run_detached() {
    local name=$1; shift
    run_kayak run -d --name "$name" -e "KAYAK_TEST_DIR=$TEST_DIR" "$BUSYBOX_REF" "$@"
    ID=$output
}

pid_of() { kayak inspect -f '{{.State.Pid}}' "$1"; }
monitor_pid_of() {
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["monitor_pid"])' \
        "$KAYAK_ROOT/containers/$1/state.json"
}
status_of() { kayak inspect -f '{{.State.Status}}' "$1"; }
has_status() { [[ $(status_of "$1") == "$2" ]]; }
gone() { process_gone "$1"; }

# ---------------------------------------------------------------- parallel

@test "20 run --rm at once: each exits 0 with its own output, ps works meanwhile, and nothing is left" {
    # ps -a all along: containers come and go under it, it never fails.
    ( while [[ ! -e runs.done ]]; do
          kayak ps -a >/dev/null 2>>ps.err || echo "ps -a exited $?" >>ps.err
      done ) &
    local reader=$!
    local i pids=()
    for i in $(seq 1 20); do
        kayak run --rm -e "KAYAK_TEST_DIR=$TEST_DIR" -e "N=$i" "$BUSYBOX_REF" \
            sh -c 'echo "run $N on $(hostname)"' >"out.$i" 2>"err.$i" &
        pids+=($!)
    done
    local failed=0 status
    for i in "${!pids[@]}"; do
        status=0
        wait "${pids[$i]}" || status=$?
        if ((status != 0)); then
            echo "# run $((i + 1)) exited $status: $(cat "out.$((i + 1))" "err.$((i + 1))")"
            failed=$((failed + 1))
        fi
    done
    touch runs.done
    wait "$reader"
    assert "$(cat ps.err 2>/dev/null)" == "" "ps -a while containers came and went"
    assert "$failed" -eq 0 "runs that failed"

    local hosts=()
    for i in $(seq 1 20); do
        assert "$(cat "err.$i")" == "" "stderr of run $i"
        assert "$(cat "out.$i")" =~ "^run $i on [0-9a-f]{12}$" "output of run $i"
        hosts+=("$(awk '{ print $4 }' "out.$i")")
    done
    # Each ran in a container of its own (the hostname is its short ID).
    assert "$(printf '%s\n' "${hosts[@]}" | sort -u | wc -l)" -eq 20 "distinct containers"
    assert_nothing_left
}

@test "10 run -d --name at once, and four racing for one name: names stay unique; rm -f of all at once" {
    local i pids=() names=()
    for i in $(seq 1 10); do
        kayak run -d --name "c$i" -e "KAYAK_TEST_DIR=$TEST_DIR" "$BUSYBOX_REF" sleep 1000 \
            >"out.c$i" 2>"err.c$i" &
        pids+=($!)
        names+=("c$i")
    done
    for i in 1 2 3 4; do
        kayak run -d --name same -e "KAYAK_TEST_DIR=$TEST_DIR" "$BUSYBOX_REF" sleep 1000 \
            >"out.same$i" 2>"err.same$i" &
        pids+=($!)
        names+=("same$i")
    done
    local status
    declare -A statuses
    for i in "${!pids[@]}"; do
        status=0
        wait "${pids[$i]}" || status=$?
        statuses[${names[$i]}]=$status
        echo "# ${names[$i]}: $status $(cat "out.${names[$i]}" "err.${names[$i]}")"
    done

    declare -A id_of
    for i in $(seq 1 10); do
        assert "${statuses[c$i]}" -eq 0 "run -d --name c$i"
        assert "$(cat "out.c$i")" =~ "^[0-9a-f]{64}$" "ID printed for c$i"
        id_of[c$i]=$(cat "out.c$i")
    done
    local winners=0 winner_id=
    for i in 1 2 3 4; do
        if ((statuses[same$i] == 0)); then
            winners=$((winners + 1))
            winner_id=$(cat "out.same$i")
        else
            assert "${statuses[same$i]}" -eq 125 "exit status of a losing run"
            assert "$(cat "out.same$i")" == "" "a losing run prints no ID"
            assert "$(cat "err.same$i")" =~ "^Error: .*Conflict\. The container name \"/same\" is already in use by container \"[0-9a-f]{64}\"\. You have to remove \(or rename\) that container to be able to reuse that name\.$"
        fi
    done
    assert "$winners" -eq 1 "runs that got the name 'same'"
    for i in 1 2 3 4; do
        ((statuses[same$i] == 0)) || assert "$(cat "err.same$i")" =~ "\"$winner_id\"" "the conflict names the winner"
    done
    id_of[same]=$winner_id

    # Eleven containers, each listed once with its own name and ID, running.
    run_kayak ps -a --no-trunc --format '{{.Names}} {{.ID}} {{.Status}}'
    assert_line_count 11
    local expected
    expected=$(for n in "${!id_of[@]}"; do echo "$n ${id_of[$n]}"; done | sort)
    assert "$(awk '{ print $1, $2 }' <<<"$output" | sort)" == "$expected" "names and IDs in ps -a"
    local line
    for line in "${lines[@]}"; do
        assert "$line" =~ " Up " "status of: $line"
    done
    # The losers left no half-made container behind.
    assert "$(find "$KAYAK_ROOT/containers" -mindepth 1 -maxdepth 1 ! -name names | wc -l)" -eq 11 "container dirs"
    assert "$(find "$KAYAK_ROOT/containers/names" -mindepth 1 | sort)" == \
        "$(printf "$KAYAK_ROOT/containers/names/%s\n" "${!id_of[@]}" | sort)" "name links"
    for n in "${!id_of[@]}"; do
        record_namespaces "$(pid_of "$n")"
    done

    pids=()
    for n in "${!id_of[@]}"; do
        kayak rm -f "$n" >"rm.$n" 2>&1 &
        pids+=($!)
    done
    local failed=0
    for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed=$((failed + 1)); done
    for n in "${!id_of[@]}"; do
        echo "# rm -f $n: $(cat "rm.$n")"
        assert "$(cat "rm.$n")" == "$n" "rm -f $n prints the name"
    done
    assert "$failed" -eq 0 "rm -f that failed"
    assert_nothing_left
}

@test "two rm -f of the same running container at once: it goes, each prints its name or nothing" {
    run_detached twice sleep 1000
    record_namespaces "$(pid_of twice)"
    kayak rm -f twice >rm.1 2>&1 &
    local p1=$!
    kayak rm -f twice >rm.2 2>&1 &
    local p2=$!
    local s1=0 s2=0
    wait $p1 || s1=$?
    wait $p2 || s2=$?
    echo "# 1: $s1 $(cat rm.1)"
    echo "# 2: $s2 $(cat rm.2)"
    # A container already gone is not an error for rm -f (podman, Docker):
    # the later one prints nothing if it looked the name up too late.
    assert "$s1 $s2" == "0 0" "exit statuses of both rm -f"
    local i
    for i in 1 2; do
        [[ ! -s rm.$i ]] || assert "$(cat rm.$i)" == "twice"
    done
    [[ -s rm.1 || -s rm.2 ]] || die "neither rm -f printed the name"
    assert_nothing_left
}

@test "start of one container four times at once: one init, one monitor; rm -f leaves nothing" {
    run_kayak create --name once -e "KAYAK_TEST_DIR=$TEST_DIR" "$BUSYBOX_REF" sleep 1000
    local id=$output i pids=() failed=0
    for i in 1 2 3 4; do
        kayak start once >"start.$i" 2>&1 &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed=$((failed + 1)); done
    for i in 1 2 3 4; do
        echo "# start $i: $(cat "start.$i")"
        assert "$(cat "start.$i")" == "once" "start $i prints the name"
    done
    assert "$failed" -eq 0 "starts that failed"
    assert "$(status_of once)" == "running"
    # Every start that lost the race left without launching anything.
    local monitors inits
    wait_until 10 eval '(( $(pgrep -fc "monitor .*$id") == 1 ))' ||
        die "monitors of once: $(pgrep -fa "monitor .*$id")"
    inits=$(leftovers | grep -c ': sleep 1000$' || true)
    assert "$inits" -eq 1 "container processes running sleep 1000"
    record_namespaces "$(pid_of once)"
    run_kayak rm -f once
    assert "once"
    assert_nothing_left
}

@test "rm -f racing run -d: the container ends up either running alone or gone, never half" {
    local i delay run_status rm_status
    for i in 1 2 3 4 5 6; do
        kayak run -d --name "race$i" -e "KAYAK_TEST_DIR=$TEST_DIR" "$BUSYBOX_REF" sleep 1000 \
            >"run.$i" 2>&1 &
        local runner=$!
        # From "before create" to "after the start", across the runs.
        delay=$(awk -v i="$i" 'BEGIN { printf "%.2f", (i - 1) * 0.03 }')
        sleep "$delay"
        rm_status=0
        kayak rm -f "race$i" >"rm.$i" 2>&1 || rm_status=$?
        run_status=0
        wait "$runner" || run_status=$?
        echo "# race$i after ${delay}s: run $run_status $(cat "run.$i"); rm -f $rm_status $(cat "rm.$i")"
        assert "$rm_status" -eq 0 "rm -f exit status"
        if [[ -s rm.$i ]]; then
            assert "$(cat "rm.$i")" == "race$i" "rm -f prints the name"
            # Removed whether the start came before or after: not there.
            run_kayak 125 inspect --type container "race$i"
        else
            # rm -f came before the container existed: nothing to remove is
            # not an error for rm -f (podman, Docker).
            assert "$run_status" -eq 0 "run -d of a container nobody removed"
            wait_until 10 has_status "race$i" running || die "race$i: $(status_of "race$i")"
            record_namespaces "$(pid_of "race$i")"
            run_kayak rm -f "race$i"
        fi
        if ((run_status != 0)); then
            assert "$run_status" -eq 125 "run -d exit status"
            assert "$(cat "run.$i")" =~ "^Error: No such container: " "run -d of a container removed while it started"
        fi
    done
    assert_nothing_left
}

@test "rm -f of a running run -d --rm container: the name is printed and nothing is left" {
    run_kayak run -d --rm --name selfremoving -e "KAYAK_TEST_DIR=$TEST_DIR" "$BUSYBOX_REF" sleep 1000
    record_namespaces "$(pid_of selfremoving)"
    run_kayak rm -f selfremoving
    assert "selfremoving"
    assert_nothing_left
}

# ---------------------------------------------------------------- reconcile

@test "monitor killed with SIGKILL: the container reads as exited (137), its init dies, rm -f leaves nothing" {
    run_detached victim sleep 1000
    local id=$ID init monitor
    init=$(pid_of victim)
    monitor=$(monitor_pid_of "$id")
    assert "$init" -gt 0 "init pid"
    assert "$monitor" -gt 0 "monitor pid"
    assert "$(tr '\0' ' ' <"/proc/$monitor/cmdline")" =~ "monitor .*$id" "the recorded monitor is kayak monitor"
    record_namespaces "$init"

    kill -9 "$monitor"
    wait_until 10 gone "$monitor" || die "the monitor survived SIGKILL"
    # The first read after the monitor's death sees the orphan and ends it.
    run_kayak ps -a --format '{{.Names}} {{.Status}}'
    assert "$output" =~ "^victim Exited \(137\) (Less than a second|[0-9]+ seconds?) ago$"
    run_kayak ps -q
    assert "" "nothing running"
    run_kayak inspect -f '{{.State.Status}} {{.State.Running}} {{.State.Pid}} {{.State.ExitCode}}' victim
    assert "exited false 0 137"
    wait_until 10 gone "$init" || die "the init of a container without monitor is still running"
    run_kayak wait victim
    assert "137"

    run_kayak rm -f victim
    assert "victim"
    assert_nothing_left
}

@test "monitor killed with SIGKILL: rm -f straight away (no read in between) also ends the init" {
    run_detached victim2 sh -c 'while :; do sleep 1; done'
    local id=$ID init monitor
    init=$(pid_of victim2)
    monitor=$(monitor_pid_of "$id")
    record_namespaces "$init"
    kill -9 "$monitor"
    wait_until 10 gone "$monitor" || die "the monitor survived SIGKILL"
    run_kayak rm -f victim2
    assert "victim2"
    wait_until 10 gone "$init" || die "rm -f left the init running"
    assert_nothing_left
}

@test "init killed from the host with SIGKILL: exited (137) by its monitor, which then ends" {
    run_detached target sleep 1000
    local id=$ID init monitor
    init=$(pid_of target)
    monitor=$(monitor_pid_of "$id")
    record_namespaces "$init"
    kill -9 "$init"
    wait_until 10 has_status target exited || die "target still reads as $(status_of target)"
    run_kayak inspect -f '{{.State.Status}} {{.State.Running}} {{.State.Pid}} {{.State.ExitCode}}' target
    assert "exited false 0 137"
    run_kayak ps -a --format '{{.Names}} {{.Status}}'
    assert "$output" =~ "^target Exited \(137\) "
    wait_until 10 gone "$monitor" || die "the monitor stayed after its container ended"
    run_kayak rm target
    assert "target"
    assert_nothing_left
}

@test "reboot: with the runroot gone and another boot recorded, a running container reads as exited; rm works" {
    run_detached before sleep 1000
    local id=$ID init monitor
    init=$(pid_of before)
    monitor=$(monitor_pid_of "$id")
    record_namespaces "$init"
    end_as_a_reboot "$monitor" "$init"
    # ... and the boot ID changed.
    python3 - "$KAYAK_ROOT/containers/$id/state.json" <<'PY'
import json, os, sys
path = sys.argv[1]
state = json.load(open(path))
assert state["status"] == "running", state
state["boot_id"] = "00000000-0000-0000-0000-000000000000"
json.dump(state, open(path + ".tmp", "w"))
os.rename(path + ".tmp", path)
PY
    run_kayak ps -q
    assert "" "nothing from another boot runs"
    run_kayak ps -a --format '{{.Names}} {{.Status}}'
    assert "$output" =~ "^before Exited \(255\) "
    run_kayak inspect -f '{{.State.Status}} {{.State.Running}} {{.State.Pid}} {{.State.ExitCode}}' before
    assert "exited false 0 255"
    # The new boot's runroot is made again when the container starts.
    run_kayak start before
    wait_until 10 has_status before running || die "before did not start again: $(status_of before)"
    record_namespaces "$(pid_of before)"
    run_kayak rm -f before
    assert "before"
    assert_nothing_left

    # And a plain rm of an exited container from another boot.
    run_detached after sleep 1000
    id=$ID
    init=$(pid_of after)
    monitor=$(monitor_pid_of "$id")
    record_namespaces "$init"
    end_as_a_reboot "$monitor" "$init"
    run_kayak rm after
    assert "after"
    assert_nothing_left
}
