#!/usr/bin/env bats
# run: the foreground CLI as the monitor, run -d with its detached monitor,
# start errors, --rm, stdin, signals, restart policies, the userdata files.

load helpers

setup() {
    basic_setup
    make_busybox_image
}

# state_of NAME: "<status> <exit code>" as inspect shows it.
state_of() {
    kayak inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$1"
}

# monitor_pids ID: kayak monitor processes still running for container ID.
monitor_pids() {
    pgrep -f "monitor .*$1" || true
}

# wait_for_status NAME STATUS: polls (up to 10 s) until inspect shows STATUS.
wait_for_status() {
    local i
    for i in $(seq 100); do
        [[ $(kayak inspect -f '{{.State.Status}}' "$1") == "$2" ]] && return 0
        sleep 0.1
    done
    die "container $1 did not become $2: $(state_of "$1")"
}

@test "run: stdout and stderr reach the caller apart, the exit code is the container's" {
    run_kayak_split 3 run --rm $BUSYBOX_REF sh -c 'echo out; echo err >&2; exit 3'
    assert "out"
    assert "$stderr" == "err"
}

@test "run: a command that is not there is 127, one that cannot run is 126, both with Docker's shape" {
    run_kayak_split 127 run --rm $BUSYBOX_REF /no/such/program
    assert "$stderr" =~ "^Error: .*no/such/program"
    run_kayak_split 126 run --rm $BUSYBOX_REF /etc/hostname
    assert "$stderr" =~ "^Error: "
}

@test "run -d: prints the full ID once started; the monitor records the exit and then ends" {
    run_kayak run -d --name sleeper $BUSYBOX_REF sh -c 'echo started; sleep 1; exit 4'
    assert "$output" =~ ^[0-9a-f]{64}$
    local id=$output
    assert "$(kayak inspect -f '{{.Id}}' sleeper)" == "$id"
    # Running, with its monitor.
    assert "$(state_of sleeper)" == "running 0"
    assert "$(monitor_pids "$id")" != ""
    wait_for_status sleeper exited
    assert "$(state_of sleeper)" == "exited 4"
    run_kayak logs sleeper
    assert "started"
    # No process stays behind.
    sleep 0.2
    assert "$(monitor_pids "$id")" == "" "monitor gone after the exit"
}

@test "run -d: a start failure is reported by run, leaves the container created with its error, and no monitor" {
    run_kayak_split 127 run -d --name broken $BUSYBOX_REF /no/such/program
    assert "$output" == "" "no ID printed for a failed start"
    assert "$stderr" =~ "^Error: "
    run_kayak inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.State.Error}}' broken
    assert "$output" =~ "^created 127 .*no/such/program"
    local id
    id=$(kayak inspect -f '{{.Id}}' broken)
    assert "$(monitor_pids "$id")" == ""
}

@test "run --rm: the container is gone after it exits, also after a failed start" {
    run_kayak run --rm --name gone $BUSYBOX_REF true
    run_kayak 125 inspect --type container gone
    run_kayak 127 run --rm --name gone2 $BUSYBOX_REF /no/such/program
    run_kayak 125 inspect --type container gone2
    run_kayak run -d --rm --name gone3 $BUSYBOX_REF true
    local i
    for i in $(seq 50); do
        kayak inspect --type container gone3 >/dev/null 2>&1 || break
        sleep 0.1
    done
    run_kayak 125 inspect --type container gone3
}

@test "run -i: the caller's stdin reaches the container and its EOF ends it; without -i stdin is empty" {
    run bash -c "printf 'hello\nworld\n' | timeout 60 $KAYAK_BINARY run --rm -i $BUSYBOX_REF tr a-z A-Z"
    _log_output
    assert "$status" -eq 0
    assert "HELLO${NL}WORLD"
    run bash -c "echo ignored | timeout 60 $KAYAK_BINARY run --rm $BUSYBOX_REF wc -c"
    assert "$status" -eq 0
    assert "$(echo "$output" | tr -d ' ')" == "0"
}

