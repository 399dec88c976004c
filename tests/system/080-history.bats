#!/usr/bin/env bats
# kayak history / image history.

load helpers

CREATED=2024-01-02T03:04:05Z

# A two-layer image whose config has one history entry per layer
# ("mkarchive.py layer 0", "... layer 1").
two_layers() {
    mkarchive layer l1.tar plain
    mkarchive layer l2.tar second
    mkarchive image two.tar --layer l1.tar --layer l2.tar --tag hist:1 --created $CREATED
}

@test "history: Docker's table, newest first, <missing> below the top" {
    local id
    id=$(two_layers)
    run_kayak_split load -i two.tar
    run_kayak history hist:1
    local ago want
    ago=$(created_ago $CREATED)
    want=$(printf 'IMAGE\tCREATED\tCREATED BY\tSIZE\tCOMMENT\n%s\t%s\t%s\t%s\t\n%s\t%s\t%s\t%s\t\n' \
        "$(short_id "$id")" "$ago" "mkarchive.py layer 1" "$(human_size 10240)" \
        "<missing>" "$ago" "mkarchive.py layer 0" "$(human_size 10240)" | docker_table)
    assert "$want"
}

@test "history -q, --no-trunc, --human=false, --format" {
    local id
    id=$(two_layers)
    run_kayak_split load -i two.tar
    run_kayak history -q hist:1
    assert "${lines[0]}" == "$(short_id "$id")"
    run_kayak history --no-trunc --format '{{.ID}}' hist:1
    assert "${lines[0]}" == "$id"
    assert "${lines[1]}" == "<missing>"
    TZ=UTC run_kayak history --human=false --format '{{.CreatedAt}}|{{.Size}}' hist:1
    assert "${lines[0]}" =~ "^2024-01-02T03:04:05(Z|\+00:00)\|10240$"
    run_kayak image history --format '{{.CreatedBy}}' hist:1
    assert $'mkarchive.py layer 1\nmkarchive.py layer 0'
    run_kayak history --format 'table {{.ID}}\t{{.CreatedBy}}' hist:1
    assert "${lines[0]}" =~ "^IMAGE +CREATED BY$"
}

@test "history of the busybox fixture and of an import" {
    run_kayak_split load -i "$(fixture archives/podman-save-docker-archive.tar)"
    run_kayak history --format '{{.ID}}|{{.CreatedBy}}|{{.Size}}' busybox
    assert "654fc8fd836e|BusyBox 1.38.0 (musl), Alpine 3.23.5|1.76MB"

    run_kayak import -m "from the host" "$(busybox_rootfs)" imp:1
    run_kayak history --format '{{.Comment}}|{{.Size}}' imp:1
    assert "from the host|$(human_size "$(kayak image inspect -f '{{.Size}}' imp:1)")"
}

@test "history: empty layers show 0B and truncated CREATED BY" {
    pull_fixture debian-apps nginx-latest nginx:hist
    run_kayak history nginx:hist
    assert_line_count 6
    # EXPOSE, STOPSIGNAL and CMD made no layer.
    assert "${lines[1]}" =~ "CMD \[.* +0B( |$)"
    assert "${lines[3]}" =~ "EXPOSE 80 +0B( |$)"
    # Docker truncates CREATED BY to 45 characters, ending in "…".
    run_kayak history --format '{{.CreatedBy}}' nginx:hist
    assert "${lines[3]}" =~ "^/bin/sh -c apt-get update && apt-get ins"
    check_with_python 'import sys; print(max(len(l) for l in sys.stdin.read().splitlines()))'
    assert "45" "the longest CREATED BY is cut to 45 characters"
    run_kayak history --no-trunc --format '{{.CreatedBy}}' nginx:hist
    check_with_python 'import sys; print(len(sys.stdin.read().splitlines()[3]) > 45)'
    assert "True" "--no-trunc shows all of it"
}

@test "history of a missing image fails" {
    run_kayak 125 history nothere
    assert_error "nothere"
}
