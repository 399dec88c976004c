#!/usr/bin/env bats
# kayak import / image import.

load helpers

@test "import FILE REF prints the image ID and creates a one-layer image" {
    run_kayak import "$(busybox_rootfs)" imported:1
    assert "$output" =~ '^sha256:[0-9a-f]{64}$' "prints the full ID"
    local id=$output
    assert "$(image_id imported:1)" == "$id"
    run_kayak image inspect -f '{{len .RootFS.Layers}} {{index .RootFS.Layers 0}}' imported:1
    assert "1 $(mkarchive digest "$(busybox_rootfs)")" "the layer is the tar, byte for byte"
    run_kayak image inspect -f '{{.Os}}/{{.Architecture}}' imported:1
    assert "$output" =~ '^linux/[a-z0-9]+$'
}

@test "import from stdin with -" {
    run_kayak import - from/stdin:1 < "$(busybox_rootfs)"
    assert "$output" =~ '^sha256:[0-9a-f]{64}$'
    cat "$(busybox_rootfs)" | kayak image import - from/pipe:1 >/dev/null || die "import from a pipe"
    # Each import is a new image (its own creation time) of the same layer.
    run_kayak image inspect -f '{{.RootFS.Layers}}' from/stdin:1 from/pipe:1
    assert "${lines[0]}" == "${lines[1]}"
    assert "${lines[0]}" == "[$(mkarchive digest "$(busybox_rootfs)")]"
}

@test "import of a compressed tarball" {
    gzip -c "$(busybox_rootfs)" > rootfs.tar.gz
    xz -c "$(busybox_rootfs)" > rootfs.tar.xz
    run_kayak import rootfs.tar.gz gz:1
    run_kayak import rootfs.tar.xz xz:1
    # The layer is stored uncompressed, so both have the same diff ID.
    local want
    want=$(mkarchive digest "$(busybox_rootfs)")
    run_kayak image inspect -f '{{index .RootFS.Layers 0}}' gz:1
    assert "$want"
    run_kayak image inspect -f '{{index .RootFS.Layers 0}}' xz:1
    assert "$want"
}

@test "import without a reference makes an untagged image" {
    run_kayak import "$(busybox_rootfs)"
    local id=$output
    run_kayak images --format '{{.Repository}}:{{.Tag}}:{{.ID}}'
    assert "<none>:<none>:$(short_id "$id")"
}

@test "import -c applies Dockerfile instructions" {
    run_kayak import -c 'CMD ["sh"]' "$(busybox_rootfs)" c:json
    run_kayak image inspect -f '{{json .Config.Cmd}}' c:json
    assert '["sh"]'
    # Shell form, as Docker: wrapped in /bin/sh -c.
    run_kayak import --change 'CMD echo hi' "$(busybox_rootfs)" c:shell
    run_kayak image inspect -f '{{json .Config.Cmd}}' c:shell
    assert '["/bin/sh","-c","echo hi"]'
    run_kayak import --change='ENV FOO=bar' -c 'ENV A=1 B=2' "$(busybox_rootfs)" c:env
    run_kayak image inspect -f '{{json .Config.Env}}' c:env
    assert '["FOO=bar","A=1","B=2"]'
    run_kayak import -c 'EXPOSE 80 443/tcp 53/udp' "$(busybox_rootfs)" c:expose
    run_kayak image inspect -f '{{json .Config.ExposedPorts}}' c:expose
    assert '{"443/tcp":{},"53/udp":{},"80/tcp":{}}'
    run_kayak import -c 'LABEL a=b "c d"="e f"' "$(busybox_rootfs)" c:label
    run_kayak image inspect -f '{{json .Config.Labels}}' c:label
    assert '{"a":"b","c d":"e f"}'
}

@test "import -c with an unknown instruction fails" {
    run_kayak 125 import -c 'RUN echo no' "$(busybox_rootfs)" bad:1
    assert_error "[Rr][Uu][Nn] is not a valid change command"
    run_kayak 125 import -c 'NOPE x' "$(busybox_rootfs)" bad:1
    assert_error "[Nn][Oo][Pp][Ee]"
    run_kayak images -q
    assert ""
}

@test "import -m sets the history comment" {
    run_kayak import -m "my message" "$(busybox_rootfs)" msg:1
    run_kayak image inspect -f '{{.Comment}}' msg:1
    assert "my message"
    run_kayak history --format '{{.Comment}}' msg:1
    assert "my message"
}

@test "import errors: missing file, not a tar" {
    run_kayak 125 import nothere.tar x:1
    assert_error "nothere.tar"
    echo "plain text, not a tar" > text
    run_kayak 125 import text x:1
    assert_error ""
    run_kayak images -a -q
    assert ""
}

@test "import moves an existing tag" {
    run_kayak import "$(busybox_rootfs)" same:1
    local first=$output
    mkarchive layer other.tar plain
    run_kayak import other.tar same:1
    local second=$output
    assert "$first" != "$second"
    assert "$(image_id same:1)" == "$second"
}