@test "run: signals to the foreground run reach the container (--sig-proxy)" {
    "$KAYAK_BINARY" run --rm $BUSYBOX_REF sh -c \
        'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.1; done' >out.txt 2>&1 &
    local pid=$! i
    for i in $(seq 100); do grep -q ready out.txt && break; sleep 0.1; done
    kill -TERM "$pid"
    local status=0
    wait "$pid" || status=$?
    cat out.txt | sed 's/^/# /'
    assert "$status" -eq 42
    assert "$(cat out.txt)" == "ready${NL}got-term"
}

@test "run --restart on-failure:2: the monitor runs it twice more, then records the exit" {
    run_kayak run -d --name flaky --restart on-failure:2 $BUSYBOX_REF sh -c 'echo try; exit 1'
    local i
    for i in $(seq 100); do
        [[ $(kayak logs flaky | grep -c try) == 3 && $(kayak inspect -f '{{.State.Status}}' flaky) == exited ]] && break
        sleep 0.1
    done
    run_kayak logs flaky
    assert "try${NL}try${NL}try"
    assert "$(state_of flaky)" == "exited 1"
    assert "$(kayak inspect -f '{{.RestartCount}}' flaky)" == "2"
}

# restarts_until_stopped NAME: NAME restarts after exit 0, and a stop ends
# it for good, also one that lands in the back-off delay between two runs.
restarts_until_stopped() {
    local i
    for i in $(seq 100); do
        (( $(kayak inspect -f '{{.RestartCount}}' "$1") >= 2 )) && break
        sleep 0.1
    done
    assert "$(kayak inspect -f '{{.RestartCount}}' "$1")" -ge 2
    run_kayak stop -t 1 "$1"
    local count
    count=$(kayak inspect -f '{{.RestartCount}}' "$1")
    sleep 2
    assert "$(kayak inspect -f '{{.RestartCount}}' "$1")" == "$count"
    assert "$(kayak inspect -f '{{.State.Status}}' "$1")" == "exited"
    local id
    id=$(kayak inspect -f '{{.Id}}' "$1")
    ! pgrep -f "monitor.*$id" >/dev/null || die "the monitor of a stopped $1 is still there"
}

@test "run --restart always and unless-stopped restart after exit 0 too, until stop; --restart no runs once" {
    run_kayak run -d --name once --restart no $BUSYBOX_REF sh -c 'echo try'
    run_kayak run -d --name again --restart always $BUSYBOX_REF sh -c 'echo try'
    run_kayak run -d --name unless --restart unless-stopped $BUSYBOX_REF sh -c 'echo try'
    restarts_until_stopped again
    restarts_until_stopped unless
    run_kayak wait once
    assert "$(kayak logs once)" == "try"
    assert "$(kayak inspect -f '{{.RestartCount}}' once)" == "0"
}

@test "run: /etc/hostname, /etc/hosts and /etc/resolv.conf are the container's own" {
    run_kayak run --rm --hostname box1 --add-host db:10.1.2.3 $BUSYBOX_REF \
        sh -c 'hostname; cat /etc/hostname; grep -c localhost /etc/hosts; grep db /etc/hosts; grep -c nameserver /etc/resolv.conf; grep -c "nameserver 127" /etc/resolv.conf; true'
    assert "${lines[0]}" == "box1"
    assert "${lines[1]}" == "box1"
    assert "${lines[2]}" -ge 1
    assert "${lines[3]}" =~ "^10.1.2.3[[:space:]]+db$"
    assert "${lines[4]}" -ge 1
    assert "${lines[5]}" == "0" "no loopback nameserver in a private network namespace"
    # -h is --hostname, as in Docker.
    run_kayak run --rm -h box2 $BUSYBOX_REF hostname
    assert "box2"
}

@test "run -t: the container gets a terminal; restart brings a running container back" {
    run_kayak run --rm -t $BUSYBOX_REF sh -c 'test -t 0 && test -t 1 && echo is-a-tty'
    assert "$output" =~ "is-a-tty"
    run_kayak run -d --name again $BUSYBOX_REF sh -c 'echo up; sleep 100'
    run_kayak restart -t 1 again
    assert "again"
    wait_for_status again running
    run_kayak logs again
    assert "up${NL}up"
    run_kayak rm -f again
}
