#!/usr/bin/env bats
# Hostile archives and layers: nothing outside the store changes, and a
# rejected image leaves nothing visible behind.

load helpers

# hostile_image KIND [FORMAT]: an image whose only layer is the hostile
# layer KIND aimed at the sentinel; prints the archive path.
hostile_image() {
    local kind=$1 format=${2:-docker}
    mkarchive layer "$kind.layer" "$kind" --target "$SENTINEL_DIR/sentinel"
    mkarchive image "$kind.tar" --format "$format" --layer "$kind.layer" --tag "hostile/$kind:1" >/dev/null
    echo "$kind.tar"
}

# The layer loaded or was refused; either way nothing escaped, and the
# store is still usable.
check_contained() {
    assert_sentinel_intact
    # Nothing written beside the store or the test dir either.
    [[ ! -e $TEST_DIR/new-file && ! -e /new-file ]] || die "a file was created outside"
    if [[ $status -eq 0 ]]; then
        # Loaded: the hostile entries must have landed inside the layer
        # (or been dropped), never outside.
        run_kayak image inspect -f '{{.Id}}' "hostile/$1:1"
    else
        assert_error ""
        assert_store_empty
    fi
    make_busybox_image
    run_kayak images --format '{{.Repository}}' kayak/busybox
    assert "kayak/busybox" "the store works after the hostile load"
}

@test "hostile: absolute paths" {
    run_kayak '?' load -i "$(hostile_image abs)"
    check_contained abs
}

@test "hostile: .. in paths" {
    run_kayak '?' load -i "$(hostile_image dotdot)"
    check_contained dotdot
}

@test "hostile: a symlink to an absolute directory outside, then files through it" {
    run_kayak '?' load -i "$(hostile_image symlink-abs)"
    check_contained symlink-abs
}

@test "hostile: a relative symlink that climbs out, then files through it" {
    run_kayak '?' load -i "$(hostile_image symlink-rel)"
    check_contained symlink-rel
}

@test "hostile: a symlink at a file outside, then a regular file of that name" {
    run_kayak '?' load -i "$(hostile_image symlink-file)"
    check_contained symlink-file
}

@test "hostile: a chain of symlinks that escapes only when followed" {
    run_kayak '?' load -i "$(hostile_image symlink-chain)"
    check_contained symlink-chain
}

@test "hostile: a hardlink to an absolute path outside" {
    run_kayak '?' load -i "$(hostile_image hardlink-abs)"
    check_contained hardlink-abs
}

@test "hostile: a hardlink with .. to outside" {
    run_kayak '?' load -i "$(hostile_image hardlink-dotdot)"
    check_contained hardlink-dotdot
}

@test "hostile: a hardlink through a symlink that escapes" {
    run_kayak '?' load -i "$(hostile_image hardlink-symlink)"
    check_contained hardlink-symlink
}

@test "hostile: whiteouts that name .. or sit outside" {
    # Put a file where '.wh.' of '..' would delete things, in a lower layer.
    mkarchive layer lower.tar plain
    mkarchive layer wh.layer whiteout-dotdot --target "$SENTINEL_DIR/sentinel"
    mkarchive image wh.tar --layer lower.tar --layer wh.layer --tag hostile/whiteout-dotdot:1 >/dev/null
    run_kayak '?' load -i wh.tar
    check_contained whiteout-dotdot
}

@test "hostile: the same layers inside an oci-archive" {
    local kind
    for kind in abs dotdot symlink-abs hardlink-abs; do
        run_kayak '?' load -i "$(hostile_image $kind oci-archive)"
        assert_sentinel_intact
    done
}

@test "device nodes: kept as root, skipped with a warning rootless" {
    mkarchive layer dev.layer devices
    mkarchive image dev.tar --layer dev.layer --tag dev:1 >/dev/null
    run_kayak load -i dev.tar
    assert "$output" =~ "Loaded image: dev:1"
    local diff
    diff=$(find "$KAYAK_ROOT/layers" -path '*/diff/dev' -type d | head -1)
    [[ -n $diff ]] || die "no layer with dev/"
    assert "$(cat "$diff/regular")" == "still here" "other files are extracted"
    if [[ -z $IS_ROOTLESS ]]; then
        assert "$(stat -c '%F %t:%T' "$diff/null2")" == "character special file 1:3"
        assert "$(stat -c '%F %t:%T' "$diff/loop99")" == "block special file 7:63"
    else
        [[ ! -e $diff/null2 && ! -e $diff/loop99 ]] || die "device nodes appeared rootless"
        assert "$output" =~ "dev/null2" "the warning names the device"
    fi
}

