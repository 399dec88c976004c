#!/usr/bin/env bats
# The Quadlet-compatible systemd generator: .container and .volume files
# become units that run kayak; bad files are reported with file:line and
# never stop the good ones; generated units pass `systemd-analyze verify`.

load helpers

# The generator: KAYAK_QUADLET_GENERATOR, else beside kayak (as
# tests/run-all.sh stages it for other users), else in kayak's build dir.
GENERATOR=${KAYAK_QUADLET_GENERATOR:-$(dirname "$KAYAK_BINARY")/kayak-quadlet-generator}
[[ -x $GENERATOR ]] || GENERATOR=$(dirname "$KAYAK_BINARY")/src/quadlet/kayak-quadlet-generator

setup() {
    basic_setup
    [[ -x $GENERATOR ]] || die "no generator at $GENERATOR"
    UNITS=$TEST_DIR/units
    OUT=$TEST_DIR/out
    mkdir -p "$UNITS" "$OUT"
    export QUADLET_UNIT_DIRS=$UNITS
    export KAYAK_QUADLET_BINARY=$KAYAK_BINARY
}

# generate [EXPECTED_STATUS] ARGS...: runs the generator, stdout in $output,
# stderr in $stderr.
generate() {
    local expected=0
    [[ ${1:-} =~ ^[0-9]+$ ]] && { expected=$1; shift; }
    echo "# \$ kayak-quadlet-generator $*"
    run --separate-stderr "$GENERATOR" "$@"
    [[ -n $output ]] && printf '# %s\n' "${lines[@]}"
    [[ -n $stderr ]] && printf '#! %s\n' "${stderr_lines[@]}"
    assert "$status" -eq "$expected" "generator exit status"
}

write_web() {
    cat > "$UNITS/web.container" <<'EOF2'
# a comment
[Unit]
Description=web server

[Container]
Image=kayak/busybox:latest
ContainerName=web
PublishPort=8080:80
PublishPort=127.0.0.1:8443:443/tcp
Volume=data.volume:/data:ro
Volume=/srv/static:/static
Environment=A=1 "B=two words"
EnvironmentFile=/etc/web.env
Label=app=web
Network=host
User=1000:1000
WorkingDir=/data
Exec=httpd -f -p 80 \
    -h /static

[Service]
Restart=always
TimeoutStopSec=20

[Install]
WantedBy=multi-user.target default.target
EOF2
    cat > "$UNITS/data.volume" <<'EOF2'
[Volume]
Label=app=web
EOF2
}

@test "quadlet: --dryrun prints the units a .container and a .volume make" {
    write_web
    generate --dryrun
    assert_contains "---web.service---"
    assert_contains "---data-volume.service---"
    assert_contains "ExecStart=$KAYAK_BINARY run --name=web --cidfile=%t/%N.cid --replace --rm --sdnotify=conmon --publish=8080:80 --publish=127.0.0.1:8443:443/tcp --volume=systemd-data:/data:ro --volume=/srv/static:/static --env=A=1 \"--env=B=two words\" --env-file=/etc/web.env --label=app=web --network=host --user=1000:1000 --workdir=/data kayak/busybox:latest httpd -f -p 80 -h /static$NL"
    assert_contains "ExecStop=$KAYAK_BINARY rm -v -f -i --cidfile=%t/%N.cid$NL"
    assert_contains "${NL}Type=notify$NL"
    assert_contains "${NL}NotifyAccess=all$NL"
    assert_contains "${NL}KillMode=mixed$NL"
    assert_contains "${NL}Requires=data-volume.service$NL"
    assert_contains "${NL}Description=web server$NL"
    assert_contains "${NL}Restart=always$NL"
    assert_contains "ExecStart=$KAYAK_BINARY volume create --ignore --label=app=web systemd-data$NL"
    assert_contains "${NL}SourcePath=$UNITS/web.container$NL"
    assert "$stderr" == ""
    # Nothing was written anywhere.
    assert "$(ls "$OUT")" == ""
}

@test "quadlet: units are written to the output dir, [Install] WantedBy links them" {
    write_web
    generate "$OUT" "$TEST_DIR/early" "$TEST_DIR/late"
    [[ -f $OUT/web.service && -f $OUT/data-volume.service ]] || die "units missing: $(ls -R "$OUT")"
    assert "$(readlink "$OUT/multi-user.target.wants/web.service")" == "../web.service"
    assert "$(readlink "$OUT/default.target.wants/web.service")" == "../web.service"
    [[ ! -e $OUT/multi-user.target.wants/data-volume.service ]] || die "the volume has no [Install]"
    # The same text as --dryrun shows.
    local written
    written=$(cat "$OUT/web.service")
    generate --dryrun
    assert_contains "---web.service---$NL$written"
    # A second run (systemctl daemon-reload) replaces them quietly.
    generate "$OUT"
}

