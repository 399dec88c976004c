#!/usr/bin/env bats
# kayak push: to Debian's docker-registry (plain, basic auth, TLS), read
# back by kayak pull and by skopeo; cross-repository mounts; layers
# compressed on the fly; local transports; a 500 on an upload retried.

load helpers
load registry_helpers

BUSYBOX_REF=busybox:1.38.0-musl

setup() {
    basic_setup
    skip_if_no_registry
}

# manifest_digest REPO REF: the registry's digest for REF, computed here
# from the manifest bytes.
manifest_digest() {
    registry_curl "/v2/$1/manifests/$2" \
        -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
        -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' | sha256sum | sed 's/^\([0-9a-f]*\).*/sha256:\1/'
}

# manifest_of REPO REF: the manifest JSON the registry serves.
manifest_of() {
    registry_curl "/v2/$1/manifests/$2" \
        -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
        -H 'Accept: application/vnd.docker.distribution.manifest.v2+json'
}

# oci_manifest_digest DIR REF: the manifest digest of REF in an OCI layout.
oci_manifest_digest() {
    python3 - "$1" "$2" <<'PY'
import json, sys
d, ref = sys.argv[1], sys.argv[2]
for m in json.load(open(d + "/index.json"))["manifests"]:
    if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == ref:
        print(m["digest"])
PY
}

# diff_ids REF: the image's diff_ids, base first.
diff_ids() {
    kayak image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' "$1" | sed '/^$/d'
}

short() { echo "${1#sha256:}" | cut -c1-12; }

# pushed_digest: the digest from the last line of a push's stderr.
pushed_digest() {
    sed -n 's/^.*: digest: \(sha256:[0-9a-f]*\) size: [0-9]*$/\1/p' <<<"$stderr" | tail -1
}

@test "push to a plain registry: Docker's progress, the pull's digest, skopeo and pull read it back" {
    start_registry plain
    local dir id digest layer dest=$REGISTRY/library/busybox:1.38.0-musl
    dir=$(fixture busybox)
    run_kayak pull "oci:$dir:$BUSYBOX_REF"
    id=$(oci_image_id "$dir" "$BUSYBOX_REF")
    layer=$(diff_ids "$BUSYBOX_REF")

    run_kayak_split push "$BUSYBOX_REF" "$dest"
    assert "$output" == "" "nothing on stdout"
    assert "${stderr_lines[0]}" == "The push refers to repository [$REGISTRY/library/busybox]"
    assert "$stderr" =~ "$(short "$layer"): Preparing"
    assert "$stderr" =~ "$(short "$layer"): Pushed"
    assert "$stderr" !~ "Pushing" "no bars when stderr is not a terminal"
    digest=$(manifest_digest library/busybox 1.38.0-musl)
    local size
    size=$(manifest_of library/busybox 1.38.0-musl | wc -c)
    assert "${stderr_lines[-1]}" == "1.38.0-musl: digest: $digest size: $size"
    # The stored manifest went unchanged: the digest is the layout's.
    assert "$digest" == "$(oci_manifest_digest "$dir" "$BUSYBOX_REF")"

    skip_if_no_skopeo
    registry_skopeo inspect "docker://$dest"
    assert "$status" -eq 0 "skopeo inspect"
    run python3 -c 'import json,sys; print(json.load(sys.stdin)["Digest"])' <<<"$output"
    assert "$output" == "$digest"

    # Again: everything is there.
    run_kayak_split push "$BUSYBOX_REF" "docker://$dest"
    assert "$stderr" =~ "$(short "$layer"): Layer already exists"
    assert "$stderr" !~ "Pushed"
    assert "$(pushed_digest)" == "$digest"

    # Pulled back into an empty store: the same image, the pushed digest.
    run_kayak rmi "$BUSYBOX_REF"
    run_kayak pull -q "$dest"
    assert "$(image_id "$dest")" == "$id"
    run_kayak image inspect -f '{{json .RepoDigests}}' "$dest"
    assert "[\"$REGISTRY/library/busybox@$digest\"]"
}

@test "push on a terminal: Pushing bars rewritten in place" {
    start_registry plain
    run_kayak pull -q "oci:$(fixture busybox):$BUSYBOX_REF"
    local layer
    layer=$(diff_ids "$BUSYBOX_REF")
    on_a_terminal "$KAYAK_BINARY" push "$BUSYBOX_REF" "$REGISTRY/tty/busybox:v1"
    assert "$status" -eq 0 "push on a terminal"
    assert "$output" =~ "$(short "$layer"): Pushing \[=+"
    assert "$output" =~ "$(short "$layer"): Pushed"
    assert "$output" =~ $'\e\[' "cursor moves rewrite the lines"
}

