#!/usr/bin/env bats
# kayak kill / stop / wait, and ps STATUS of running containers. Without
# `run`, real processes stand in for a container's init and monitor
# (container_helpers.bash); the tests at the end use `run` once it exists.

load helpers
load container_helpers

teardown() {
    stop_processes
    basic_teardown
}

create_fake() {
    make_busybox_image
    run_kayak create --name "$1" --expose 80 "$BUSYBOX_REF"
    FAKE_ID=$output
}

@test "ps shows a running container as Up, with its ports" {
    create_fake web
    local init monitor
    start_process init sleep 1000
    start_process monitor sleep 1000
    fake_running "$FAKE_ID" "$init" "$monitor"
    run_kayak ps --format '{{.Names}}|{{.Status}}|{{.State}}|{{.Ports}}'
    assert "$output" =~ "^web\|Up [0-9]+ seconds\|running\|80/tcp$"
    run_kayak ps -f status=running -q
    assert "${FAKE_ID:0:12}"
    run_kayak ps -f status=exited -q
    assert ""
    run_kayak inspect -f '{{.State.Running}} {{.State.Pid}}' web
    assert "true $init"
}

@test "kill sends the signal and prints the name as typed; a stopped container is an error" {
    create_fake web
    local init monitor
    start_process init sleep 1000
    fake_running "$FAKE_ID" "$init"
    run_kayak kill -s TERM web
    assert "web"
    local i
    for ((i = 0; i < 100; i++)); do process_gone "$init" && break; sleep 0.05; done
    process_gone "$init" || die "the init did not get SIGTERM"
    # No monitor recorded the exit: the state is reconciled.
    run_kayak ps -a --format '{{.Status}}'
    assert "$output" =~ "^Exited \(255\) "
    run_kayak 125 kill web
    assert_error "Cannot kill container: web: Container $FAKE_ID is not running"
    run_kayak 125 kill -s NOPE web
    assert_error "Invalid signal: NOPE"
}

@test "kill of several containers: one failure does not stop the others" {
    create_fake one
    local first=$FAKE_ID init
    run_kayak create --name two "$BUSYBOX_REF"
    start_process init sleep 1000
    fake_running "$first" "$init"
    run_kayak_split 125 kill nope two one
    assert "one"
    assert "$stderr" =~ "Error: No such container: nope"
    assert "$stderr" =~ "Error: Cannot kill container: two: Container [0-9a-f]{64} is not running"
}

@test "stop: StopSignal, then SIGKILL after -t; prints the name; wait prints the exit code" {
    create_fake web
    local init
    start_process init "${TERM_IGNORING[@]}"
    wait_term_ignored "$init"
    fake_running "$FAKE_ID" "$init"
    local start=$SECONDS
    run_kayak stop -t 1 web
    assert "web"
    process_gone "$init" || die "the init survived stop"
    (( SECONDS - start >= 1 )) || die "stop did not wait for the timeout before SIGKILL"
    run_kayak inspect -f '{{.State.Status}}' web
    assert "exited"
    run_kayak wait web
    assert "255"
    # Stopping a stopped or created container is fine, as with Docker.
    run_kayak stop web
    assert "web"
}

@test "wait blocks until the container's init exits" {
    create_fake web
    local init
    start_process init sleep 1
    fake_running "$FAKE_ID" "$init"
    run_kayak wait "${FAKE_ID:0:12}"
    assert "255"
    process_gone "$init" || die "wait returned while the init was alive"
    run_kayak create "$BUSYBOX_REF"
    run_kayak wait "$output"
    assert "0"
}

@test "reconcile: a killed monitor ends its orphaned init; another boot reads as exited" {
    create_fake web
    local init monitor
    start_process init sleep 1000
    start_process monitor sleep 1000
    fake_running "$FAKE_ID" "$init" "$monitor"
    kill -9 "$monitor"
    sleep 0.2
    run_kayak ps -a --format '{{.Names}} {{.Status}}'
    assert "$output" =~ "^web Exited \(137\) "
    local i
    for ((i = 0; i < 100; i++)); do process_gone "$init" && break; sleep 0.05; done
    process_gone "$init" || die "the orphaned init is still running"

    run_kayak create --name old "$BUSYBOX_REF"
    local old=$output
    start_process init sleep 1000
    fake_running "$old" "$init" 0 00000000-0000-0000-0000-000000000000
    run_kayak ps -q
    assert "" "nothing from another boot runs"
    run_kayak inspect -f '{{.State.Status}} {{.State.Pid}}' old
    assert "exited 0"
}

@test "rm refuses a running container; rm -f kills it and leaves nothing" {
    create_fake web
    local init monitor
    start_process init sleep 1000
    fake_running "$FAKE_ID" "$init"
    run_kayak 2 rm web
    assert_error "cannot remove container \"/web\": container is running: stop the container before removing or force remove"
    process_gone "$init" && die "rm without -f touched the process"
    run_kayak rm -f web
    assert "web"
    process_gone "$init" || die "rm -f left the init running"
    [[ ! -e $KAYAK_ROOT/containers/$FAKE_ID ]] || die "container dir left"
    run_kayak ps -a -q
    assert ""
}

# ---------------------------------------------------------------- with run

@test "run -d, ps Up, stop -t 1 (busybox ignores TERM as PID 1), wait prints 137" {
    skip_if_no_run
    make_busybox_image
    run_kayak run -d --name sleeper "$BUSYBOX_REF" sleep 1000
    run_kayak ps --format '{{.Names}} {{.Status}}'
    assert "$output" =~ "^sleeper Up "
    run_kayak stop -t 1 sleeper
    assert "sleeper"
    run_kayak wait sleeper
    assert "137"
    run_kayak ps -a --format '{{.Status}}'
    assert "$output" =~ "^Exited \(137\) "
}

@test "run -d then kill, kill -s, rm -f of a running container" {
    skip_if_no_run
    make_busybox_image
    # The command is PID 1 of its namespace: the kernel delivers only the
    # signals it has a handler for, so the shell traps USR1.
    run_kayak run -d --name killme "$BUSYBOX_REF" sh -c 'trap "exit 7" USR1; while :; do sleep 0.1; done'
    run_kayak kill -s USR1 killme
    assert "killme"
    run_kayak wait killme
    assert "7"
    run_kayak run -d --name forced "$BUSYBOX_REF" sleep 1000
    run_kayak rm -f forced
    assert "forced"
    run_kayak ps -a --format '{{.Names}}'
    assert "killme"
}
