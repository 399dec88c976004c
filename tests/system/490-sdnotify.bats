#!/usr/bin/env bats
# kayak under a Type=notify unit: --sdnotify conmon|container|ignore
# against a datagram socket the test makes (as systemd's), SIGTERM stops
# the container as `stop` does, --pidfile, and run -d never waits on the
# socket.

load helpers

setup() {
    basic_setup
    make_busybox_image
    NOTIFY_LOG=$TEST_DIR/notify.jsonl
    export NOTIFY_PATH=$TEST_DIR/notify.sock
    python3 "$KAYAK_TESTS_DIR/notify/notify_server.py" "$NOTIFY_PATH" "$NOTIFY_LOG" 3>&- &
    NOTIFY_SERVER=$!
    local i
    for ((i = 0; i < 100; i++)); do [[ -e $NOTIFY_LOG.ready ]] && break; sleep 0.05; done
    [[ -e $NOTIFY_LOG.ready ]] || die "the notify socket server did not start"
}

teardown() {
    kill "$NOTIFY_SERVER" 2>/dev/null || true
    wait "$NOTIFY_SERVER" 2>/dev/null || true
    kayak rm -a -f >/dev/null 2>&1 || true
    basic_teardown
}

# notify_field FIELD: the values of FIELD=... the socket received, in order.
notify_field() {
    python3 - "$NOTIFY_LOG" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]) if __import__("os").path.exists(sys.argv[1]) else []:
    for part in json.loads(line)["msg"].split("\n"):
        if part.startswith(sys.argv[2] + "="):
            print(part.split("=", 1)[1])
PY
}

# wait_for_notify FIELD: polls (10 s) until FIELD arrived.
wait_for_notify() {
    local i
    for ((i = 0; i < 200; i++)); do
        [[ -n $(notify_field "$1") ]] && return 0
        sleep 0.05
    done
    die "no $1= arrived on the notify socket; got: $(cat "$NOTIFY_LOG" 2>/dev/null)"
}

# ready_arrived_ns: when READY=1 arrived (wall-clock ns).
ready_arrived_ns() {
    python3 - "$NOTIFY_LOG" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    entry = json.loads(line)
    if "READY=1" in entry["msg"].split("\n"):
        print(entry["t"])
        break
PY
}

