#!/usr/bin/env bats
# kayak pull from a registry (Debian's docker-registry on 127.0.0.1, filled
# with skopeo from the fixture layouts), and the implicit pull of run and
# create (--pull).

load helpers
load registry_helpers

BUSYBOX_REF=busybox:1.38.0-musl

setup() {
    basic_setup
    skip_if_no_registry
    skip_if_no_skopeo
}

# manifest_digest REPO REF: the registry's digest for REF, computed here
# from the manifest bytes (not taken from kayak).
manifest_digest() {
    registry_curl "/v2/$1/manifests/$2" \
        -H 'Accept: application/vnd.oci.image.index.v1+json' \
        -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
        -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
        -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' | sha256sum | sed 's/^\([0-9a-f]*\).*/sha256:\1/'
}

# layer_digests DIR REF: the layer digests of REF in an OCI layout, in order.
layer_digests() {
    python3 - "$1" "$2" <<'PY'
import json, sys
d, ref = sys.argv[1], sys.argv[2]
idx = json.load(open(d + "/index.json"))
for m in idx["manifests"]:
    if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == ref:
        man = json.load(open(d + "/blobs/sha256/" + m["digest"].split(":")[1]))
        for layer in man["layers"]:
            print(layer["digest"])
PY
}

# short ID of a digest, as progress lines show it
short() { echo "${1#sha256:}" | cut -c1-12; }

# assert_nothing_staged: no staging dir of a pull is left in the store.
assert_nothing_staged() {
    local left
    left=$(find "$KAYAK_ROOT/tmp" -mindepth 1 -maxdepth 1 ! -name '*.lock' -printf '%P\n' 2>/dev/null || true)
    assert "$left" == "" "staging dirs left in the store's tmp/"
}

