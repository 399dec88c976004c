#!/usr/bin/env bats
# kayak info / system info.

load helpers

@test "info: host, version, rootless, store paths, image count" {
    make_busybox_image
    run_kayak info
    assert "$output" =~ "Images: +1" "image count"
    assert_contains "$KAYAK_ROOT"
    assert_contains "$KAYAK_RUNROOT"
    assert "$output" =~ "Kernel Version: +$(uname -r)"
    local version
    version=$(kayak version --format '{{.Client.Version}}')
    assert_contains "$version"
    if [[ -n $IS_ROOTLESS ]]; then
        assert "$output" =~ "[Rr]ootless: +true"
    else
        assert "$output" =~ "[Rr]ootless: +false"
    fi
}

@test "info: the storage lines" {
    run_kayak info
    assert "$output" =~ "Storage Driver: +(overlay|fuse-overlayfs|vfs)$NL"
    assert "$output" =~ "Backing Filesystem: +[a-z0-9]+"
    assert "$output" =~ "Supports d_type: +(true|false)"
    assert "$output" =~ "Native Overlay Diff: +(true|false)"
    assert "$output" =~ "userxattr: +(true|false)"
}

@test "info shows the ID mappings" {
    run_kayak info --format '{{range .IDMappings.UIDMap}}{{.ContainerID}}:{{.HostID}}:{{.Size}} {{end}}'
    if [[ -z $IS_ROOTLESS ]]; then
        assert "" "root: no user namespace"
        return 0
    fi
    if [[ -n $HAS_SUBUID ]]; then
        local start count
        IFS=: read -r _ start count < <(grep -E "^($(id -un)|$(id -u)):" /etc/subuid | head -1)
        # 0 is the caller, 1.. the subordinate range.
        assert "$output" =~ "^0:$(id -u):1 1:$start:$count ?$"
    else
        assert "$output" =~ "^0:$(id -u):1 ?$" "only the caller is mapped"
    fi
    run_kayak info
    assert "$output" =~ "UIDs: +0->$(id -u) \\(1\\)"
}

@test "info --format" {
    run_kayak info --format '{{json .}}'
    check_with_python 'import json,sys; json.load(sys.stdin); print("ok")'
    assert "ok"
    run_kayak info --format json
    check_with_python 'import json,sys; json.load(sys.stdin); print("ok")'
    run_kayak system info --format '{{.StoreRoot}}'
    assert "$KAYAK_ROOT"
}

@test "the storage driver is probed once and recorded in the store" {
    run_kayak info --format '{{.Driver}}'
    local driver=$output
    run_kayak info --format '{{.Driver}}'
    assert "$driver" "the same driver every time"
    grep -rqs "$driver" "$KAYAK_ROOT" || die "the driver is not recorded under $KAYAK_ROOT"
}

@test "default store paths when no --root or KAYAK_ROOT is given" {
    skip_if_not_root "rootless default paths are tested below"
    [[ -n ${CI:-} ]] || skip "would create /var/lib/kayak on this machine (runs when CI is set)"
    run env -u KAYAK_ROOT -u KAYAK_RUNROOT "$KAYAK_BINARY" info --format '{{.StoreRoot}}'
    assert "/var/lib/kayak"
}

@test "rootless default store paths follow HOME and XDG" {
    skip_if_root
    run env -u KAYAK_ROOT -u KAYAK_RUNROOT -u XDG_DATA_HOME -u XDG_RUNTIME_DIR \
        HOME="$TEST_DIR/home" "$KAYAK_BINARY" info --format '{{.StoreRoot}} {{.RunRoot}}'
    _log_output
    assert "$status" -eq 0
    assert "$TEST_DIR/home/.local/share/kayak /tmp/kayak-$(id -u)"
    run env -u KAYAK_ROOT -u KAYAK_RUNROOT XDG_DATA_HOME="$TEST_DIR/xdg" \
        HOME="$TEST_DIR/home" "$KAYAK_BINARY" info --format '{{.StoreRoot}}'
    assert "$TEST_DIR/xdg/kayak"
}