# rfc3339_ns TIME: an RFC 3339 time with nanoseconds as ns since the epoch.
rfc3339_ns() {
    python3 -c 'import sys, datetime
t = sys.argv[1]
head, frac = t[:19], t[20:].rstrip("Z")
frac = (frac.split("+")[0].split("-")[0] + "000000000")[:9]
print(int(datetime.datetime.strptime(head, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp()) * 10**9 + int(frac))' "$1"
}

@test "sdnotify=conmon, run -d: MAINPID is the monitor, READY=1 after the container started; run -d returns" {
    NOTIFY_SOCKET=$NOTIFY_PATH run_kayak run -d --name n1 --sdnotify=conmon kayak/busybox:latest sleep 100
    wait_for_notify READY
    local mainpid started ready
    mainpid=$(notify_field MAINPID)
    assert "$(ps -o args= -p "$mainpid")" =~ "monitor" "MAINPID $mainpid is the container's monitor"
    started=$(kayak inspect -f '{{.State.StartedAt}}' n1)
    ready=$(ready_arrived_ns)
    assert "$ready" -ge "$(rfc3339_ns "$started")" "READY=1 came after the container started ($started)"
    # The container itself was not given the socket.
    run_kayak exec n1 sh -c 'echo "[$NOTIFY_SOCKET]"; ls /run/notify 2>&1 || true'
    assert "${lines[0]}" == "[]"
    # SIGTERM to the monitor (systemd's stop of the unit's main PID) stops
    # the container: exited, not restarted.
    kill -TERM "$mainpid"
    local i
    for ((i = 0; i < 100; i++)); do
        [[ $(kayak inspect -f '{{.State.Status}}' n1) == exited ]] && break
        sleep 0.1
    done
    assert "$(kayak inspect -f '{{.State.Status}}' n1)" == "exited"
}

@test "sdnotify=conmon, foreground run: MAINPID is the run itself, its exit code is the container's" {
    # The binary itself (not the timeout wrapper), as a unit's ExecStart.
    NOTIFY_SOCKET=$NOTIFY_PATH "$KAYAK_BINARY" run --rm --sdnotify=conmon kayak/busybox:latest sh -c 'sleep 0.5; exit 3' &
    local pid=$! status=0
    wait "$pid" || status=$?
    assert "$status" -eq 3 "the container's exit code"
    assert "$(notify_field MAINPID)" == "$pid" "MAINPID is the foreground run"
    assert "$(notify_field READY)" == "1"
}

@test "under a unit, SIGTERM stops with the image's stop signal, then kills after the stop timeout" {
    # The stop signal (SIGQUIT here) reaches the container, which exits 7.
    NOTIFY_SOCKET=$NOTIFY_PATH "$KAYAK_BINARY" run --rm --sdnotify=conmon --stop-signal SIGQUIT kayak/busybox:latest \
        sh -c 'trap "exit 7" QUIT; echo up; while :; do sleep 0.1; done' >"$TEST_DIR/out" &
    local pid=$! status=0 i
    wait_for_notify READY
    for ((i = 0; i < 100; i++)); do grep -q up "$TEST_DIR/out" && break; sleep 0.05; done
    kill -TERM "$pid"
    wait "$pid" || status=$?
    assert "$status" -eq 7 "the stop signal was delivered (not SIGTERM, which the shell ignores as pid 1)"

    # A container that ignores it is killed after --stop-timeout.
    : >"$NOTIFY_LOG"
    NOTIFY_SOCKET=$NOTIFY_PATH "$KAYAK_BINARY" run --rm --sdnotify=conmon --stop-timeout 1 kayak/busybox:latest \
        sh -c 'trap "" TERM QUIT; echo up; while :; do sleep 0.1; done' >"$TEST_DIR/out2" &
    pid=$! status=0
    wait_for_notify READY
    for ((i = 0; i < 100; i++)); do grep -q up "$TEST_DIR/out2" && break; sleep 0.05; done
    local before=$SECONDS
    kill -TERM "$pid"
    wait "$pid" || status=$?
    assert "$status" -eq 137 "killed"
    assert "$((SECONDS - before))" -le 5 "within the stop timeout (1 s) and a margin"
}

@test "sdnotify=container: the application gets the socket and sends READY=1 itself" {
    command -v gcc >/dev/null || skip "gcc is not installed (needed to build the static notify_send)"
    gcc -static -O2 -o "$TEST_DIR/notify_send" "$KAYAK_TESTS_DIR/notify/notify_send.c" ||
        skip "no static libc to build notify_send"
    NOTIFY_SOCKET=$NOTIFY_PATH run_kayak run -d --name app --sdnotify=container \
        -v "$TEST_DIR/notify_send:/notify_send:ro" kayak/busybox:latest \
        sh -c 'echo "$NOTIFY_SOCKET"; sleep 0.3; /notify_send "READY=1
STATUS=app ready"; sleep 100'
    wait_for_notify READY
    assert "$(notify_field STATUS)" == "app ready" "sent from inside the container"
    assert "$(notify_field MAINPID)" =~ "^[0-9]+$" "the monitor still names itself as MAINPID"
    run_kayak logs app
    assert "${lines[0]}" == "/run/notify/notify.sock"
}

@test "sdnotify=ignore: nothing is sent; without NOTIFY_SOCKET nothing is needed" {
    NOTIFY_SOCKET=$NOTIFY_PATH run_kayak run --rm --sdnotify=ignore kayak/busybox:latest sh -c 'echo "[$NOTIFY_SOCKET]"'
    assert "$output" == "[]"
    sleep 0.2
    assert "$(cat "$NOTIFY_LOG" 2>/dev/null)" == "" "nothing arrived"
    run_kayak run --rm --sdnotify=conmon kayak/busybox:latest true
    run_kayak 125 run --rm --sdnotify=bogus kayak/busybox:latest true
}

@test "--pidfile holds the container's host pid while it runs; --cidfile and --replace make a restart idempotent" {
    run_kayak run -d --name p1 --pidfile "$TEST_DIR/p1.pid" --cidfile "$TEST_DIR/p1.cid" kayak/busybox:latest sleep 100
    local id=$output
    assert "$(cat "$TEST_DIR/p1.cid")" == "$id"
    local i
    for ((i = 0; i < 50; i++)); do [[ -s $TEST_DIR/p1.pid ]] && break; sleep 0.05; done
    assert "$(cat "$TEST_DIR/p1.pid")" == "$(kayak inspect -f '{{.State.Pid}}' p1)"
    # As a unit's ExecStart runs it again: --replace takes the name over.
    rm -f "$TEST_DIR/p1.cid"
    run_kayak run -d --replace --name p1 --pidfile "$TEST_DIR/p1.pid" --cidfile "$TEST_DIR/p1.cid" \
        kayak/busybox:latest sleep 100
    assert "$output" != "$id" "a new container"
    run_kayak ps -a --format '{{.Names}}'
    assert "$output" == "p1" "one container named p1"
    run_kayak stop -t 1 p1
    assert "$(cat "$TEST_DIR/p1.pid" 2>/dev/null)" == "" "the pid file goes when the container stops"
}
