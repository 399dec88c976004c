#!/usr/bin/env bats
# Interop: what kayak writes, skopeo and podman read; what they write,
# kayak reads. Skipped where they are not installed.

load helpers

BUSYBOX_ID=sha256:654fc8fd836e35f4a64586bddf8f59b9029b48cf80f520834c6c98ca8ab5def9

# podman with a throwaway store in the test dir, never the user's.
podman_t() {
    # Its config and runtime dirs too, so nothing lands in HOME or /tmp.
    XDG_RUNTIME_DIR=$TEST_DIR/podman-xdg XDG_CONFIG_HOME=$TEST_DIR/podman-config \
    timeout 300 podman --root "$TEST_DIR/podman-root" --runroot "$TEST_DIR/podman-run" \
        --storage-driver vfs --tmpdir "$TEST_DIR/podman-tmp" \
        --cgroup-manager cgroupfs --events-backend file "$@"
}

# archive_image_id FILE: the config digest a docker-archive or
# oci-archive names (for one image), read without kayak.
archive_image_id() {
    local m
    if m=$(tar -xOf "$1" manifest.json 2>/dev/null); then
        python3 -c 'import json,sys; print("sha256:" + json.loads(sys.argv[1])[0]["Config"].split("/")[-1].removesuffix(".json"))' "$m"
    else
        local idx man
        idx=$(tar -xOf "$1" index.json)
        man=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["manifests"][0]["digest"].split(":")[1])' "$idx")
        tar -xOf "$1" "blobs/sha256/$man" | python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["digest"])'
    fi
}

# need_podman [--other-owners]: skip unless podman is installed and works
# for this user; with --other-owners, also unless it can store files owned
# by IDs other than the caller's (rootless podman needs a subuid range).
need_podman() {
    skip_if_no_podman
    if [[ ${1:-} == --other-owners && -n $IS_ROOTLESS && -z $HAS_SUBUID ]]; then
        skip "rootless podman cannot store busybox's uid 65534 files without a subuid range"
    fi
    mkdir -p "$TEST_DIR/podman-tmp" "$TEST_DIR/podman-config"
    mkdir -m 700 -p "$TEST_DIR/podman-xdg"
    podman_t images >/dev/null 2>&1 || skip "podman does not work for $(id -un) here"
}

@test "skopeo reads kayak's docker-archive and oci-archive" {
    skip_if_no_skopeo
    make_busybox_image
    local id layers
    id=$(image_id "$BUSYBOX_REF")
    layers=$(kayak image inspect -f '{{json .RootFS.Layers}}' "$BUSYBOX_REF")
    run_kayak save -o docker.tar "$BUSYBOX_REF"
    run_kayak save --format oci-archive -o oci.tar "$BUSYBOX_REF"

    run skopeo inspect --config docker-archive:docker.tar
    _log_output
    assert "$status" -eq 0 "skopeo inspect --config docker-archive"
    check_with_python 'import json,sys; print(json.dumps(json.load(sys.stdin)["rootfs"]["diff_ids"], separators=(",",":")))'
    assert "$layers"
    run skopeo inspect --format '{{.Digest}}' docker-archive:docker.tar
    assert "$status" -eq 0

    run skopeo inspect --raw oci-archive:oci.tar
    _log_output
    assert "$status" -eq 0 "skopeo inspect oci-archive"
    check_with_python 'import json,sys; print(json.load(sys.stdin)["config"]["digest"])'
    assert "$id" "the manifest points at kayak's config"
}

@test "podman loads what kayak saves, with the same image ID" {
    need_podman
    make_busybox_image
    local id
    id=$(image_id "$BUSYBOX_REF")
    run_kayak save -o docker.tar "$BUSYBOX_REF"
    run_kayak save --format oci-archive -o oci.tar "$BUSYBOX_REF"
    # (podman 4 cannot load a gzipped docker-archive, so no .tar.gz here.)
    local f
    for f in docker.tar oci.tar; do
        run podman_t load -i "$f"
        _log_output
        assert "$status" -eq 0 "podman load $f"
        run podman_t images --no-trunc --format '{{.ID}}'
        assert "$output" =~ "(^|$NL)(sha256:)?${id#sha256:}($NL|$)" "podman has the image from $f"
        podman_t rmi -a -f >/dev/null 2>&1
    done
}

@test "kayak loads what podman saves (docker-archive, oci-archive, several images)" {
    need_podman --other-owners
    run podman_t load -i "$(fixture archives/podman-save-docker-archive.tar)"
    _log_output
    assert "$status" -eq 0
    podman_t tag "$BUSYBOX_ID" localhost/second:1 || die "podman tag"
    podman_t save -o p-docker.tar docker.io/library/busybox:latest || die "podman save"
    podman_t save --format oci-archive -o p-oci.tar docker.io/library/busybox:latest || die "podman save oci"
    podman_t save -m -o p-multi.tar docker.io/library/busybox:latest localhost/second:1 ||
        die "podman save -m"

    # podman rewrites the config on save, so the ID is the one it wrote.
    run_kayak_split load -i p-docker.tar
    assert "Loaded image: busybox:latest"
    assert "$(image_id busybox)" == "$(archive_image_id p-docker.tar)"
    run_kayak rmi -a -f
    run_kayak_split load -i p-oci.tar
    assert "$(image_id busybox)" == "$(archive_image_id p-oci.tar)"
    run_kayak rmi -a -f
    run_kayak_split load -i p-multi.tar
    assert "$(sort <<<"$output")" == $'Loaded image: busybox:latest\nLoaded image: localhost/second:1'
}

@test "kayak loads what skopeo copies from the OCI fixtures" {
    skip_if_no_skopeo
    local dir
    dir=$(fixture alpine)
    run skopeo copy "oci:$dir:3.20.3" "docker-archive:alpine.tar:alpine:3.20.3"
    _log_output
    assert "$status" -eq 0
    run_kayak_split load -i alpine.tar
    assert "Loaded image: alpine:3.20.3"
    assert "$(image_id alpine:3.20.3)" == "$(oci_image_id "$dir" 3.20.3)"
    run_kayak image inspect -f '{{.Config.Cmd}}' alpine:3.20.3
    assert "[/bin/sh]"
}

@test "a kayak round trip through podman keeps the ID" {
    need_podman --other-owners
    run_kayak_split load -i "$(fixture archives/podman-save-oci-archive.tar)"
    run_kayak save -o k.tar busybox
    run podman_t load -i k.tar
    _log_output
    assert "$status" -eq 0
    podman_t save -o kp.tar "$BUSYBOX_ID" || die "podman save"
    run_kayak rmi -a -f
    run_kayak_split load -i kp.tar
    assert "$(image_id "${BUSYBOX_ID:7:12}")" == "$BUSYBOX_ID"
}