@test "quadlet: generated units pass systemd-analyze verify" {
    command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
    write_web
    generate "$OUT"
    cd "$OUT"
    run systemd-analyze verify --man=no web.service data-volume.service
    echo "$output"
    assert "$status" -eq 0 "systemd-analyze verify"
    # verify does catch a broken unit (so the check above means something).
    sed 's|^ExecStart=.*|ExecStart=no/such/relative/path|' web.service > broken.service
    run systemd-analyze verify --man=no broken.service
    assert "$status" -ne 0 "verify of a broken unit"
}

@test "quadlet: every unknown key and bad value is reported with file:line; good files still generated" {
    write_web
    cat > "$UNITS/bad.container" <<'EOF2'
[Container]
Image=kayak/busybox:latest
Frobnicate=yes
PublishPort=80000:80
Notify=sometimes
Environment=NOVALUE
Volume=/host:relative/dest
Exec=sh -c "unterminated
[Mystery]
Key=value
EOF2
    printf '[Container]\nExec=true\n' > "$UNITS/noimage.container"
    printf '[Volume]\nDriver=nfs\n' > "$UNITS/weird.volume"
    printf 'Image=x\n' > "$UNITS/nosection.container"

    generate 1 --dryrun
    assert_contains "---web.service---"
    assert_contains "---data-volume.service---"
    assert_not_contains "---bad.service---"
    local bad=$UNITS/bad.container
    assert_contains "$bad:3: error: unsupported key 'Frobnicate' in section [Container]" "$stderr"
    assert_contains "$bad:4: error: PublishPort: '80000:80'" "$stderr"
    assert_contains "$bad:5: error: Notify: 'sometimes' is not a boolean" "$stderr"
    assert_contains "$bad:6: error: Environment: 'NOVALUE' is not KEY=VALUE" "$stderr"
    assert_contains "$bad:7: error: Volume: the destination 'relative/dest' must be an absolute path" "$stderr"
    assert_contains "$bad:8: error: Exec: unterminated quote" "$stderr"
    assert_contains "$bad:9: error: unsupported section [Mystery]" "$stderr"
    assert_contains "$bad: skipped: no unit generated" "$stderr"
    assert_contains "$UNITS/noimage.container: error: Image= is required" "$stderr"
    assert_contains "$UNITS/weird.volume:2: error: Driver: 'nfs' is not supported" "$stderr"
    assert_contains "$UNITS/nosection.container:1: error: Image outside of any section" "$stderr"

    # Without --dryrun: the same messages, the good units written, exit 1.
    generate 1 "$OUT"
    assert_contains "$bad:3: error: unsupported key 'Frobnicate'" "$stderr"
    [[ -f $OUT/web.service && -f $OUT/data-volume.service ]] || die "good units missing"
    [[ ! -e $OUT/bad.service && ! -e $OUT/noimage.service && ! -e $OUT/weird-volume.service ]] ||
        die "a bad unit was written: $(ls "$OUT")"
}

@test "quadlet: a container's NAME.volume source takes that file's VolumeName" {
    printf '[Volume]\nVolumeName=shared\n' > "$UNITS/files.volume"
    printf '[Container]\nImage=kayak/busybox:latest\nVolume=files.volume:/files\n' > "$UNITS/reader.container"
    generate --dryrun
    assert_contains "--volume=shared:/files "
    assert_contains "volume create --ignore shared$NL"
    assert_contains "${NL}Requires=files-volume.service$NL"
}

@test "quadlet: AutoUpdate is ignored with a warning; Notify=yes lets the container notify" {
    printf '[Container]\nImage=kayak/busybox:latest\nAutoUpdate=registry\nNotify=yes\n' > "$UNITS/auto.container"
    generate --dryrun
    assert_contains "---auto.service---"
    assert_contains "--name=systemd-%N "
    assert_contains "--sdnotify=container "
    assert_contains "$UNITS/auto.container:3: warning: AutoUpdate is not supported" "$stderr"
}

@test "quadlet: the first directory holding a name wins; other files are ignored" {
    mkdir -p "$TEST_DIR/first" "$TEST_DIR/second"
    printf '[Container]\nImage=first-image\n' > "$TEST_DIR/first/app.container"
    printf '[Container]\nImage=second-image\n' > "$TEST_DIR/second/app.container"
    printf '[Container]\nImage=other\n' > "$TEST_DIR/second/other.container"
    printf 'not a unit\n' > "$TEST_DIR/second/README"
    QUADLET_UNIT_DIRS=$TEST_DIR/first:$TEST_DIR/second generate --dryrun
    assert_contains " first-image$NL"
    assert_not_contains "second-image"
    assert_contains "---other.service---"
    assert_not_contains "README"
}

