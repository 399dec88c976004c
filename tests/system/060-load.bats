#!/usr/bin/env bats
# kayak load / image load: every archive format, compressions, stdin.

load helpers

BUSYBOX_ID=sha256:654fc8fd836e35f4a64586bddf8f59b9029b48cf80f520834c6c98ca8ab5def9

# image_tar FORMAT [ARGS]: a two-layer test image tagged load/test:1
# written by mkarchive in FORMAT; prints its ID.
image_tar() {
    local format=$1; shift
    mkarchive layer l1.tar plain
    mkarchive layer l2.tar attrs
    mkarchive image "img-$format.tar" --format "$format" --layer l1.tar --layer l2.tar \
        --tag load/test:1 "$@"
}

@test "load a podman docker-archive (layer.tar symlinks, two names)" {
    run_kayak_split load -i "$(fixture archives/podman-save-docker-archive.tar)"
    assert "$(sort <<<"$output")" == $'Loaded image: busybox:latest\nLoaded image: localhost/myimg/httpd:v1'
    assert "$(image_id busybox)" == "$BUSYBOX_ID"
    assert "$(image_id localhost/myimg/httpd:v1)" == "$BUSYBOX_ID"
}

@test "load a podman oci-archive" {
    run_kayak_split load -i "$(fixture archives/podman-save-oci-archive.tar)"
    assert "Loaded image: busybox:latest"
    assert "$(image_id busybox:latest)" == "$BUSYBOX_ID"
}

@test "load a Docker legacy archive" {
    local id
    id=$(image_tar docker)
    run_kayak_split load -i img-docker.tar
    assert "Loaded image: load/test:1"
    assert "$(image_id load/test:1)" == "$id"
    run_kayak image inspect -f '{{len .RootFS.Layers}}' load/test:1
    assert "2"
}

@test "load a Docker 25+ archive (OCI layout plus manifest.json)" {
    local id
    id=$(image_tar docker25)
    run_kayak_split load -i img-docker25.tar
    assert "Loaded image: load/test:1"
    assert "$(image_id load/test:1)" == "$id"
}

@test "load an oci-archive written by another tool" {
    local id
    id=$(image_tar oci-archive)
    run_kayak_split load -i img-oci-archive.tar
    assert "$output" =~ "^Loaded image: (docker.io/)?load/test:1$"
    assert "$(image_id "$id")" == "$id"
}

@test "load: whole-archive compression gzip, bzip2, xz, zstd (file and stdin)" {
    local id
    id=$(image_tar docker)
    local c
    for c in gzip bzip2 xz zstd; do
        "$c" -c < img-docker.tar > "img.tar.$c"
        run_kayak_split load -i "img.tar.$c"
        assert "Loaded image: load/test:1" "load -i $c"
        assert "$(image_id load/test:1)" == "$id"
        run_kayak rmi load/test:1
        run_kayak_split load < "img.tar.$c"
        assert "Loaded image: load/test:1" "load < $c"
        run_kayak rmi load/test:1
    done
}

@test "load: per-layer compression gzip, bzip2, xz, zstd" {
    local c id
    for c in gzip bzip2 xz zstd; do
        id=$(image_tar docker --compress-layers "$c")
        run_kayak_split load -i img-docker.tar
        assert "Loaded image: load/test:1" "layers compressed with $c"
        assert "$(image_id load/test:1)" == "$id" "$c: the ID is the config digest"
        # diff IDs are of the uncompressed layers, whatever the archive held.
        run_kayak image inspect -f '{{index .RootFS.Layers 0}}' load/test:1
        assert "$(mkarchive digest l1.tar)"
        run_kayak rmi load/test:1
    done
}

@test "load from stdin; image load is load" {
    image_tar docker >/dev/null
    run_kayak_split load < img-docker.tar
    assert "Loaded image: load/test:1"
    run_kayak rmi load/test:1
    run_kayak_split image load --input=img-docker.tar
    assert "Loaded image: load/test:1"
    run_kayak rmi load/test:1
    cat img-docker.tar | kayak load > out.txt
    assert "$(cat out.txt)" == "Loaded image: load/test:1" "from a pipe"
}

