#!/usr/bin/env bats
# kayak ps / container ls / container list.

load helpers

@test "ps -a: Docker's table, layout and COMMAND quoting and truncation" {
    make_busybox_image
    run_kayak create --name web "$BUSYBOX_REF" nginx -g 'daemon off;'
    local id=$output
    run_kayak ps -a
    local created
    created=$(kayak ps -a --format '{{.RunningFor}}')
    # Widths count runes, as Go's tabwriter does: "…" is one column (the
    # awk in docker_table counts bytes, so compare with "." in its place).
    local expected
    expected=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
                   "CONTAINER ID" IMAGE COMMAND CREATED STATUS PORTS NAMES \
                   "${id:0:12}" "$BUSYBOX_REF" "\"nginx -g 'daemon of.\"" "$created" Created "" web |
               docker_table)
    assert "${output//…/.}" == "$expected"
    assert_contains "\"nginx -g 'daemon of…\""
    run_kayak ps -a --no-trunc --format '{{.Command}}'
    assert "\"nginx -g 'daemon off;'\""
    run_kayak container ls -a --no-trunc --format '{{.ID}} {{.Image}}'
    assert "$id $BUSYBOX_REF"
    run_kayak container list -a -q
    assert "${id:0:12}"
    run_kayak ps -a -q --no-trunc
    assert "$id"
}

@test "ps shows only running containers unless -a, -l or -n" {
    make_busybox_image
    local ids=() i
    for i in 1 2 3; do
        run_kayak create --name "c$i" "$BUSYBOX_REF"
        ids+=("$output")
        sleep 0.01
    done
    run_kayak ps -q
    assert ""
    run_kayak ps -a --format '{{.Names}}'
    assert $'c3\nc2\nc1' "newest first"
    run_kayak ps -l --format '{{.Names}}'
    assert "c3"
    run_kayak ps -n 2 --format '{{.Names}}'
    assert $'c3\nc2'
}

@test "ps --filter: status, name, id, ancestor, label, exited" {
    make_busybox_image
    run_kayak tag "$BUSYBOX_REF" other:1
    run_kayak create --name web -l tier=front -l env=prod "$BUSYBOX_REF"
    local web=$output
    run_kayak create --name db -l tier=back other:1
    run_kayak ps --filter status=created --format '{{.Names}}'
    assert $'db\nweb' "a status filter shows all states without -a"
    run_kayak ps -a --filter name=we --format '{{.Names}}'
    assert "web"
    run_kayak ps -a --filter "id=${web:0:5}" --format '{{.Names}}'
    assert "web"
    run_kayak ps -a --filter label=tier=back --format '{{.Names}}'
    assert "db"
    run_kayak ps -a --filter label=env --format '{{.Names}}'
    assert "web"
    run_kayak ps -a --filter ancestor=other:1 --format '{{.Names}}'
    assert $'db\nweb' "same image under another name"
    run_kayak ps -a --filter exited=0 -q
    assert "" "never started"
    run_kayak 125 ps --filter status=sleeping
    assert_error "invalid filter 'status=sleeping'"
    run_kayak 125 ps --filter colour=blue
    assert_error "invalid filter 'colour'"
}

@test "ps --format json and templates with Docker's field names" {
    make_busybox_image
    run_kayak create --name web -l a=1 -v "$TEST_DIR:/data" "$BUSYBOX_REF" echo hi
    run_kayak ps -a --format json
    check_with_python '
import json, sys
row = json.loads(sys.stdin.read())
assert list(row) == sorted(row), list(row)
want = {"Command": "\"echo hi\"", "Names": "web", "State": "created", "Status": "Created",
        "Labels": "a=1", "LocalVolumes": "0", "Ports": "", "Size": "0B"}
for k, v in want.items():
    assert row[k] == v, (k, row[k])
assert row["Mounts"].startswith(sys.argv[1][:14]), row["Mounts"]
assert row["CreatedAt"].endswith(" +0000 UTC"), row["CreatedAt"]
assert row["RunningFor"].endswith(" ago"), row["RunningFor"]
print("ok")' "$TEST_DIR"
    assert "ok"
    run_kayak ps -a --format 'table {{.Names}}\t{{.State}}'
    assert "$(printf 'NAMES\tSTATE\nweb\tcreated\n' | docker_table)"
    run_kayak ps -a --format '{{.Label "a"}}|{{.Label "none"}}'
    assert "1|"
    run_kayak ps -a --format 'table {{.Names}}\t{{.Label "a"}}'
    assert "$(printf 'NAMES\tLABEL\nweb\t1\n' | docker_table)"
    run_kayak 125 ps -a --format '{{.Nope}}'
    assert_error "can't evaluate field Nope in type container.Summary"
}

@test "ps -s shows the writable layer and the virtual size" {
    make_busybox_image
    run_kayak create "$BUSYBOX_REF"
    run_kayak ps -a -s --format '{{.Size}}'
    assert "$output" =~ "^0B \(virtual [0-9.]+MB\)$"
    run_kayak ps -a -s
    assert "${lines[0]}" =~ "NAMES +SIZE$"
}

@test "ps IMAGE column: the name while it names the image, else the short image ID" {
    make_busybox_image
    run_kayak create "$BUSYBOX_REF"
    local image_id
    image_id=$(image_id "$BUSYBOX_REF")
    run_kayak rmi -f "$BUSYBOX_REF"
    run_kayak ps -a --format '{{.Image}}'
    assert "$(short_id "$image_id")"
}