@test "push every fixture image and pull it back: same IDs, RepoDigests the pushed digests" {
    start_registry plain
    local -a images=("busybox $BUSYBOX_REF" "alpine 3.20.3" "debian-apps debian-bookworm-slim"
        "debian-apps nginx-latest" "debian-apps redis-latest")
    local entry subdir ref dir id dest digest
    for entry in "${images[@]}"; do
        read -r subdir ref <<<"$entry"
        dir=$(fixture "$subdir")
        id=$(oci_image_id "$dir" "$ref")
        dest=$REGISTRY/roundtrip/${ref%%:*}:v1
        dest=${dest//[^a-z0-9.:\/_-]/-}
        run_kayak pull -q "oci:$dir:$ref"
        run_kayak_split push "$id" "$dest"
        digest=$(pushed_digest)
        assert "$digest" == "$(oci_manifest_digest "$dir" "$ref")" "$ref: the layout's manifest pushed unchanged"
        run_kayak rmi -f "$id"
        run_kayak pull -q "$dest"
        assert "$(image_id "$dest")" == "$id" "$ref: the same image back"
        run_kayak image inspect -f '{{json .RepoDigests}}' "$dest"
        assert "[\"${dest%:v1}@$digest\"]"
        run_kayak rmi "$dest"
    done

    # The podman-saved docker-archive has plain tar layers: compressed on
    # the way, a new manifest, and still the same image when pulled back.
    cp "$(fixture archives)/podman-save-docker-archive.tar" "$TEST_DIR/da.tar"
    run_kayak load -i "$TEST_DIR/da.tar"
    id=$(image_id busybox:latest)
    run_kayak_split push busybox:latest "$REGISTRY/roundtrip/archived:v1"
    assert "$stderr" =~ ": Pushed"
    digest=$(pushed_digest)
    assert "$digest" == "$(manifest_digest roundtrip/archived v1)"
    run_kayak rmi -f "$id"
    run_kayak pull -q "$REGISTRY/roundtrip/archived:v1"
    assert "$(image_id "$REGISTRY/roundtrip/archived:v1")" == "$id"
}

@test "push mounts a layer from the repository the image was pulled from" {
    start_registry plain
    local dir
    dir=$(fixture busybox)
    run_kayak pull -q "oci:$dir:$BUSYBOX_REF"
    run_kayak push -q "$BUSYBOX_REF" "$REGISTRY/library/busybox:m"
    run_kayak rmi "$BUSYBOX_REF"
    run_kayak pull -q "$REGISTRY/library/busybox:m"

    run_kayak_split push "$REGISTRY/library/busybox:m" "$REGISTRY/other/busybox:m"
    assert "$stderr" =~ "$(short "$(diff_ids "$REGISTRY/library/busybox:m")"): Mounted from library/busybox"
    assert "$stderr" !~ "Pushed"
    assert "$(pushed_digest)" == "$(manifest_digest other/busybox m)"
    # The registry saw the mount request.
    run grep -c 'mount=sha256' "$REGISTRY_LOG"
    assert "$status" -eq 0 "a mount request in the registry's log"
}

@test "push a committed image: compressed on the fly (gzip, or zstd), pulled back the same" {
    start_registry plain
    run_kayak pull -q "oci:$(fixture busybox):$BUSYBOX_REF"
    run_kayak run --name c1 "$BUSYBOX_REF" sh -c 'echo pushed > /hello'
    run_kayak commit c1 committed:v1
    local id
    id=$(image_id committed:v1)

    run_kayak_split push committed:v1 "$REGISTRY/c/committed:v1"
    assert "$stderr" =~ ": Pushed"
    manifest_of c/committed v1 >"$TEST_DIR/m.json"
    run python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(" ".join(sorted(set(l["mediaType"] for l in m["layers"]))))' "$TEST_DIR/m.json"
    assert "$output" =~ "tar\+gzip$"
    # Compression is deterministic: a second push finds every layer.
    run_kayak_split push committed:v1 "$REGISTRY/c/committed:v1"
    assert "$stderr" !~ "Pushed"
    assert "$stderr" =~ "Layer already exists"

    run_kayak_split push --compression-format zstd committed:v1 "$REGISTRY/c/committed:zstd"
    manifest_of c/committed zstd >"$TEST_DIR/z.json"
    run python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["mediaType"], " ".join(sorted(set(l["mediaType"] for l in m["layers"]))))' "$TEST_DIR/z.json"
    assert "$output" == "application/vnd.oci.image.manifest.v1+json application/vnd.oci.image.layer.v1.tar+zstd"

    run_kayak rm c1
    run_kayak rmi committed:v1
    run_kayak pull -q "$REGISTRY/c/committed:zstd"
    assert "$(image_id "$REGISTRY/c/committed:zstd")" == "$id"
    run_kayak run --rm "$REGISTRY/c/committed:zstd" cat /hello
    assert "pushed"
}

