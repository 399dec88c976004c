#!/usr/bin/env bats
# kayak save / image save.

load helpers

# save_names ARCHIVE: "name:tag" entries of manifest.json, sorted.
manifest_tags() {
    tar -xOf "$1" manifest.json | python3 -c '
import json, sys
for m in json.load(sys.stdin):
    for t in m.get("RepoTags") or []:
        print(t)' | sort
}

# layer_entries ARCHIVE: the layer paths manifest.json names, in order.
manifest_layers() {
    tar -xOf "$1" manifest.json | python3 -c '
import json, sys
for m in json.load(sys.stdin):
    for l in m["Layers"]:
        print(l)'
}

@test "save -o: Docker's legacy layout, real files, uid 0, fixed mtimes" {
    make_busybox_image
    run_kayak save -o busybox.tar "$BUSYBOX_REF"
    assert "" "save -o prints nothing"
    local id diff_id
    id=$(image_id "$BUSYBOX_REF")
    diff_id=$(kayak image inspect -f '{{index .RootFS.Layers 0}}' "$BUSYBOX_REF")

    run tar --numeric-owner -tvf busybox.tar
    _log_output
    local names
    names=$(tar -tf busybox.tar | grep -v '/$' | sort)
    local v1
    v1=$(grep '/layer.tar$' <<<"$names" | cut -d/ -f1)
    assert "$v1" =~ '^[0-9a-f]{64}$' "legacy layer directory"
    assert "$names" == "$(printf '%s\n' "${id#sha256:}.json" "$v1/VERSION" "$v1/json" "$v1/layer.tar" manifest.json repositories | sort)"

    # Real files (no symlinks), owned by 0:0, one fixed mtime.
    assert "$(tar --numeric-owner -tvf busybox.tar | grep -v '^d' | cut -c1 | sort -u)" == "-" "only regular files"
    assert "$(tar --numeric-owner -tvf busybox.tar | awk '{print $2}' | sort -u)" == "0/0" "uid/gid 0"
    assert "$(tar --numeric-owner -tvf busybox.tar | awk '{print $4, $5}' | sort -u | wc -l)" == 1 "one mtime"

    assert "$(tar -xOf busybox.tar "$v1/VERSION")" == "1.0"
    assert "$(tar -xOf busybox.tar "$v1/layer.tar" | sha256sum | cut -d' ' -f1)" == "${diff_id#sha256:}" \
        "layer.tar is byte-identical to the loaded layer"
    assert "$(tar -xOf busybox.tar "${id#sha256:}.json" | sha256sum | cut -d' ' -f1)" == "${id#sha256:}" \
        "config blob is byte-identical"
    assert "$(manifest_tags busybox.tar)" == "kayak/busybox:latest"
    assert "$(manifest_layers busybox.tar)" == "$v1/layer.tar"
    run python3 -c 'import json,sys; print(json.load(sys.stdin))' < <(tar -xOf busybox.tar repositories)
    assert "{'kayak/busybox': {'latest': '$v1'}}"
}

@test "save is reproducible" {
    make_busybox_image
    run_kayak save -o one.tar "$BUSYBOX_REF"
    sleep 1
    run_kayak save -o two.tar "$BUSYBOX_REF"
    cmp one.tar two.tar || die "two saves of one image differ"
}

@test "save to stdout when redirected; the same bytes as -o" {
    make_busybox_image
    run_kayak save -o file.tar "$BUSYBOX_REF"
    kayak save "$BUSYBOX_REF" > stdout.tar
    cmp file.tar stdout.tar || die "save > file differs from save -o"
    kayak image save --output=alias.tar "$BUSYBOX_REF"
    cmp file.tar alias.tar || die "image save --output= differs"
    # -q (podman's) is accepted; save prints nothing either way.
    run_kayak save -q -o quiet.tar "$BUSYBOX_REF"
    assert "" "save -q -o prints nothing"
    cmp file.tar quiet.tar || die "save -q -o differs"
}

@test "save refuses to write to a terminal" {
    make_busybox_image
    on_a_terminal "$KAYAK_BINARY" save "$BUSYBOX_REF"
    assert "$status" -eq 125 "exit status"
    assert "Error: cowardly refusing to save to a terminal. Use the -o flag or redirect"
}

@test "save REPOSITORY saves every tag of it" {
    make_busybox_image
    run_kayak tag "$BUSYBOX_REF" myimg/httpd:v1 myimg/httpd:latest other/repo:x
    run_kayak save -o httpd.tar myimg/httpd
    assert "$(manifest_tags httpd.tar)" == $'myimg/httpd:latest\nmyimg/httpd:v1'
    run tar -tvf httpd.tar
    _log_output
    assert "$(tar -tf httpd.tar | grep -c '/layer.tar$')" == 1 "one image, one layer"
}

@test "save several images: shared layers once, one manifest entry each" {
    mkarchive layer base.tar plain
    mkarchive layer top.tar second
    local a b
    a=$(mkarchive image a.tar --layer base.tar --tag a:1)
    b=$(mkarchive image b.tar --layer base.tar --layer top.tar --tag b:1)
    run_kayak_split load -i a.tar
    run_kayak_split load -i b.tar
    run_kayak save -o both.tar a:1 b:1 a:1
    assert "$(manifest_tags both.tar)" == $'a:1\nb:1'
    run python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' < <(tar -xOf both.tar manifest.json)
    assert "2" "one manifest entry per image"
    # Docker writes a shared layer once; other legacy dirs link to it.
    assert "$(tar -tvf both.tar | grep -c '^-.*/layer.tar$')" == 2 "base stored once"
    assert "$(tar -tf both.tar | grep -c "^${a#sha256:}.json$")" == 1
    assert "$(tar -tf both.tar | grep -c "^${b#sha256:}.json$")" == 1
    # The layers in the archive are exactly the ones that were loaded.
    local l
    for l in $(tar -tvf both.tar | grep '^-.*/layer.tar$' | awk '{print $NF}'); do
        local got
        got=$(tar -xOf both.tar "$l" | sha256sum | cut -d' ' -f1)
        [[ sha256:$got == "$(mkarchive digest base.tar)" || sha256:$got == "$(mkarchive digest top.tar)" ]] ||
            die "layer $l is not one of the loaded layers"
    done
}

@test "save | gzip, then load < x.tar.gz round-trips ID and layers" {
    make_busybox_image
    run_kayak tag "$BUSYBOX_REF" round/trip:1
    local id layers
    id=$(image_id round/trip:1)
    layers=$(kayak image inspect -f '{{.RootFS.Layers}}' round/trip:1)
    kayak save round/trip:1 | gzip > x.tar.gz
    run_kayak rmi -a -f
    run_kayak_split load < x.tar.gz
    assert "Loaded image: round/trip:1"
    assert "$(image_id round/trip:1)" == "$id" "image ID survives"
    run_kayak image inspect -f '{{.RootFS.Layers}}' round/trip:1
    assert "$layers" "diff IDs survive"
}

@test "save by ID writes no tags; loading it prints the ID" {
    make_busybox_image
    local id
    id=$(image_id "$BUSYBOX_REF")
    run_kayak save -o byid.tar "$(short_id "$id")"
    assert "$(manifest_tags byid.tar)" == "" "no RepoTags"
    run_kayak rmi -f "$BUSYBOX_REF"
    run_kayak_split load -i byid.tar
    assert "Loaded image ID: $id"
}

@test "save --format oci-archive" {
    make_busybox_image
    local id
    id=$(image_id "$BUSYBOX_REF")
    run_kayak save --format oci-archive -o oci.tar "$BUSYBOX_REF"
    run tar -tf oci.tar
    _log_output
    assert "$output" =~ "(^|$NL)oci-layout($NL|$)"
    assert "$output" =~ "(^|$NL)index.json($NL|$)"
    assert "$output" =~ "(^|$NL)blobs/sha256/${id#sha256:}($NL|$)" "config blob"
    tar -xOf oci.tar index.json > index.json
    run python3 -c '
import json, sys
idx = json.load(open("index.json"))
print(len(idx["manifests"]), idx["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"])'
    assert "$output" =~ "^1 (docker.io/)?kayak/busybox:latest$"
    run_kayak rmi "$BUSYBOX_REF"
    run_kayak_split load -i oci.tar
    assert "Loaded image: kayak/busybox:latest"
    assert "$(image_id "$BUSYBOX_REF")" == "$id"
}

@test "save errors: missing image, bad format, unwritable path; no partial file" {
    make_busybox_image
    run_kayak 125 save -o out.tar nothere
    assert_error "nothere"
    [[ ! -e out.tar ]] || die "a failed save left out.tar"
    run_kayak 125 save -o out.tar "$BUSYBOX_REF" nothere
    [[ ! -e out.tar ]] || die "a failed save left out.tar"
    run_kayak 125 save --format bogus -o out.tar "$BUSYBOX_REF"
    assert_error "bogus"
    run_kayak 125 save -o "$TEST_DIR/no/such/dir/out.tar" "$BUSYBOX_REF"
    assert_error "no/such/dir"
    ls -A | grep -v '^\(root\|runroot\|outside\|fixtures\)$' | grep . && die "stray files left"
    true
}

@test "save -o replaces an existing file atomically" {
    make_busybox_image
    echo "old content" > out.tar
    run_kayak save -o out.tar "$BUSYBOX_REF"
    tar -tf out.tar manifest.json >/dev/null || die "out.tar is not the new archive"
}
