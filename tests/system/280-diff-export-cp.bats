#!/usr/bin/env bats
# kayak diff, export and cp: reading and writing a container's file system.
#
# Stopped containers are changed with `cp` itself, so most tests need only
# `create`; the others run a container.

load helpers

setup() {
    basic_setup
    make_busybox_image
}

# new_container NAME: a created (never started) busybox container.
new_container() {
    run_kayak create --name "$1" "$BUSYBOX_REF"
}

@test "cp into a stopped container: diff shows A and C lines as Docker, export has the files" {
    new_container c1
    echo hello > index.html
    run_kayak cp index.html c1:/etc/
    mkdir -p site/css && echo body > site/css/main.css
    run_kayak cp site c1:/var/www
    run_kayak diff c1
    assert "$output" == "C /etc${NL}A /etc/index.html${NL}C /var${NL}A /var/www${NL}A /var/www/css${NL}A /var/www/css/main.css"
    run_kayak container diff --format json c1
    run python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted(d), d["added"][0])' <<<"$output"
    assert "$output" == "['added', 'changed'] /etc/index.html"

    run_kayak export -o c1.tar c1
    run tar -xOf c1.tar etc/index.html
    assert "$output" == "hello"
    run tar -xOf c1.tar var/www/css/main.css
    assert "$output" == "body"
    # The image's own files are there too, and no whiteout or overlay detail.
    run tar -tf c1.tar
    assert "$output" =~ "bin/busybox"
    assert_not_contains "$output" ".wh."
    # To stdout, same content.
    kayak export c1 | tar -t > list.txt || die "export to a pipe"
    assert "$(sort list.txt)" == "$(tar -tf c1.tar | sort)"
}

@test "cp out of a container: file, directory, dir/. content, rename, tar on stdout" {
    new_container c1
    mkdir -p site/sub && echo a > site/a && echo b > site/sub/b
    run_kayak cp site c1:/srv
    mkdir out
    run_kayak cp c1:/srv/a out/
    assert "$(cat out/a)" == "a"
    run_kayak cp c1:/srv out/tree
    assert "$(cat out/tree/sub/b)" == "b"
    mkdir out/existing
    run_kayak cp c1:/srv out/existing
    assert "$(cat out/existing/srv/sub/b)" == "b" "an existing dir receives the directory"
    run_kayak cp c1:/srv/. out/existing
    assert "$(cat out/existing/a)" == "a" "dir/. copies the content"
    run_kayak cp c1:/srv/a out/renamed
    assert "$(cat out/renamed)" == "a"
    run_kayak 125 cp c1:/srv out/renamed
    assert "$output" =~ "cannot copy a directory to a file"
    assert "$(cat out/renamed)" == "a"
    kayak cp c1:/srv - > srv.tar || die "cp to stdout"
    run tar -tf srv.tar
    assert "$output" == "srv/${NL}srv/a${NL}srv/sub/${NL}srv/sub/b"
    # Files copied out belong to the caller.
    assert "$(stat -c %u out/a)" == "$(id -u)"
}

@test "cp: files copied in belong to the container's root unless -a" {
    new_container c1
    echo x > f
    run_kayak cp f c1:/tmp/plain
    if [[ -z $IS_ROOTLESS ]]; then
        chown 1234:2345 f
        run_kayak cp -a f c1:/tmp/kept
    fi
    run_kayak export -o c1.tar c1
    run tar --numeric-owner -tvf c1.tar tmp/plain
    assert "$output" =~ " 0/0 "
    if [[ -z $IS_ROOTLESS ]]; then
        run tar --numeric-owner -tvf c1.tar tmp/kept
        assert "$output" =~ " 1234/2345 "
    fi
}

@test "cp - extracts a tar stream into a directory of the container" {
    new_container c1
    mkdir -p in/d && echo 1 > in/d/one
    tar -cf in.tar -C in d
    run_kayak cp - c1:/tmp < in.tar
    kayak cp c1:/tmp/d/one - | tar -xO > got || die "cp out"
    assert "$(cat got)" == "1"
    run_kayak 125 cp - c1:/tmp/d/one < in.tar
    assert "$output" =~ "must be a directory"
    # Docker: a file cannot go into a directory that does not exist.
    echo x > f
    run_kayak 125 cp f c1:/no/such/dir/
    assert "$output" =~ "does not exist"
}

