#!/usr/bin/env bats
# generate systemd (an existing container, or --new from the recorded
# create command), the units' Exec lines run as systemd would run them,
# start --all --filter restart-policy= (the restart unit), and the linger
# warning of run -d --restart always.

load helpers

setup() {
    basic_setup
    make_busybox_image
}

teardown() {
    kayak rm -a -f >/dev/null 2>&1 || true
    basic_teardown
}

# run_unit_exec UNIT KEY: runs the unit's KEY= command as systemd would
# (%t = $TEST_DIR/rt, %n = the unit's file name), without NOTIFY_SOCKET.
run_unit_exec() {
    local -a words
    mkdir -p "$TEST_DIR/rt"
    mapfile -d '' -t words < <(python3 "$KAYAK_TESTS_DIR/unit_exec.py" "$1" "$2" "$TEST_DIR/rt" "$(basename "$1")")
    echo "# $2: ${words[*]}"
    run "${words[@]}"
    echo "# -> $status: $output"
}

# verify_unit FILE: systemd-analyze verify, where it is installed.
verify_unit() {
    command -v systemd-analyze >/dev/null || return 0
    run systemd-analyze verify --man=no "$1"
    assert "$status" -eq 0 "systemd-analyze verify $1: $output"
}

@test "generate systemd --new: the unit recreates the container from its create command, quoting kept" {
    run_kayak create --name web -e 'GREETING=hello world' -l app=web kayak/busybox:latest \
        sh -c 'echo "100% $GREETING"; sleep 1000'
    run_kayak generate systemd --new --name --files web
    local unit=$TEST_DIR/container-web.service
    assert "$output" == "$unit" "--files prints the path it wrote"
    assert "$(grep -c '^ExecStart=' "$unit")" -eq 1
    grep -q '^Type=notify$' "$unit" || die "Type=notify missing"
    grep -q '^ExecStart=.* run --cidfile=%t/%n.ctr-id --rm --sdnotify=conmon --replace -d --name web ' "$unit" ||
        die "ExecStart: $(grep ^ExecStart "$unit")"
    verify_unit "$unit"

    # What systemd would do: ExecStartPre, ExecStart (replacing the
    # created container: --replace), then the stop commands.
    run_unit_exec "$unit" ExecStartPre
    run_unit_exec "$unit" ExecStart
    assert "$status" -eq 0 "ExecStart ran"
    local id
    id=$(cat "$TEST_DIR/rt/container-web.service.ctr-id")
    run_kayak inspect -f '{{.State.Status}} {{.Config.Labels.app}}' web
    assert "$output" == "running web" "the new container runs with the same label"
    assert "$(kayak inspect -f '{{.Id}}' web)" == "$id" "the cidfile names it"
    local i
    for ((i = 0; i < 50; i++)); do [[ -n $(kayak logs web) ]] && break; sleep 0.1; done
    run_kayak logs web
    assert "$output" == "100% hello world" "the command and its quoting survived the unit"
    run_unit_exec "$unit" ExecStop
    assert "$status" -eq 0 "ExecStop ran"
    run_unit_exec "$unit" ExecStopPost
    assert "$status" -eq 0 "ExecStopPost ran"
    run_kayak ps -a -q
    assert "$output" == "" "nothing left (--rm)"
    # Run again with nothing there: --ignore keeps the stop commands quiet.
    run_unit_exec "$unit" ExecStop
    assert "$status" -eq 0 "ExecStop of a removed container: $output"
}

