#!/usr/bin/env bats
# logs: the k8s-file log, read while running and after exit, stdout and
# stderr apart, --tail, -t, --since/--until, -f, rotation.

load helpers

setup() {
    basic_setup
    make_busybox_image
}

wait_exited() {
    local i
    for i in $(seq 100); do
        [[ $(kayak inspect -f '{{.State.Status}}' "$1") == exited ]] && return 0
        sleep 0.1
    done
    die "container $1 did not exit"
}

@test "logs: stdout to stdout, stderr to stderr, a partial last line kept" {
    run_kayak run -d --name talk $BUSYBOX_REF sh -c 'echo one; echo two >&2; echo three; printf "no newline"'
    wait_exited talk
    run_kayak_split logs talk
    assert "one${NL}three${NL}no newline"
    assert "$stderr" == "two"
    # The file is conmon's k8s-file format. (How stdout and stderr lines
    # interleave depends on which pipe the monitor reads first.)
    local id
    id=$(kayak inspect -f '{{.Id}}' talk)
    run grep ' stdout ' "$KAYAK_ROOT/containers/$id/ctr.log"
    assert "${lines[0]}" =~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z stdout F one$'
    assert "${lines[1]}" =~ ' stdout F three$'
    assert "${lines[2]}" =~ ' stdout P no newline$'
    run grep ' stderr ' "$KAYAK_ROOT/containers/$id/ctr.log"
    assert "$output" =~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z stderr F two$'
}

@test "logs --tail and -t" {
    run_kayak run --name many $BUSYBOX_REF sh -c 'for i in 1 2 3 4 5; do echo line$i; done'
    run_kayak logs --tail 2 many
    assert "line4${NL}line5"
    run_kayak logs -n 0 many
    assert ""
    run_kayak logs --tail all many
    assert_line_count 5
    run_kayak logs -t --tail 1 many
    assert "$output" =~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]+)?Z line5$'
    run_kayak 125 logs --tail x many
}

@test "logs --since and --until: durations, RFC 3339 and Unix times" {
    run_kayak run --name timed $BUSYBOX_REF echo hello
    run_kayak logs --since 1m timed
    assert "hello"
    run_kayak logs --until 1m timed
    assert ""
    run_kayak logs --since "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" timed
    assert ""
    run_kayak logs --until "$(date -u -d '+1 hour' +%s)" timed
    assert "hello"
    run_kayak_split 125 logs --since yesterday timed
    assert "$stderr" =~ 'invalid time "yesterday"'
}

@test "logs -f: follows a running container until it exits" {
    run_kayak run -d --name follow $BUSYBOX_REF sh -c 'for i in 1 2 3; do echo tick$i; sleep 0.3; done'
    run_kayak logs -f follow
    assert "tick1${NL}tick2${NL}tick3"
    # And after the exit, the same lines.
    run_kayak logs follow
    assert "tick1${NL}tick2${NL}tick3"
}

@test "logs: --log-opt max-size rotates the log; logs reads both files" {
    run_kayak run --name chatty --log-opt max-size=1k $BUSYBOX_REF \
        sh -c 'i=0; while [ $i -lt 200 ]; do echo line-$i; i=$((i+1)); done'
    local id
    id=$(kayak inspect -f '{{.Id}}' chatty)
    assert "$(stat -c %s "$KAYAK_ROOT/containers/$id/ctr.log")" -le 1024
    assert "$(stat -c %s "$KAYAK_ROOT/containers/$id/ctr.log.1")" -le 1024
    run_kayak logs chatty
    assert "${lines[-1]}" == "line-199"
    # Older lines went with the rotation.
    assert_not_contains "line-0$NL"
}
