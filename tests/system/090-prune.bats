#!/usr/bin/env bats
# kayak image prune.

load helpers

# One tagged image (kayak/busybox) and one dangling one; prints the
# dangling image's ID.
tagged_and_dangling() {
    make_busybox_image >/dev/null
    mkarchive layer l.tar plain
    local id
    id=$(mkarchive image dangling.tar --layer l.tar)
    kayak load -i dangling.tar >/dev/null || die "load dangling.tar"
    echo "$id"
}

@test "image prune -f removes dangling images only" {
    local id
    id=$(tagged_and_dangling)
    run_kayak image prune -f
    assert "${lines[0]}" == "Deleted Images:"
    assert "$output" =~ "${NL}deleted: $id$NL"
    assert "${lines[-1]}" =~ "^Total reclaimed space: [0-9.]+[kMG]?B$"
    run_kayak images -a --format '{{.Repository}}'
    assert "kayak/busybox"
}

@test "image prune -a -f removes every unused image" {
    tagged_and_dangling >/dev/null
    run_kayak image prune -a -f
    assert "$output" =~ "${NL}untagged: kayak/busybox:latest$NL"
    assert "${lines[-1]}" =~ "^Total reclaimed space: [0-9.]+[kMG]?B$"
    run_kayak images -a -q
    assert ""
    local left
    left=$(find "$KAYAK_ROOT/layers" -mindepth 1 -maxdepth 1 ! -name '.*' 2>/dev/null)
    assert "$left" == "" "no layers left"
}

@test "image prune on a clean store reclaims 0B" {
    make_busybox_image
    run_kayak image prune -f
    assert "Total reclaimed space: 0B"
}

@test "image prune asks first; no answer means no" {
    local id
    id=$(tagged_and_dangling)
    run_kayak image prune < /dev/null
    assert "$output" =~ "WARNING! This will remove all dangling images."
    run_kayak images -a --no-trunc -q
    assert "$output" =~ "$id" "nothing pruned without a yes"

    run bash -c 'echo y | "$KAYAK_BINARY" image prune'
    _log_output
    assert "$status" -eq 0
    assert "$output" =~ "deleted: $id"
    run_kayak images -a --no-trunc -q
    assert "$output" !~ "$id"
}

@test "image prune --filter until=" {
    mkarchive layer l.tar plain
    local old
    old=$(mkarchive image old.tar --layer l.tar --created 2020-01-01T00:00:00Z)
    kayak load -i old.tar >/dev/null
    run_kayak image prune -f --filter until=2019-01-01T00:00:00Z
    assert "Total reclaimed space: 0B" "nothing older than 2019"
    run_kayak image prune -f --filter until=2021-01-01T00:00:00Z
    assert "$output" =~ "deleted: $old"
}
