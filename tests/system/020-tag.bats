#!/usr/bin/env bats
# kayak tag / image tag.

load helpers

@test "tag adds names to an image, silently" {
    make_busybox_image
    local id
    id=$(image_id "$BUSYBOX_REF")
    run_kayak tag "$BUSYBOX_REF" myimg/httpd:v1
    assert "" "tag prints nothing"
    run_kayak image tag "$BUSYBOX_REF" myimg/httpd:latest
    assert ""
    run_kayak image inspect -f '{{.Id}}' myimg/httpd:v1
    assert "$id"
    run_kayak image inspect -f '{{.Id}}' myimg/httpd
    assert "$id" "a name without a tag means :latest"
}

@test "tag with several targets" {
    make_busybox_image
    run_kayak tag "$BUSYBOX_REF" a:1 b:2 c/d:3
    run_kayak images --format '{{.Repository}}:{{.Tag}}'
    assert "$(sort <<<"$output")" == "$(printf '%s\n' a:1 b:2 c/d:3 kayak/busybox:latest)"
}

@test "tag by short ID, full ID and by ID prefix" {
    make_busybox_image
    local id
    id=$(image_id "$BUSYBOX_REF")
    run_kayak tag "$id" by/full:id
    run_kayak tag "${id#sha256:}" by/hex:id
    run_kayak tag "$(short_id "$id")" by/short:id
    run_kayak tag "${id:7:5}" by/prefix:id
    for ref in by/full:id by/hex:id by/short:id by/prefix:id; do
        assert "$(image_id $ref)" == "$id" "$ref"
    done
}

@test "tag normalizes references as Docker does" {
    make_busybox_image
    run_kayak tag "$BUSYBOX_REF" docker.io/library/norm:1
    run_kayak images --format '{{.Repository}}:{{.Tag}}' norm
    assert "norm:1" "docker.io/library/ is shown familiar"
    run_kayak tag "$BUSYBOX_REF" myimg/httpd:v1
    run_kayak image inspect -f '{{.Id}}' docker.io/myimg/httpd:v1
    assert "$(image_id "$BUSYBOX_REF")" "myimg/httpd:v1 is docker.io/myimg/httpd:v1"
    run_kayak tag "$BUSYBOX_REF" index.docker.io/library/idx:1
    run_kayak images --format '{{.Repository}}:{{.Tag}}' idx
    assert "idx:1"
}

@test "tag moves an existing tag to the new image" {
    make_busybox_image
    mkarchive layer l.tar plain
    local other
    other=$(mkarchive image other.tar --layer l.tar --tag other:1)
    run_kayak_split load -i other.tar
    run_kayak tag "$BUSYBOX_REF" moving:tag
    run_kayak tag other:1 moving:tag
    assert "$(image_id moving:tag)" == "$other"
    run_kayak image inspect -f '{{.RepoTags}}' "$BUSYBOX_REF"
    assert "[kayak/busybox:latest]" "the old image lost the tag"
}

@test "tag errors: no such image, invalid names, exit 125" {
    make_busybox_image
    run_kayak 125 tag nothere:1 x:1
    assert_error "nothere"
    # (An upper-case first part is a registry host to Docker, so the
    # lowercase rule is about the repository path.)
    run_kayak 125 tag "$BUSYBOX_REF" 'myimg/Case:1'
    assert_error "must be lowercase"
    run_kayak 125 tag "$BUSYBOX_REF" 'bad:tag:x'
    assert_error ""
    run_kayak 125 tag "$BUSYBOX_REF" 'name@sha256:abc'
    assert_error ""
    run_kayak images --format '{{.Repository}}'
    assert "kayak/busybox" "failed tags leave nothing behind"
}

@test "tag is visible to every later command at once" {
    make_busybox_image
    local i
    for i in $(seq 1 20); do
        kayak tag "$BUSYBOX_REF" "many:$i" || die "tag many:$i"
    done
    run_kayak images --format '{{.Tag}}' many
    assert "$(sort -n <<<"$output")" == "$(seq 1 20)"
}
