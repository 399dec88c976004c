#!/usr/bin/env bats
# --log-driver journald: each line a journal entry over the native protocol
# (here to a fake journal socket, KAYAK_JOURNAL_SOCKET), and `logs` reading
# them back through journalctl (here a fake one on PATH that serves what the
# fake socket received).

load helpers

setup() {
    basic_setup
    make_busybox_image
    JOURNAL_OUT=$TEST_DIR/journal.jsonl
    export KAYAK_JOURNAL_SOCKET=$TEST_DIR/journal.sock
    python3 "$KAYAK_TESTS_DIR/fake_journal.py" "$KAYAK_JOURNAL_SOCKET" "$JOURNAL_OUT" </dev/null >/dev/null 2>&1 3>&- &
    JOURNAL_PID=$!
    local i
    for i in $(seq 100); do
        [[ -S $KAYAK_JOURNAL_SOCKET ]] && break
        sleep 0.05
    done
    [[ -S $KAYAK_JOURNAL_SOCKET ]] || die "the fake journal did not start"
    touch "$JOURNAL_OUT"
    make_fake_journalctl
}

teardown() {
    kill "$JOURNAL_PID" 2>/dev/null || true
    wait "$JOURNAL_PID" 2>/dev/null || true
    basic_teardown
}

# A journalctl that answers `-o json [--follow] [--after-cursor=C]
# FIELD=VALUE` from what the fake journal received, and logs its arguments.
make_fake_journalctl() {
    mkdir -p "$TEST_DIR/bin"
    cat > "$TEST_DIR/bin/journalctl" <<PY
#!/usr/bin/env python3
import json, sys, time
args = sys.argv[1:]
with open("$TEST_DIR/journalctl.args", "a") as log:
    log.write(" ".join(args) + "\n")
match = [a for a in args if "=" in a and not a.startswith("-")]
after = next((int(a.split("=", 1)[1]) for a in args if a.startswith("--after-cursor=")), -1)
follow = "--follow" in args or "-f" in args
seen = 0
while True:
    entries = [json.loads(l) for l in open("$JOURNAL_OUT")]
    for n, e in enumerate(entries):
        if n < seen or n <= after:
            continue
        if all(e.get(m.split("=", 1)[0]) == m.split("=", 1)[1] for m in match):
            e["__CURSOR"] = str(n)
            e["__REALTIME_TIMESTAMP"] = str(1764306000000000 + n)
            print(json.dumps(e), flush=True)
    seen = len(entries)
    if not follow:
        break
    time.sleep(0.1)
PY
    chmod +x "$TEST_DIR/bin/journalctl"
}

# wait_entries N: the fake journal has received at least N entries.
wait_entries() {
    local i
    for i in $(seq 100); do
        (( $(wc -l < "$JOURNAL_OUT") >= $1 )) && return 0
        sleep 0.05
    done
    die "expected $1 journal entries, got: $(cat "$JOURNAL_OUT")"
}

# field N KEY: KEY of entry N (0-based) of the fake journal.
field() {
    python3 -c 'import json, sys
entries = [json.loads(l) for l in open(sys.argv[1])]
print(entries[int(sys.argv[2])].get(sys.argv[3], "<missing>"))' "$JOURNAL_OUT" "$1" "$2"
}

@test "journald: one entry per line with priority, container id and name" {
    run_kayak run --log-driver journald --name jtalk $BUSYBOX_REF sh -c 'echo one; sleep 0.2; echo two >&2; sleep 0.2; printf partial'
    wait_entries 3
    local id
    id=$(kayak inspect -f '{{.Id}}' jtalk)
    assert "$(field 0 MESSAGE)" == "one"
    assert "$(field 0 PRIORITY)" == "6"
    assert "$(field 1 MESSAGE)" == "two"
    assert "$(field 1 PRIORITY)" == "3"
    assert "$(field 2 MESSAGE)" == "partial"
    assert "$(field 2 CONTAINER_PARTIAL_MESSAGE)" == "true"
    assert "$(field 0 CONTAINER_PARTIAL_MESSAGE)" == "<missing>"
    local n
    for n in 0 1 2; do
        assert "$(field $n CONTAINER_ID_FULL)" == "$id"
        assert "$(field $n CONTAINER_ID)" == "${id:0:12}"
        assert "$(field $n CONTAINER_NAME)" == "jtalk"
        assert "$(field $n SYSLOG_IDENTIFIER)" == "jtalk"
    done
    # Nothing went to a k8s-file log.
    [[ ! -e $KAYAK_ROOT/containers/$id/ctr.log ]] || die "ctr.log written for a journald container"
    run_kayak inspect -f '{{.HostConfig.LogConfig.Type}}' jtalk
    assert "journald"
}

@test "journald: --log-opt tag names the entries; a detached container logs too" {
    run_kayak run -d --log-driver journald --log-opt tag=webtag --name jtag $BUSYBOX_REF echo tagged
    wait_entries 1
    assert "$(field 0 MESSAGE)" == "tagged"
    assert "$(field 0 CONTAINER_TAG)" == "webtag"
    assert "$(field 0 SYSLOG_IDENTIFIER)" == "webtag"
    assert "$(field 0 CONTAINER_NAME)" == "jtag"
}

@test "journald: logs reads the container's entries back through journalctl" {
    run_kayak run --log-driver journald --name jback $BUSYBOX_REF sh -c 'echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three'
    # Another container's entries must not show up.
    run_kayak run --log-driver journald --name jother $BUSYBOX_REF echo other
    wait_entries 4
    local id
    id=$(kayak inspect -f '{{.Id}}' jback)
    PATH=$TEST_DIR/bin:$PATH run_kayak_split logs jback
    assert "one${NL}three"
    assert "$stderr" == "two"
    assert "$(head -1 "$TEST_DIR/journalctl.args")" =~ "-o json .*CONTAINER_ID_FULL=$id"
    PATH=$TEST_DIR/bin:$PATH run_kayak logs --tail 1 jback
    assert "three"
    PATH=$TEST_DIR/bin:$PATH run_kayak logs -t jother
    assert "$output" =~ "^2025-11-28T05:00:00\.[0-9]+Z other$"
}

@test "journald: logs -f follows until the container exits" {
    run_kayak run -d --log-driver journald --name jfollow $BUSYBOX_REF sh -c 'echo first; sleep 2; echo second'
    PATH=$TEST_DIR/bin:$PATH run_kayak logs -f jfollow
    assert "first${NL}second"
}

@test "journald: logs without journalctl says why it cannot" {
    run_kayak run --log-driver journald --name jnoctl $BUSYBOX_REF echo hi
    mkdir -p "$TEST_DIR/empty"
    run env PATH="$TEST_DIR/empty" "$KAYAK_BINARY" logs jnoctl
    assert_error "journalctl is not available"
    assert_contains "CONTAINER_ID_FULL="
}

@test "journald: a missing journal socket warns and the container still runs" {
    KAYAK_JOURNAL_SOCKET=$TEST_DIR/nowhere.sock run_kayak_split run --log-driver journald $BUSYBOX_REF sh -c 'echo a; echo b'
    assert "a${NL}b"
    assert "$stderr" =~ "nowhere.sock"
    assert "$(grep -c nowhere.sock <<<"$stderr")" == 1 "warned once"
}
