#!/usr/bin/env bats
# The tutorial from the first issue, as one user session, and the default
# image the README makes.

load helpers

BUSYBOX_ID=sha256:654fc8fd836e35f4a64586bddf8f59b9029b48cf80f520834c6c98ca8ab5def9

@test "tutorial: load, tag, list, untag, save, compress, load back, inspect" {
    # Load busybox.
    run_kayak_split load -i "$(fixture archives/podman-save-oci-archive.tar)"
    assert "Loaded image: busybox:latest"

    # Tag it myimg/httpd:v1 and :latest.
    run_kayak tag busybox myimg/httpd:v1
    run_kayak tag busybox myimg/httpd:latest
    run_kayak images
    local ago want
    ago=$(created_ago 2026-05-13T02:21:49Z)
    want=$(printf 'REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\n' ; \
        for rt in busybox:latest myimg/httpd:latest myimg/httpd:v1; do
            printf '%s\t%s\t654fc8fd836e\t%s\t1.76MB\n' "${rt%%:*}" "${rt#*:}" "$ago"
        done)
    want=$(docker_table <<<"$want")
    assert "${lines[0]}" == "$(head -1 <<<"$want")"
    assert "$(tail -n +2 <<<"$output" | sort)" == "$(tail -n +2 <<<"$want" | sort)"

    # Tag and remove :tmp1.
    run_kayak tag myimg/httpd:v1 myimg/httpd:tmp1
    run_kayak rmi myimg/httpd:tmp1
    assert "Untagged: myimg/httpd:tmp1"

    # save -o httpd.tar myimg/httpd: both tags.
    run_kayak save -o httpd.tar myimg/httpd
    run tar -tvf httpd.tar
    _log_output
    assert "$status" -eq 0
    assert "$output" =~ " manifest.json$NL|manifest.json$"
    assert "$output" =~ " repositories"
    assert "$output" =~ "/layer.tar"
    assert "$output" =~ "/VERSION"
    assert "$output" =~ "${BUSYBOX_ID#sha256:}.json"
    run bash -c "tar -xOf httpd.tar manifest.json | python3 -c 'import json,sys; print(sorted(json.load(sys.stdin)[0][\"RepoTags\"]))'"
    assert "['myimg/httpd:latest', 'myimg/httpd:v1']"

    # Save several images.
    make_busybox_image
    run_kayak save -o several.tar myimg/httpd:v1 "$BUSYBOX_REF"
    run bash -c "tar -xOf several.tar manifest.json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'"
    assert "2"

    # save | gzip; bzip2 and xz files.
    kayak save myimg/httpd > httpd-plain.tar
    kayak save myimg/httpd | gzip > httpd.tar.gz
    bzip2 -c httpd-plain.tar > httpd.tar.bz2
    xz -c httpd-plain.tar > httpd.tar.xz

    local f
    for f in httpd.tar.gz httpd.tar.bz2 httpd.tar.xz; do
        run_kayak rmi myimg/httpd:v1 myimg/httpd:latest
        run_kayak_split load -i "$f"
        assert "$(sort <<<"$output")" == $'Loaded image: myimg/httpd:latest\nLoaded image: myimg/httpd:v1' "load -i $f"
    done
    run_kayak rmi myimg/httpd:v1 myimg/httpd:latest
    run_kayak_split load < httpd.tar.gz
    assert "$(sort <<<"$output")" == $'Loaded image: myimg/httpd:latest\nLoaded image: myimg/httpd:v1' "load < gz"

    # And the config survived it all.
    run_kayak image inspect -f '{{.Config.Cmd}}' myimg/httpd:v1
    assert "[sh]"
    assert "$(image_id myimg/httpd:v1)" == "$BUSYBOX_ID"
}

@test "contrib/busybox-image.sh makes the default image" {
    run "$KAYAK_CONTRIB/busybox-image.sh" --kayak "$KAYAK_BINARY"
    _log_output
    assert "$status" -eq 0 "busybox-image.sh"
    run_kayak image inspect -f '{{.Config.Cmd}} {{.Os}}' kayak/busybox:latest
    assert "[sh] linux"
    run_kayak save -o bb.tar kayak/busybox
    local layer
    layer=$(tar -tf bb.tar | grep '/layer.tar$')
    run bash -c "tar -xOf bb.tar '$layer' | tar -tvf -"
    assert "$output" =~ "bin/busybox$NL"
    assert "$output" =~ "bin/sh -> busybox"
    assert "$output" =~ "etc/passwd"
    assert "$output" =~ "etc/group"
    assert "$output" =~ "drwxrwxrwt .* tmp/"

    # The tar is reproducible: the same image ID every time.
    local id
    id=$(image_id kayak/busybox)
    run "$KAYAK_CONTRIB/busybox-image.sh" --kayak "$KAYAK_BINARY" kayak/busybox:again
    assert "$status" -eq 0
    run_kayak image inspect -f '{{index .RootFS.Layers 0}}' kayak/busybox:again
    assert "$(kayak image inspect -f '{{index .RootFS.Layers 0}}' kayak/busybox)" "same layer"
}