@test "load refuses a terminal on stdin" {
    on_a_terminal "$KAYAK_BINARY" load
    assert "$status" -eq 125 "exit status"
    assert "$output" =~ "^Error: .*(stdin|terminal)"
}

@test "load of an empty stdin or a file that is no archive fails" {
    run_kayak_split 125 load < /dev/null
    assert_error ""
    echo "this is not a tar" > notatar
    run_kayak_split 125 load -i notatar
    assert_error ""
    run_kayak_split 125 load -i nothere.tar
    assert_error "nothere.tar"
    run_kayak images -a -q
    assert ""
}

@test "load of an untagged image prints its ID" {
    mkarchive layer l.tar plain
    local id
    id=$(mkarchive image untagged.tar --layer l.tar)
    run_kayak_split load -i untagged.tar
    assert "Loaded image ID: $id"
}

@test "load moves an existing tag to the new image" {
    mkarchive layer a.tar plain
    mkarchive layer b.tar second
    local old new
    old=$(mkarchive image old.tar --layer a.tar --tag same:tag)
    new=$(mkarchive image new.tar --layer b.tar --tag same:tag)
    run_kayak_split load -i old.tar
    run_kayak_split load -i new.tar
    assert "${lines[-1]}" == "Loaded image: same:tag"
    assert "$(image_id same:tag)" == "$new"
    run_kayak images --filter dangling=true --no-trunc -q
    assert "$old" "the old image lost its tag"
}

@test "loading the same archive twice changes nothing" {
    image_tar docker >/dev/null
    run_kayak_split load -i img-docker.tar
    run_kayak images --no-trunc
    local before=$output
    local layers_before
    layers_before=$(find "$KAYAK_ROOT/layers" -mindepth 1 -maxdepth 1 | sort)
    run_kayak_split load -i img-docker.tar
    assert "Loaded image: load/test:1"
    run_kayak images --no-trunc
    assert "$output" == "$before"
    assert "$(find "$KAYAK_ROOT/layers" -mindepth 1 -maxdepth 1 | sort)" == "$layers_before"
}

@test "load shares layers between images" {
    mkarchive layer base.tar plain
    mkarchive layer top.tar second
    mkarchive image a.tar --layer base.tar --tag a:1 >/dev/null
    mkarchive image b.tar --layer base.tar --layer top.tar --tag b:1 >/dev/null
    run_kayak_split load -i a.tar
    run_kayak_split load -i b.tar
    local n
    n=$(find "$KAYAK_ROOT/layers" -mindepth 1 -maxdepth 1 ! -name '.*' | wc -l)
    assert "$n" -eq 2 "base layer stored once"
}

@test "load: progress only on a terminal, -q silences it" {
    image_tar docker >/dev/null
    run_kayak_split load -i img-docker.tar
    assert "$stderr" == "" "no progress when stderr is not a terminal"
    assert "Loaded image: load/test:1"
    run_kayak rmi load/test:1

    on_a_terminal "$KAYAK_BINARY" load -i img-docker.tar
    assert "$status" -eq 0
    assert "$output" =~ "Loading layer"
    assert "$output" =~ "Loaded image: load/test:1"
    run_kayak rmi load/test:1

    on_a_terminal "$KAYAK_BINARY" load -q -i img-docker.tar
    assert "$status" -eq 0
    assert_not_contains "Loading layer"
    assert "$output" =~ "Loaded image: load/test:1"
}