@test "verify: a layer whose content does not match its diff_id" {
    mkarchive layer l.tar plain
    local real claimed
    real=$(mkarchive digest l.tar)
    claimed=$(printf 'not the layer' | sha256sum | cut -c1-12)
    mkarchive image bad.tar --layer l.tar --tag bad:1 --corrupt diffid >/dev/null
    run_kayak_split 125 load -i bad.tar
    # The error names the layer, by what it is or what it claimed to be.
    assert_error "${real:7:12}|$claimed"
    assert_store_empty
}

@test "verify: an OCI blob whose content does not match its digest" {
    mkarchive layer l.tar plain
    mkarchive image bad.tar --format oci-archive --layer l.tar --tag bad:1 --corrupt blobdigest >/dev/null
    run_kayak_split 125 load -i bad.tar
    assert_error "$(mkarchive digest l.tar | cut -c8-19)"
    assert_store_empty
    mkarchive image baddir --format oci-dir --layer l.tar --tag bad:1 --corrupt blobdigest >/dev/null
    run_kayak 125 pull oci:baddir:bad:1
    assert_error ""
    assert_store_empty
}

@test "verify: more diff_ids than layers" {
    mkarchive layer l.tar plain
    local format
    for format in docker oci-archive; do
        mkarchive image bad.tar --format $format --layer l.tar --tag bad:1 --corrupt layercount >/dev/null
        run_kayak_split 125 load -i bad.tar
        assert_error "layer"
        assert_store_empty
    done
}

@test "verify: a layer the manifest names is missing" {
    mkarchive layer l.tar plain
    local format
    for format in docker oci-archive; do
        mkarchive image bad.tar --format $format --layer l.tar --tag bad:1 --corrupt missing-layer >/dev/null
        run_kayak_split 125 load -i bad.tar
        assert_error ""
        assert_store_empty
    done
}

@test "verify: missing or malformed config" {
    mkarchive layer l.tar plain
    local format corrupt
    for format in docker oci-archive; do
        for corrupt in missing-config config-json; do
            mkarchive image bad.tar --format $format --layer l.tar --tag bad:1 --corrupt $corrupt >/dev/null
            run_kayak_split 125 load -i bad.tar
            assert_error ""
            assert_store_empty
        done
    done
}

@test "verify: malformed manifest JSON" {
    mkarchive layer l.tar plain
    local format
    for format in docker oci-archive; do
        mkarchive image bad.tar --format $format --layer l.tar --tag bad:1 --corrupt json >/dev/null
        run_kayak_split 125 load -i bad.tar
        assert_error ""
        assert_store_empty
    done
}

@test "verify: truncated archives, plain and compressed" {
    make_busybox_image
    run_kayak save -o good.tar "$BUSYBOX_REF"
    run_kayak rmi -a -f
    local size
    size=$(stat -c %s good.tar)
    head -c $((size / 2)) good.tar > half.tar
    run_kayak_split 125 load -i half.tar
    assert_error ""
    assert_store_empty
    gzip -c good.tar | head -c $((size / 4)) > half.tar.gz
    run_kayak_split 125 load -i half.tar.gz
    assert_error ""
    assert_store_empty
    # Truncated inside the layer: the tar is short of its own end.
    mkarchive layer l.tar attrs
    head -c 3000 l.tar > short.tar
    run_kayak 125 import short.tar short:1
    assert_error ""
    assert_store_empty
}

@test "a failed load leaves the store usable and the next load works" {
    mkarchive layer l.tar plain
    mkarchive image bad.tar --layer l.tar --tag bad:1 --corrupt diffid >/dev/null
    mkarchive image good.tar --layer l.tar --tag good:1 >/dev/null
    run_kayak_split 125 load -i bad.tar
    run_kayak_split load -i good.tar
    assert "Loaded image: good:1"
    run_kayak images --format '{{.Repository}}'
    assert "good"
}
