#!/usr/bin/env bats
# Terminals and attach: run -it through a pty, the detach keys, attach,
# start -a / -ai.

load helpers

setup() {
    basic_setup
    make_busybox_image
}

# pty STEP... -- ARGS...: kayak ARGS on a fresh pseudo-terminal driven by
# tests/system/pty_session.py; output in $output, the terminal's final mode
# on the last line ("terminal: restored").
pty() {
    local -a steps=()
    while [[ $1 != -- ]]; do steps+=("$1"); shift; done
    shift
    run timeout 90 python3 "$KAYAK_TESTS_DIR/pty_session.py" "${steps[@]}" -- "$KAYAK_BINARY" "$@"
    echo "# on a pty: kayak $*"
    _log_output
}

@test "run -it: an interactive shell on a pty; the terminal is restored; the exit code comes back" {
    pty 'expect:# ' 'send:echo sum-$((40+2))\r' 'expect:sum-42' 'send:tty; exit 7\r' \
        -- run -it --rm $BUSYBOX_REF sh
    assert "$status" -eq 7
    assert_contains "sum-42"
    assert_contains "/dev/pts/"
    assert "${lines[-1]}" == "terminal: restored"
}

@test "run -it: the tutorial's shell writes a file the container keeps" {
    pty 'expect:# ' 'send:mkdir -p /var/www && echo hello-web > /var/www/index.html\r' \
        'send:exit\r' -- run -it --name web $BUSYBOX_REF sh
    assert "$status" -eq 0
    assert "$(kayak inspect -f '{{.State.Status}} {{.State.ExitCode}}' web)" == "exited 0"
    # The file is in the container's own layer (upper dir, or the vfs copy).
    local id
    id=$(kayak inspect -f '{{.Id}}' web)
    run find "$KAYAK_ROOT/containers/$id" -path '*/var/www/index.html'
    assert "$output" != "" "index.html in the container's files"
    assert "$(cat "${lines[0]}")" == "hello-web"
}

@test "detach keys: ctrl-p ctrl-q leaves the container running; attach comes back to it" {
    pty 'expect:# ' 'send:echo before-$((1+1))\r' 'expect:before-2' 'send:\x10\x11' \
        -- run -it --name keep $BUSYBOX_REF sh
    assert "$status" -eq 0
    assert "${lines[-1]}" == "terminal: restored"
    assert "$(kayak inspect -f '{{.State.Status}}' keep)" == "running"
    pty 'sleep:0.3' 'send:echo after-$((1+1))\r' 'expect:after-2' 'send:exit 3\r' -- attach keep
    assert "$status" -eq 3
    assert "${lines[-1]}" == "terminal: restored"
    local i
    for i in $(seq 50); do
        [[ $(kayak inspect -f '{{.State.Status}}' keep) == exited ]] && break
        sleep 0.1
    done
    assert "$(kayak inspect -f '{{.State.Status}} {{.State.ExitCode}}' keep)" == "exited 3"
}

@test "--detach-keys: another sequence detaches; ctrl-p alone passes through" {
    pty 'expect:# ' 'send:\x10echo x\r' 'expect:x' 'send:\x18' -- run -it --detach-keys ctrl-x --name other $BUSYBOX_REF sh
    assert "$status" -eq 0
    assert "$(kayak inspect -f '{{.State.Status}}' other)" == "running"
    run_kayak rm -f other
}

@test "attach: refused for a stopped container" {
    run_kayak create --name idle $BUSYBOX_REF true
    run_kayak_split 125 attach idle
    assert "$stderr" =~ "cannot attach to a stopped container"
}

@test "start -a: output and exit code; start -ai feeds stdin; start of a started container is quiet" {
    run_kayak create --name once $BUSYBOX_REF sh -c 'echo hi; echo err >&2; exit 5'
    run_kayak_split 5 start -a once
    assert "hi"
    assert "$stderr" == "err"
    run_kayak create -i --name cat $BUSYBOX_REF tr a-z A-Z
    run bash -c "echo shout | timeout 60 $KAYAK_BINARY start -ai cat"
    assert "$status" -eq 0
    assert "SHOUT"
    run_kayak run -d --name busy $BUSYBOX_REF sleep 100
    run_kayak start busy
    assert "busy"
    run_kayak rm -f busy
}

@test "attach --no-stdin: output only; the detached monitor keeps the container" {
    run_kayak run -d -i --name echoer $BUSYBOX_REF sh -c 'sleep 0.5; echo late-line; sleep 0.2'
    run_kayak attach --no-stdin echoer
    assert_contains "late-line"
}