@test "pull by tag: Docker's progress on stderr, the reference on stdout, the image as pull oci: stores it" {
    start_registry plain
    push_fixture busybox "$BUSYBOX_REF"
    local ref=$REGISTRY/library/busybox:1.38.0-musl layer digest
    layer=$(layer_digests "$(fixture busybox)" "$BUSYBOX_REF")
    digest=$(manifest_digest library/busybox 1.38.0-musl)

    run_kayak_split pull "$ref"
    assert "$output" == "$ref" "stdout: the reference alone"
    assert "${stderr_lines[0]}" == "1.38.0-musl: Pulling from library/busybox"
    assert "$stderr" =~ "$(short "$layer"): Pulling fs layer"
    assert "$stderr" =~ "$(short "$layer"): Download complete"
    assert "$stderr" =~ "$(short "$layer"): Pull complete"
    assert "$stderr" !~ "Downloading" "no bars when stderr is not a terminal"
    assert "${stderr_lines[-2]}" == "Digest: $digest"
    assert "${stderr_lines[-1]}" == "Status: Downloaded newer image for $ref"

    assert "$(image_id "$ref")" == "$(oci_image_id "$(fixture busybox)" "$BUSYBOX_REF")"
    run_kayak image inspect -f '{{json .RepoDigests}}' "$ref"
    assert "[\"$REGISTRY/library/busybox@$digest\"]"
    # The compressed blob is kept as received (push sends it unchanged).
    assert "$(sha256sum "$KAYAK_ROOT/blobs/sha256/${layer#sha256:}" | cut -d' ' -f1)" == "${layer#sha256:}"
    run_kayak run --rm "$ref" echo pulled
    assert "pulled"

    # Again: nothing to download.
    run_kayak_split pull "$ref"
    assert "$output" == "$ref"
    assert "$stderr" !~ "Pulling fs layer"
    assert "${stderr_lines[-1]}" == "Status: Image is up to date for $ref"

    # The same image through docker://, and -q: the reference only.
    run_kayak_split pull -q "docker://$ref"
    assert "$output" == "$ref"
    assert "$stderr" == ""
    assert_nothing_staged
}

@test "pull without a tag says so and takes latest" {
    start_registry plain
    push_fixture busybox "$BUSYBOX_REF" library/busybox:latest
    run_kayak_split pull "$REGISTRY/library/busybox"
    assert "$output" == "$REGISTRY/library/busybox:latest"
    assert "${stderr_lines[0]}" == "Using default tag: latest"
    assert "${stderr_lines[1]}" == "latest: Pulling from library/busybox"
}

@test "pull by digest: verified, recorded in RepoDigests, no tag" {
    start_registry plain
    push_fixture busybox "$BUSYBOX_REF"
    local digest
    digest=$(manifest_digest library/busybox 1.38.0-musl)
    run_kayak_split pull "$REGISTRY/library/busybox@$digest"
    assert "$output" == "$REGISTRY/library/busybox@$digest"
    assert "${stderr_lines[0]}" == "$digest: Pulling from library/busybox"
    assert "${stderr_lines[-1]}" == "Status: Downloaded newer image for $REGISTRY/library/busybox@$digest"
    local id
    id=$(oci_image_id "$(fixture busybox)" "$BUSYBOX_REF")
    assert "$(image_id "$REGISTRY/library/busybox@$digest")" == "$id"
    run_kayak image inspect -f '{{json .RepoDigests}} {{json .RepoTags}}' "$id"
    assert "[\"$REGISTRY/library/busybox@$digest\"] []"

    # A digest the registry does not have: an error, nothing new.
    local other=sha256:$(printf 'x%.0s' {1..10} | sha256sum | cut -d' ' -f1)
    run_kayak_split 125 pull "$REGISTRY/library/busybox@$other"
    assert_error ""
    run_kayak images -a -q
    assert_line_count 1
}

@test "layers the store has are not fetched again: Already exists" {
    start_registry plain
    push_fixture debian-apps nginx-latest library/nginx:latest
    push_fixture debian-apps redis-latest library/redis:latest
    start_fault_proxy
    local dir base
    dir=$(fixture debian-apps)
    base=$(layer_digests "$dir" nginx-latest | head -1)
    assert "$base" == "$(layer_digests "$dir" redis-latest | head -1)" "the fixture's images share their base"

    run_kayak_split pull "$PROXY/library/nginx"
    assert "$stderr" =~ "$(short "$base"): Pull complete"
    run_kayak_split pull --max-parallel 1 "$PROXY/library/redis"
    assert "$stderr" =~ "$(short "$base"): Already exists"
    assert "$stderr" !~ "$(short "$base"): Pulling fs layer"
    assert "$stderr" =~ "$(short "$(layer_digests "$dir" redis-latest | tail -1)"): Pull complete"
    # The base blob went over the wire once.
    run proxy_requests "GET .*/blobs/$base"
    assert_line_count 1

    assert "$(image_id "$PROXY/library/nginx")" == "$(oci_image_id "$dir" nginx-latest)"
    assert "$(image_id "$PROXY/library/redis")" == "$(oci_image_id "$dir" redis-latest)"
    local n
    n=$(find "$KAYAK_ROOT/layers" -mindepth 1 -maxdepth 1 ! -name '.*' | wc -l)
    assert "$n" -eq 3 "base + nginx + redis layers"
    run_kayak run --rm "$PROXY/library/redis" redis-server --version
    assert "$output" =~ "Redis server v="
}

# make_multiplatform DIR REF NEWREF: an index in the layout at DIR, named
# NEWREF, listing REF's manifest as linux/amd64 and linux/arm64/v8 plus an
# attestation entry (unknown/unknown), as Docker Hub images have.
make_multiplatform() {
    python3 - "$@" <<'PY'
import hashlib, json, sys
d, ref, new = sys.argv[1:]
idx = json.load(open(d + "/index.json"))
man = next(m for m in idx["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == ref)
def entry(os_, arch, variant=None, annotations=None):
    e = {"mediaType": man["mediaType"], "digest": man["digest"], "size": man["size"],
         "platform": {"os": os_, "architecture": arch}}
    if variant: e["platform"]["variant"] = variant
    if annotations: e["annotations"] = annotations
    return e
index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
    entry("unknown", "unknown", annotations={"vnd.docker.reference.type": "attestation-manifest",
                                             "vnd.docker.reference.digest": man["digest"]}),
    entry("linux", "amd64"), entry("linux", "arm64", "v8")]}
data = json.dumps(index).encode()
digest = hashlib.sha256(data).hexdigest()
open(d + "/blobs/sha256/" + digest, "wb").write(data)
idx["manifests"].append({"mediaType": index["mediaType"], "digest": "sha256:" + digest, "size": len(data),
                         "annotations": {"org.opencontainers.image.ref.name": new}})
json.dump(idx, open(d + "/index.json", "w"))
PY
}

@test "platforms: chosen from an index (attestations skipped), a mismatch names what is available" {
    [[ $(uname -m) == x86_64 ]] || skip "the index made here names linux/amd64 as the host's platform"
    start_registry plain
    local dir
    dir=$(fixture busybox)
    make_multiplatform "$dir" "$BUSYBOX_REF" multi
    local out
    out=$(env HOME="$TEST_DIR/skopeo-home" skopeo --insecure-policy --tmpdir "$TEST_DIR" copy --quiet --all \
        --dest-tls-verify=false "oci:$dir:multi" "docker://$REGISTRY/library/multi:latest" 2>&1) ||
        die "skopeo copy --all failed: $out"
    local index_digest id
    index_digest=$(manifest_digest library/multi latest)
    id=$(oci_image_id "$dir" "$BUSYBOX_REF")

    run_kayak_split 125 pull --platform linux/s390x "$REGISTRY/library/multi"
    assert_error "no image found in manifest list for architecture \"s390x\", variant \"\", OS \"linux\"; available: linux/amd64, linux/arm64/v8$"
    run_kayak_split 125 pull --arch arm --variant v7 "$REGISTRY/library/multi"
    assert_error "available: linux/amd64, linux/arm64/v8"
    run_kayak images -a -q
    assert ""

    run_kayak_split pull --platform linux/arm64 "$REGISTRY/library/multi"
    assert "${stderr_lines[-2]}" == "Digest: $index_digest" "the digest of what the tag names"
    assert "$(image_id "$REGISTRY/library/multi")" == "$id"
    run_kayak image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$id"
    assert "$output" =~ "$REGISTRY/library/multi@$index_digest"

    # A single-platform image and another platform asked for: refused.
    push_fixture busybox "$BUSYBOX_REF"
    run_kayak_split 125 pull --platform linux/arm64 "$REGISTRY/library/busybox:1.38.0-musl"
    assert_error "does not match the specified platform: wanted linux/arm64, actual: linux/amd64"
    run_kayak_split 125 pull --platform linux/arm64 --arch arm64 "$REGISTRY/library/busybox:1.38.0-musl"
    assert_error "--platform option can not be specified with"
}

@test "a corrupt or truncated blob leaves nothing in the store" {
    start_registry plain
    push_fixture debian-apps nginx-latest library/nginx:latest
    start_fault_proxy --fault 'flip:*'
    run_kayak_split 125 pull "$PROXY/library/nginx"
    assert_error "digest"
    assert_store_empty
    assert_nothing_staged

    # Cut off every time: retries run out.
    proxy_faults 'drop:*'
    run_kayak_split 125 pull "$PROXY/library/nginx"
    assert_error ""
    assert_store_empty
    assert_nothing_staged

    # Cut off once: resumed, and the image is whole.
    proxy_faults 'drop:1'
    run_kayak_split pull "$PROXY/library/nginx"
    assert "$(image_id "$PROXY/library/nginx")" == "$(oci_image_id "$(fixture debian-apps)" nginx-latest)"
    run_kayak run --rm "$PROXY/library/nginx" nginx -v
    assert "$output" =~ "nginx version"
}

@test "pull -a pulls every tag" {
    start_registry plain
    push_fixture busybox "$BUSYBOX_REF" library/busybox:one
    push_fixture alpine 3.20.3 library/busybox:two
    run_kayak_split pull -a "$REGISTRY/library/busybox"
    assert "$output" == "$REGISTRY/library/busybox"
    assert "$stderr" =~ "one: Pulling from library/busybox"
    assert "$stderr" =~ "two: Pulling from library/busybox"
    assert "${stderr_lines[-1]}" == "Status: Downloaded newer image for $REGISTRY/library/busybox"
    assert "$(image_id "$REGISTRY/library/busybox:one")" == "$(oci_image_id "$(fixture busybox)" "$BUSYBOX_REF")"
    assert "$(image_id "$REGISTRY/library/busybox:two")" == "$(oci_image_id "$(fixture alpine)" 3.20.3)"
    run_kayak_split 125 pull -a "$REGISTRY/library/busybox:one"
    assert_error "tag can't be used with --all-tags/-a"
}

@test "run and create pull a missing image (--pull missing, never, always, newer)" {
    start_registry plain
    push_fixture busybox "$BUSYBOX_REF" library/busybox:latest
    local ref=$REGISTRY/library/busybox:latest

    run_kayak_split 125 run --rm --pull never "$ref" true
    assert_error "No such image: $ref"

    run_kayak_split run --rm "$ref" echo hello
    assert "$output" == "hello"
    assert "${stderr_lines[0]}" == "Unable to find image '$ref' locally"
    assert "${stderr_lines[1]}" == "latest: Pulling from library/busybox"
    assert "$stderr" =~ "Status: Downloaded newer image for $ref"
    assert "$(image_id "$ref")" == "$(oci_image_id "$(fixture busybox)" "$BUSYBOX_REF")"

    # Present: missing and never use it, always asks the registry.
    run_kayak_split run --rm "$ref" echo again
    assert "$stderr" == ""
    run_kayak_split run --rm --pull never "$ref" echo never
    assert "$output" == "never"
    run_kayak_split run --rm --pull always "$ref" echo always
    assert "$output" == "always"
    assert "$stderr" =~ "Status: Image is up to date for $ref"
    run_kayak_split run --rm --pull newer "$ref" echo same
    assert "$output" == "same"
    assert "$stderr" == "" "the registry has the same digest: no pull"

    # The tag moves in the registry: newer pulls, missing does not.
    push_fixture alpine 3.20.3 library/busybox:latest
    run_kayak_split create --pull missing "$ref"
    assert "$stderr" == ""
    run_kayak_split create -q --pull newer "$ref"
    # (without a subuid range the ownership warning may still appear)
    assert "$stderr" !~ "Pulling|Digest|Status" "-q: no pull output"
    assert "$(image_id "$ref")" == "$(oci_image_id "$(fixture alpine)" 3.20.3)"
    run_kayak_split run --rm --pull newer "$ref" cat /etc/alpine-release
    assert "$output" == "3.20.3"

    # create of a missing image pulls too; a registry that is not there fails.
    run_kayak_split 125 create "127.0.0.1:1/library/nothere:latest"
    assert "${stderr_lines[0]}" == "Unable to find image '127.0.0.1:1/library/nothere:latest' locally"
    assert_error ""
}