@test "loaded layers keep modes, setuid bits, hardlinks, symlinks and mtimes" {
    image_tar docker >/dev/null
    run_kayak_split load -i img-docker.tar
    local diff
    diff=$(find "$KAYAK_ROOT/layers" -path '*/diff/data' -type d | head -1)
    [[ -n $diff ]] || die "no layer with data/ in $KAYAK_ROOT/layers"
    assert "$(stat -c %a "$diff/setuid")" == 4755 "setuid"
    assert "$(stat -c %a "$diff/setgid")" == 2755 "setgid"
    assert "$(stat -c %a "$diff/private")" == 600 "mode 600"
    assert "$(stat -c %a "$diff")" == 750 "directory mode"
    assert "$(stat -c %i "$diff/linked")" == "$(stat -c %i "$diff/linked2")" "hardlink inside the layer"
    assert "$(readlink "$diff/rel-link")" == "linked"
    assert "$(readlink "$diff/abs-link")" == "/data/linked"
    assert "$(stat -c %Y "$diff/linked")" == 1700000000 "mtime"
    assert "$(cat "$diff/linked2")" == "one inode, two names"
    if command -v getfattr >/dev/null; then
        assert "$(getfattr --only-values -n user.kayak "$diff/xattr" 2>/dev/null)" == "yes" "xattr"
    fi
}

@test "whiteouts survive a load and save round trip" {
    mkarchive layer lower.tar plain
    mkarchive layer upper.tar whiteouts
    local id
    id=$(mkarchive image wh.tar --layer lower.tar --layer upper.tar --tag wh:1)
    run_kayak_split load -i wh.tar
    run_kayak save -o again.tar wh:1
    # The upper layer leaves kayak as it came: .wh. files, byte for byte.
    local upper_digest found=
    upper_digest=$(mkarchive digest upper.tar)
    for l in $(tar -tf again.tar | grep '/layer.tar$'); do
        if [[ sha256:$(tar -xOf again.tar "$l" | sha256sum | cut -d' ' -f1) == "$upper_digest" ]]; then
            found=$l
        fi
    done
    [[ -n $found ]] || die "the whiteout layer did not come back byte-identical"
    run bash -c "tar -xOf again.tar '$found' | tar -tf -"
    assert "$output" =~ "etc/.wh.hello"
    assert "$output" =~ "bin/.wh..wh..opq"
}

@test "whiteouts are stored in the storage driver's format" {
    mkarchive layer lower.tar plain
    mkarchive layer upper.tar whiteouts
    mkarchive image wh.tar --layer lower.tar --layer upper.tar --tag wh:1 >/dev/null
    run_kayak_split load -i wh.tar
    local driver upper
    driver=$(kayak info --format '{{.Driver}}')
    # The upper layer is the one with bin/new.
    upper=$(find "$KAYAK_ROOT/layers" -path '*/diff/bin/new' | head -1)
    upper=${upper%/bin/new}
    [[ -n $upper ]] || die "no layer with bin/new"
    case $driver in
    overlay)
        [[ ! -e $upper/etc/.wh.hello && ! -e $upper/bin/.wh..wh..opq ]] ||
            die "the .wh. files were stored as they are"
        # A whiteout is a 0:0 character device (or carries an overlay
        # whiteout xattr); an opaque directory an overlay opaque xattr.
        run python3 - "$upper" <<'PY'
import os, stat, sys
d = sys.argv[1]
st = os.lstat(d + "/etc/hello")
dev = stat.S_ISCHR(st.st_mode) and os.major(st.st_rdev) == 0 and os.minor(st.st_rdev) == 0
xw = [x for x in os.listxattr(d + "/etc/hello", follow_symlinks=False) if x.endswith("overlay.whiteout")]
print("whiteout", "ok" if dev or xw else "missing")
xo = [x for x in os.listxattr(d + "/bin") if x.endswith("opaque")]
print("opaque", "ok" if xo and all(os.getxattr(d + "/bin", x) == b"y" for x in xo) else "missing")
PY
        _log_output
        assert $'whiteout ok\nopaque ok'
        ;;
    fuse-overlayfs|vfs)
        # fuse-overlayfs reads .wh. files in its lower layers itself; vfs
        # applies them when it makes a container's full copy.
        assert_aufs_whiteouts "$upper"
        ;;
    *) die "unknown driver $driver" ;;
    esac
}