@test "cp: a hostile tar stream or a symlink in the container never writes outside it" {
    new_container c1
    # A tar with an escaping name, an absolute name, a symlink out of the
    # container and a file written through that symlink.
    python3 - "$SENTINEL_DIR" <<'PY' > evil.tar
import io, sys, tarfile
out = sys.argv[1]
b = io.BytesIO()
t = tarfile.open(fileobj=b, mode="w")
def f(name, data=b"evil"):
    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
f("../../../../../../" + out.lstrip("/") + "/sentinel")
f(out + "/abs")
l = tarfile.TarInfo("link"); l.type = tarfile.SYMTYPE; l.linkname = out; t.addfile(l)
f("link/through")
t.close()
sys.stdout.buffer.write(b.getvalue())
PY
    run_kayak ? cp - c1:/tmp < evil.tar
    assert_sentinel_intact
    [[ ! -e $SENTINEL_DIR/abs && ! -e $SENTINEL_DIR/through ]] || die "cp wrote outside the container"
    # A symlink inside the container pointing at a host path.
    run_kayak cp c1:/tmp/link - >/dev/null
    echo evil > payload
    run_kayak ? cp payload c1:/tmp/link/
    run_kayak ? cp payload c1:/tmp/link/sentinel
    assert_sentinel_intact
    [[ ! -e $SENTINEL_DIR/payload ]] || die "cp followed a container symlink to the host"
    # Following it from the container side reads the container's own tree.
    run_kayak ? cp -L c1:/tmp/link out
    [[ ! -e out/sentinel ]] || die "cp -L read the host's file"
}

@test "cp argument errors are Docker's" {
    new_container c1
    run_kayak 125 cp a b
    assert "$output" =~ "CONTAINER:PATH"
    run_kayak 125 cp c1:/a c1:/b
    assert "$output" =~ "between containers"
    run_kayak ? cp c1:/no/such/file out
    assert "$status" -ne 0
    assert "$output" =~ "No such file or directory"
    run_kayak ? cp nosuch:/etc out
    assert "$status" -ne 0
    assert "$output" =~ "nosuch"
}

@test "export refuses a terminal; diff and export name a missing container" {
    new_container c1
    on_a_terminal "$KAYAK_BINARY" export c1
    assert "$status" -eq 125
    assert "$output" =~ "cowardly refusing"
    run_kayak ? diff nosuch
    assert "$status" -ne 0
    assert "$output" =~ "nosuch"
    run_kayak ? export -o x.tar nosuch
    assert "$status" -ne 0
    [[ ! -e x.tar ]] || die "export left a file behind"
}

@test "diff after deletions in a running container: D lines, opaque directories" {
    run_kayak run --name c1 "$BUSYBOX_REF" sh -c 'rm /bin/ls; rm -rf /home; mkdir /home; touch /home/new; echo x > /root/f'
    run_kayak diff c1
    assert "$output" == "C /bin${NL}D /bin/ls${NL}C /home${NL}A /home/new${NL}C /root${NL}A /root/f"
    run_kayak export -o c1.tar c1
    run tar -tf c1.tar
    assert_not_contains "$output" "bin/ls$NL"
    assert "$output" =~ "home/new"
}

@test "cp into and out of a running container" {
    run_kayak run -d --name r1 "$BUSYBOX_REF" sh -c 'while :; do sleep 0.1; done'
    echo live > f
    run_kayak cp f r1:/tmp/f
    run_kayak exec r1 cat /tmp/f
    assert "$output" == "live"
    run_kayak exec r1 sh -c 'echo from-inside > /tmp/g'
    run_kayak cp r1:/tmp/g g
    assert "$(cat g)" == "from-inside"
    run_kayak diff r1
    assert "$output" =~ "A /tmp/f"
    run_kayak rm -f r1
}