@test "generate systemd: an existing container is started and stopped by name or ID" {
    run_kayak create --name svc --stop-timeout 3 kayak/busybox:latest sleep 1000
    local id=$output
    run_kayak generate systemd --no-header svc
    assert "${lines[0]}" == "[Unit]" "--no-header"
    assert "$output" =~ "ExecStart=[^ ]*kayak start $id" "by ID without --name"
    assert "$output" =~ "TimeoutStopSec=63" "the stop timeout plus a minute"
    run_kayak generate systemd --name --restart-policy always --restart-sec 5 --container-prefix app \
        --separator _ -t 7 --files svc
    local unit=$TEST_DIR/app_svc.service
    assert "$output" == "$unit"
    grep -q '^Restart=always$' "$unit" || die "Restart= missing"
    grep -q '^RestartSec=5$' "$unit" || die "RestartSec= missing"
    grep -q ' stop -t 7 svc$' "$unit" || die "ExecStop: $(grep ^ExecStop= "$unit")"
    verify_unit "$unit"
    run_unit_exec "$unit" ExecStart
    assert "$(kayak inspect -f '{{.State.Status}}' svc)" == "running"
    run_unit_exec "$unit" ExecStop
    assert "$(kayak inspect -f '{{.State.Status}}' svc)" == "exited"

    run_kayak 125 generate systemd --restart-policy sometimes svc
    run_kayak 125 generate systemd nosuch
    assert "$output" =~ "No such container: nosuch"
}

@test "start --all --filter restart-policy=: what the restart unit starts after a boot" {
    run_kayak create --name a1 --restart always kayak/busybox:latest sleep 1000
    run_kayak create --name u1 --restart unless-stopped kayak/busybox:latest sleep 1000
    run_kayak create --name n1 kayak/busybox:latest sleep 1000
    run_kayak create --name f1 --restart on-failure:3 kayak/busybox:latest sleep 1000
    run_kayak start --all --filter restart-policy=always --filter restart-policy=unless-stopped
    assert "${#lines[@]}" -eq 2 "two started"
    run_kayak ps --format '{{.Names}}'
    assert "$(echo "$output" | sort | tr '\n' ' ')" == "a1 u1 " "only the restart-policy ones run"
    run_kayak ps -a --filter restart-policy=no --format '{{.Names}}'
    assert "$output" == "n1"
    run_kayak 125 ps --filter restart-policy=sometimes
    run_kayak 125 start --filter restart-policy=always a1
    # The restart unit as installed, pointing at this binary.
    sed "s|@BINDIR@|$(dirname "$KAYAK_BINARY")|g" "$KAYAK_CONTRIB/systemd/kayak-restart.service.in" \
        >"$TEST_DIR/kayak-restart.service"
    verify_unit "$TEST_DIR/kayak-restart.service"
    run_kayak stop -t 1 a1 u1
    run_unit_exec "$TEST_DIR/kayak-restart.service" ExecStart
    assert "$status" -eq 0
    run_kayak ps --format '{{.Names}}'
    assert "$(echo "$output" | sort | tr '\n' ' ')" == "a1 u1 " "the unit's ExecStart started them"
}

@test "run -d --restart always warns once when lingering is off (rootless); stop/rm --cidfile --ignore" {
    run_kayak_split run -d --restart always --name r1 kayak/busybox:latest sleep 1000
    local user
    user=$(id -un)
    if [[ -n $IS_ROOTLESS && ! -e /var/lib/systemd/linger/$user ]]; then
        assert "$stderr" =~ "loginctl enable-linger $user" "the warning names the fix"
        assert "$(grep -c enable-linger <<<"$stderr")" -eq 1 "once"
    else
        assert "$stderr" == "" "no warning as root or with lingering on"
    fi
    run_kayak_split run -d --name r2 kayak/busybox:latest sleep 1000
    assert "$stderr" == "" "no restart policy: no warning"

    run_kayak rm -f r2
    echo "$(kayak inspect -f '{{.Id}}' r1)" >"$TEST_DIR/r1.cid"
    run_kayak stop -t 1 --cidfile "$TEST_DIR/r1.cid"
    assert "$(kayak inspect -f '{{.State.Status}}' r1)" == "exited"
    run_kayak rm --cidfile "$TEST_DIR/r1.cid"
    run_kayak 125 rm --cidfile "$TEST_DIR/r1.cid"
    run_kayak rm --ignore --cidfile "$TEST_DIR/r1.cid"
    run_kayak stop --ignore --cidfile "$TEST_DIR/none.cid"
    run_kayak 125 stop --cidfile "$TEST_DIR/none.cid"
}
