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
    # Kernel overlay in a user namespace must use user.* xattrs; root keeps
    # trusted.*. Either way it reads layer diffs natively.
    if [[ $output =~ "Storage Driver: overlay"$NL ]]; then
        assert "$output" =~ "Native Overlay Diff: +true"
        if [[ -n $IS_ROOTLESS ]]; then
            assert "$output" =~ "userxattr: +true"
        else
            assert "$output" =~ "userxattr: +false"
        fi
    fi
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
    run_kayak info -f '{{.RunRoot}}'
    assert "$KAYAK_RUNROOT"
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

# kayak_on_overlayfs: from here on, every kayak command runs in its own
# mount namespace with the store on an overlayfs mount (kernel overlay
# cannot use overlayfs as its upper layer, so the probe must fall back).
# With HIDE_FUSE set, fuse-overlayfs is hidden as well. Root only: it mounts.
kayak_on_overlayfs() {
    OVL=$TEST_DIR/ovl
    mkdir -p "$OVL/l" "$OVL/u" "$OVL/w" "$OVL/m"
    export KAYAK_ROOT=$OVL/m/store
    kayak() {
        timeout --kill-after=10 "$KAYAK_TIMEOUT" unshare -m --propagation private sh -c '
            mount -t overlay overlay -o "lowerdir=$1/l,upperdir=$1/u,workdir=$1/w" "$1/m" || exit 99
            if [ -n "${HIDE_FUSE:-}" ]; then
                f=$(command -v fuse-overlayfs) && { mount --bind /dev/null "$f" || exit 99; }
            fi
            shift
            exec "$@"' sh "$OVL" "$KAYAK_BINARY" "$@"
    }
}

# check_fallback_store DRIVER: wh.tar loads into the store of
# kayak_on_overlayfs with DRIVER, whiteouts in DRIVER's format, and saves
# back byte for byte.
check_fallback_store() {
    run_kayak_split load -i wh.tar
    assert "Loaded image: wh:1"
    LOAD_STDERR=$stderr
    run_kayak info --format '{{.Driver}}'
    assert "$1"
    run_kayak info
    assert "$output" =~ "Native Overlay Diff: +false"
    assert "$output" =~ "Fallback Reason: +kernel overlay: "
    local upper
    upper=$(find "$OVL/u/store/layers" -path '*/diff/bin/new' | head -1)
    upper=${upper%/bin/new}
    [[ -n $upper ]] || die "no layer with bin/new"
    assert_aufs_whiteouts "$upper"
    run_kayak save -o again.tar wh:1
    local l sums=()
    for l in $(tar -tf again.tar | grep '/layer.tar$'); do
        sums+=("sha256:$(tar -xOf again.tar "$l" | sha256sum | cut -d' ' -f1)")
    done
    assert "${sums[*]}" =~ "$(mkarchive digest upper.tar)" "the whiteout layer round-trips"
    assert "${sums[*]}" =~ "$(mkarchive digest lower.tar)" "the lower layer round-trips"
    run_kayak rmi wh:1
    run_kayak_split load -i again.tar
    assert "Loaded image: wh:1"
}

@test "no kernel overlay: fuse-overlayfs, else vfs with a loud warning naming the reason" {
    skip_if_rootless "mounts an overlayfs to put the store on"
    command -v unshare >/dev/null || skip "needs unshare"
    mkarchive layer lower.tar plain
    mkarchive layer upper.tar whiteouts
    mkarchive image wh.tar --layer lower.tar --layer upper.tar --tag wh:1 >/dev/null

    if command -v fuse-overlayfs >/dev/null; then
        kayak_on_overlayfs
        check_fallback_store fuse-overlayfs
        assert "$LOAD_STDERR" !~ "WARN" "fuse-overlayfs is no reason to warn"
        rm -rf "$OVL"
    fi

    export HIDE_FUSE=1
    kayak_on_overlayfs
    check_fallback_store vfs
    # The warning comes with the first command, says what vfs costs and why
    # both overlay drivers were passed over.
    assert "$LOAD_STDERR" =~ "vfs storage driver .*kernel overlay: .*; fuse-overlayfs: " "the vfs warning"
}
