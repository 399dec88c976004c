#!/usr/bin/env bats
# kayak rmi / image rm / image remove.

load helpers

# a two-layer image whose layers are in no other image: plain + second.
two_layer_image() {
    mkarchive layer l1.tar plain
    mkarchive layer l2.tar second
    mkarchive image two.tar --layer l1.tar --layer l2.tar --tag two:1
}

@test "rmi of one of several tags only untags" {
    make_busybox_image
    run_kayak tag "$BUSYBOX_REF" myimg/httpd:v1 myimg/httpd:tmp1
    run_kayak rmi myimg/httpd:tmp1
    assert "Untagged: myimg/httpd:tmp1"
    run_kayak image inspect -f '{{.RepoTags}}' "$BUSYBOX_REF"
    assert "$output" =~ "myimg/httpd:v1"
    assert_not_contains "tmp1"
}

@test "rmi of the last tag deletes the image and its layers" {
    local id diff_id
    id=$(mkarchive image one.tar --layer "$(mkarchive layer l.tar plain; echo l.tar)" --tag one:1)
    diff_id=$(mkarchive digest l.tar)
    run_kayak_split load -i one.tar
    run_kayak rmi one:1
    # For a one-layer image the chain ID is the diff ID.
    assert $'Untagged: one:1\nDeleted: '"$id"$'\nDeleted: '"$diff_id"
    run_kayak images -a -q
    assert ""
    local left
    left=$(find "$KAYAK_ROOT/layers" -mindepth 1 -maxdepth 1 ! -name '.*' 2>/dev/null)
    assert "$left" == "" "no layer left in the store"
}

@test "rmi deletes every layer of a multi-layer image" {
    local id
    id=$(two_layer_image)
    run_kayak_split load -i two.tar
    run_kayak image rm two:1
    assert "${lines[0]}" == "Untagged: two:1"
    assert "${lines[1]}" == "Deleted: $id"
    assert_line_count 4
    assert "${lines[2]}" =~ '^Deleted: sha256:[0-9a-f]{64}$'
    assert "${lines[3]}" =~ '^Deleted: sha256:[0-9a-f]{64}$'
}

@test "rmi keeps layers another image still uses" {
    mkarchive layer base.tar plain
    mkarchive layer top.tar second
    mkarchive image a.tar --layer base.tar --tag a:1 >/dev/null
    mkarchive image b.tar --layer base.tar --layer top.tar --tag b:1 >/dev/null
    run_kayak_split load -i a.tar
    run_kayak_split load -i b.tar
    run_kayak rmi b:1
    # b's top layer goes, the shared base stays.
    assert_line_count 3
    run_kayak image inspect -f '{{.Id}}' a:1
    run_kayak rmi a:1
    assert "${lines[2]}" == "Deleted: $(mkarchive digest base.tar)"
}

@test "rmi by ID of an image with several tags needs -f" {
    make_busybox_image
    run_kayak tag "$BUSYBOX_REF" second:tag
    local id
    id=$(image_id "$BUSYBOX_REF")
    run_kayak 125 rmi "$(short_id "$id")"
    assert_error "(must be forced|multiple repositories)"
    run_kayak images -q
    assert "$output" != "" "nothing was removed"

    run_kayak rmi -f "$(short_id "$id")"
    assert "$output" =~ "Untagged: kayak/busybox:latest"
    assert "$output" =~ "Untagged: second:tag"
    assert "$output" =~ "Deleted: $id"
    run_kayak images -a -q
    assert ""
}

@test "rmi by ID of an image with one tag" {
    make_busybox_image
    local id
    id=$(image_id "$BUSYBOX_REF")
    run_kayak rmi "${id#sha256:}"
    assert "${lines[0]}" == "Untagged: kayak/busybox:latest"
    assert "${lines[1]}" == "Deleted: $id"
}

@test "rmi of several images reports each; a missing one fails (exit 1) but does not stop the rest" {
    make_busybox_image
    run_kayak tag "$BUSYBOX_REF" x:1 y:1
    run_kayak 1 rmi x:1 nothere:1 y:1
    assert "$output" =~ "Untagged: x:1"
    assert "$output" =~ "Untagged: y:1"
    assert "$output" =~ "Error: .*nothere"
    run_kayak images --format '{{.Repository}}:{{.Tag}}'
    assert "kayak/busybox:latest"
}

@test "rmi of a missing image: No such image, exit 1 (podman); with -f nothing at all" {
    run_kayak 1 rmi nothere
    assert_error "(No such image|image not known).*nothere"
    run_kayak rmi -f nothere
    assert ""
}

@test "rmi -a removes every image; -a with names is an error" {
    make_busybox_image
    run_kayak tag "$BUSYBOX_REF" other:1
    two_layer_image >/dev/null
    run_kayak_split load -i two.tar
    run_kayak rmi -a -f
    run_kayak images -a -q
    assert ""
    local left
    left=$(find "$KAYAK_ROOT/layers" -mindepth 1 -maxdepth 1 ! -name '.*' 2>/dev/null)
    assert "$left" == "" "no layer left"
    run_kayak rmi --all
    assert "" "rmi -a on an empty store does nothing"
    make_busybox_image
    run_kayak 125 rmi -a "$BUSYBOX_REF"
    assert_error "when using the --all switch, you may not pass any images names or IDs"
    run_kayak images -q
    assert "$output" != "" "nothing was removed"
}

@test "rmi frees the disk space" {
    make_busybox_image
    run du -sk "$KAYAK_ROOT"
    local before=${output%%[[:space:]]*}
    run_kayak rmi "$BUSYBOX_REF"
    run du -sk "$KAYAK_ROOT"
    local after=${output%%[[:space:]]*}
    # busybox is about 2 MB; the store keeps only small metadata after.
    assert "$((before - after))" -gt 1500 "at least 1.5 MB freed (before ${before}k, after ${after}k)"
}