@test "quadlet: as a user generator it reads \$XDG_CONFIG_HOME/containers/systemd" {
    unset QUADLET_UNIT_DIRS
    mkdir -p "$TEST_DIR/config/containers/systemd"
    printf '[Container]\nImage=kayak/busybox:latest\n' > "$TEST_DIR/config/containers/systemd/mine.container"
    ln -s "$GENERATOR" "$TEST_DIR/kayak-user-generator"
    XDG_CONFIG_HOME=$TEST_DIR/config run --separate-stderr "$TEST_DIR/kayak-user-generator" "$OUT"
    echo "$stderr"
    assert "$status" -eq 0
    [[ -f $OUT/mine.service ]] || die "mine.service not generated"
    # No network-online.target in a user manager.
    assert_not_contains "network-online" "$(cat "$OUT/mine.service")"
    # --user does the same under any name.
    XDG_CONFIG_HOME=$TEST_DIR/config run --separate-stderr "$GENERATOR" --user --dryrun
    assert_contains "---mine.service---"
}

@test "quadlet: the volume unit's command creates the volume, again without error" {
    printf '[Volume]\nLabel=app=test\n' > "$UNITS/store.volume"
    generate "$OUT"
    local exec
    exec=$(sed -n 's/^ExecStart=//p' "$OUT/store-volume.service")
    # The unit's words, as systemd splits them (no quoting in this one).
    read -ra words <<<"$exec"
    assert "${words[0]}" == "$KAYAK_BINARY"
    run_kayak "${words[@]:1}"
    assert "systemd-store"
    run_kayak "${words[@]:1}"
    assert "systemd-store"
    run_kayak volume inspect -f '{{.Labels.app}}' systemd-store
    assert "test"
}

@test "quadlet: the unit's ExecStop removes the container by its cidfile, and is harmless twice" {
    make_busybox_image
    printf '[Container]\nImage=kayak/busybox:latest\n' > "$UNITS/stopme.container"
    generate "$OUT"
    local stop
    # systemd would expand %t/%N; here the cidfile is in the test dir.
    stop=$(sed -n 's/^ExecStop=//p' "$OUT/stopme.service")
    stop=${stop//%t\/%N.cid/$TEST_DIR/stopme.cid}
    read -ra words <<<"$stop"
    assert "${words[0]}" == "$KAYAK_BINARY"
    run_kayak create --name systemd-stopme --cidfile "$TEST_DIR/stopme.cid" $BUSYBOX_REF true
    local id=$output
    assert "$(cat "$TEST_DIR/stopme.cid")" == "$id"
    run_kayak "${words[@]:1}"
    assert "$id"
    run_kayak 125 inspect systemd-stopme
    [[ ! -e $TEST_DIR/stopme.cid ]] || die "the cidfile is left behind"
    # Again (ExecStopPost after ExecStop): nothing to do, no error.
    run_kayak "${words[@]:1}"
    assert ""
    run_kayak rm -i no-such-container
    assert ""
    run_kayak 1 rm no-such-container
}

# unit_words FILE KEY: the words of KEY= in a generated unit, with %t/%N
# expanded as systemd would (to the test dir and the unit's name), in $words.
unit_words() {
    local line name
    name=$(basename "$1" .service)
    line=$(sed -n "s/^$2=//p" "$1" | head -1)
    line=${line#-}
    line=${line//%t/$TEST_DIR}
    line=${line//%N/$name}
    read -ra words <<<"$line"
}

@test "quadlet: the unit's ExecStart, ExecStopPost, ExecStart again: a fresh container each time" {
    make_busybox_image
    printf '[Container]\nImage=kayak/busybox:latest\nExec=echo hello from the unit\n' > "$UNITS/hello.container"
    generate "$OUT"
    local round
    for round in 1 2; do
        unit_words "$OUT/hello.service" ExecStart
        assert "${words[0]}" == "$KAYAK_BINARY"
        run_kayak "${words[@]:1}"
        assert "hello from the unit"
        # --rm: gone once it exited; ExecStopPost cleans up the ID file.
        run_kayak 125 inspect systemd-hello
        unit_words "$OUT/hello.service" ExecStopPost
        run_kayak "${words[@]:1}"
        [[ ! -e $TEST_DIR/hello.cid ]] || die "round $round: the cidfile is left behind"
    done
}
