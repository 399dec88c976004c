#!/usr/bin/env bats
# File owners in layers: real owners as root, shifted into the subordinate
# range with one, squashed to the caller (with one warning) without.

load helpers

# layer_file PATH: the extracted copy of PATH in the store's layers.
layer_file() {
    find "$KAYAK_ROOT/layers" -path "*/diff/$1" | head -1
}

subuid_start() {
    grep -E "^($(id -un)|$(id -u)):" /etc/subuid | head -1 | cut -d: -f2
}

load_owners() {
    mkarchive layer owners.layer owners
    mkarchive image owners.tar --layer owners.layer --tag owners:1 >/dev/null
    run_kayak load -i owners.tar
}

@test "owners as root: kept as they are" {
    skip_if_rootless
    load_owners
    assert "$output" !~ "[Ww]arn"
    assert "$(stat -c %u:%g "$(layer_file owned/by42)")" == "42:42"
    assert "$(stat -c %u:%g "$(layer_file owned/dir1000)")" == "1000:1000"
    assert "$(stat -c %u:%g "$(layer_file owned/root)")" == "0:0"
}

@test "owners with a subuid range: shifted into it, no warning" {
    skip_if_root
    skip_if_no_subuid
    local start
    start=$(subuid_start)
    load_owners
    assert "$output" !~ "[Ww]arn"
    # Container 0 is the caller; container N (N >= 1) is start + N - 1.
    assert "$(stat -c %u:%g "$(layer_file owned/root)")" == "$(id -u):$(id -g)"
    assert "$(stat -c %u "$(layer_file owned/by42)")" == "$((start + 41))"
    assert "$(stat -c %u "$(layer_file owned/dir1000)")" == "$((start + 999))"
}

@test "owners without a subuid range: stored as the caller, one warning" {
    skip_if_root
    [[ -z $HAS_SUBUID ]] || skip "this user has a subuid range"
    load_owners
    assert "${lines[-1]}" == "Loaded image: owners:1"
    local warnings
    warnings=$(grep -ci 'warn' <<<"$output" || true)
    assert "$warnings" -eq 1 "exactly one warning for the image"
    assert "$(stat -c %u "$(layer_file owned/by42)")" == "$(id -u)"
    assert "$(stat -c %u "$(layer_file owned/dir1000)")" == "$(id -u)"
    assert "$(cat "$(layer_file owned/by42)")" == "owned by 42:42"
}

@test "an owner outside the mapping is named with its path" {
    mkarchive layer big.layer bigid
    mkarchive image big.tar --layer big.layer --tag big:1 >/dev/null
    run_kayak '?' load -i big.tar
    if [[ -z $IS_ROOTLESS ]]; then
        assert "$status" -eq 0
        assert "$(stat -c %u "$(layer_file bigid)")" == 200000
    else
        # A warning (squashed) or an error, but it names the file and the ID.
        assert "$output" =~ "bigid"
        assert "$output" =~ "200000"
    fi
}

@test "saving a shifted layer gives back the original owners" {
    load_owners
    run_kayak save -o again.tar owners:1
    local l
    l=$(tar -tf again.tar | grep '/layer.tar$')
    # Byte-identical layer, so the owners are the ones in the archive.
    assert "$(tar -xOf again.tar "$l" | sha256sum | cut -d' ' -f1)" == \
        "$(sha256sum owners.layer | cut -d' ' -f1)"
    run bash -c "tar -xOf again.tar '$l' | tar --numeric-owner -tvf - owned/by42"
    assert "$output" =~ " 42/42 "
}