@test "push to a basic-auth registry: refused with a hint to log in, then pushed after login" {
    skip_if_no_htpasswd
    start_registry basic
    run_kayak pull -q "oci:$(fixture busybox):$BUSYBOX_REF"
    local authfile=$TEST_DIR/auth.json dest=$REGISTRY/private/busybox:v1
    run_kayak 125 push --authfile "$authfile" "$BUSYBOX_REF" "$dest"
    assert "$output" =~ "authentication required"
    assert "$output" =~ "kayak login $REGISTRY"
    assert "$output" !~ "$REGISTRY_TEST_PASSWORD"

    run_kayak login --authfile "$authfile" -u "$REGISTRY_USER" -p "$REGISTRY_PASSWORD" "$REGISTRY"
    run_kayak_split push --authfile "$authfile" "$BUSYBOX_REF" "$dest"
    assert "$stderr" =~ ": Pushed"
    assert "$(pushed_digest)" == "$(manifest_digest private/busybox v1)"
}

@test "push to a TLS registry with its CA in certs.d" {
    skip_if_no_openssl
    start_registry tls
    run_kayak pull -q "oci:$(fixture busybox):$BUSYBOX_REF"
    HOME=$TEST_HOME run_kayak_split push "$BUSYBOX_REF" "$REGISTRY/tls/busybox:v1"
    assert "$stderr" =~ ": Pushed"
    assert "$(pushed_digest)" == "$(manifest_digest tls/busybox v1)"
}

@test "push to oci:, oci-archive: and docker-archive:, read back by kayak and skopeo" {
    local dir id
    dir=$(fixture busybox)
    run_kayak pull -q "oci:$dir:$BUSYBOX_REF"
    id=$(image_id "$BUSYBOX_REF")

    run_kayak push "$BUSYBOX_REF" "oci:$TEST_DIR/layout:mytag"
    assert "$(oci_image_id "$TEST_DIR/layout" mytag)" == "$id"
    run_kayak push "$BUSYBOX_REF" "oci-archive:$TEST_DIR/oci.tar:other"
    run_kayak push "$BUSYBOX_REF" "docker-archive:$TEST_DIR/docker.tar:saved/busybox:v2"
    # Writing a layout into a directory that holds something: refused.
    run_kayak 125 push "$BUSYBOX_REF" "oci:$TEST_DIR/layout:again"
    assert "$output" =~ "not empty"

    run_kayak rmi "$BUSYBOX_REF"
    run_kayak pull "oci:$TEST_DIR/layout:mytag"
    assert "$(image_id "$id")" == "$id"
    run_kayak rmi -f "$id"
    run_kayak pull "oci-archive:$TEST_DIR/oci.tar:other"
    assert "$(image_id "$id")" == "$id"
    run_kayak rmi -f "$id"
    run_kayak load -i "$TEST_DIR/docker.tar"
    assert "$output" =~ "Loaded image: saved/busybox:v2"
    assert "$(image_id saved/busybox:v2)" == "$id"

    skip_if_no_skopeo
    run env HOME="$TEST_DIR/skopeo-home" skopeo inspect "oci:$TEST_DIR/layout:mytag"
    assert "$status" -eq 0 "skopeo reads the layout: $output"
    run env HOME="$TEST_DIR/skopeo-home" skopeo inspect --config "docker-archive:$TEST_DIR/docker.tar"
    assert "$status" -eq 0 "skopeo reads the docker-archive: $output"
}

@test "push retries an upload the registry answers with 500" {
    start_registry plain
    start_fault_proxy --fault '500@/blobs/uploads/'
    run_kayak pull -q "oci:$(fixture busybox):$BUSYBOX_REF"
    run_kayak_split push "$BUSYBOX_REF" "$PROXY/faults/busybox:v1"
    assert "$stderr" =~ ": Pushed"
    run proxy_requests '/blobs/uploads/'
    assert "$output" =~ " 500 500" "the proxy answered one upload request with 500"
    assert "$(pushed_digest)" == "$(manifest_digest faults/busybox v1)"
}

@test "push errors: no such image, an ID without a destination, a digest destination" {
    run_kayak 125 push nosuchimage:v1 127.0.0.1:1/x:v1
    assert "$output" =~ "No such image"
    run_kayak pull -q "oci:$(fixture busybox):$BUSYBOX_REF"
    local id
    id=$(image_id "$BUSYBOX_REF")
    run_kayak 125 push "${id#sha256:}"
    assert "$output" =~ "is an image ID: name the destination"
    run_kayak 125 push "$BUSYBOX_REF" "127.0.0.1:1/x@$id"
    assert "$output" =~ "cannot push to a digest reference"
    run_kayak 125 push --compression-format lz4 "$BUSYBOX_REF" "oci:$TEST_DIR/x"
    assert "$output" =~ "lz4"
}
