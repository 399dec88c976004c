#!/usr/bin/env bats
# kayak create / container create: the record, the rootfs dirs, names.

load helpers

# An image with an entrypoint, env, workdir, user, stop signal, a port and a
# volume, like the ones people run.
make_app_image() {
    make_busybox_image
    run_kayak import \
        -c 'ENTRYPOINT ["/bin/sh", "-c"]' -c 'CMD ["echo default"]' \
        -c 'ENV A=image B=image' -c 'WORKDIR /srv' -c 'USER nobody' \
        -c 'STOPSIGNAL SIGQUIT' -c 'EXPOSE 80' -c 'VOLUME /data' \
        -c 'LABEL from=image' \
        "$(busybox_rootfs)" app:1
}

@test "create prints the full ID; the container shows as Created" {
    make_busybox_image
    run_kayak create --name web "$BUSYBOX_REF"
    assert "$output" =~ ^[0-9a-f]{64}$
    local id=$output
    run_kayak container inspect -f '{{.Id}} {{.Name}} {{.State.Status}} {{.Config.Hostname}}' web
    assert "$id /web created ${id:0:12}"
    run_kayak ps -a --format '{{.Names}} {{.Status}} {{.State}}'
    assert "web Created created"
    # Not running: plain ps shows nothing.
    run_kayak ps -q
    assert ""
}

@test "create keeps the image's config and merges the user's flags as Docker does" {
    make_app_image
    export FROM_CALLER=caller
    unset NOT_SET || true
    printf '# comment\nB=file\nFILE=1\n' > env.list
    run_kayak create --name app --env-file env.list -e B=flag -e FROM_CALLER -e NOT_SET \
        -l user=label app:1
    run_kayak inspect -f '{{.Path}} {{.Args}}|{{.Config.Env}}|{{.Config.WorkingDir}}|{{.Config.User}}|{{.Config.StopSignal}}|{{.Config.ExposedPorts}}|{{.Config.Volumes}}|{{.Config.Labels}}' app
    assert "/bin/sh [-c echo default]|[A=image B=flag FILE=1 FROM_CALLER=caller]|/srv|nobody|SIGQUIT|map[80/tcp:{}]|map[/data:{}]|map[from:image user:label]"

    # A command replaces Cmd; --entrypoint resets Cmd; '' clears the entrypoint.
    run_kayak create app:1 'echo hi'
    run_kayak inspect -f '{{.Path}} {{.Args}} {{.Config.Cmd}}' "$output"
    assert "/bin/sh [-c echo hi] [echo hi]"
    run_kayak create --entrypoint /bin/true app:1
    run_kayak inspect -f '{{.Path}} {{len .Args}} {{.Config.Cmd}}' "$output"
    assert "/bin/true 0 []"
    run_kayak create --entrypoint '' app:1
    run_kayak inspect -f '{{.Path}} {{.Config.Entrypoint}}' "$output"
    assert "echo default []"
    run_kayak create -w /w -u 1000:1000 --hostname box --stop-signal USR1 --stop-timeout 3 app:1
    run_kayak inspect -f '{{.Config.WorkingDir}} {{.Config.User}} {{.Config.Hostname}} {{.Config.StopSignal}} {{.Config.StopTimeout}}' "$output"
    assert "/w 1000:1000 box USR1 3"
}

@test "create records the host-side flags in HostConfig" {
    make_busybox_image
    run_kayak create --name full --restart on-failure:3 --ulimit nofile=1024:2048 \
        --cap-add net_admin --cap-drop ALL --security-opt no-new-privileges --read-only \
        -p 8080:80 --expose 53/udp --dns 1.1.1.1 --add-host db:10.0.0.2 \
        --log-opt max-size=1m -m 64m --pids-limit 50 --cpus 0.5 --tmpfs /scratch:size=1m \
        -v "$TEST_DIR:/host:ro" -t -i "$BUSYBOX_REF"
    run_kayak inspect full
    check_with_python '
import json, sys
c = json.load(sys.stdin)[0]
h = c["HostConfig"]
assert h["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 3}, h["RestartPolicy"]
assert h["Ulimits"] == [{"Name": "nofile", "Hard": 2048, "Soft": 1024}], h["Ulimits"]
assert h["CapAdd"] == ["CAP_NET_ADMIN"] and h["CapDrop"] == ["ALL"]
assert h["SecurityOpt"] == ["no-new-privileges"]
assert h["ReadonlyRootfs"] is True
assert h["PortBindings"] == {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}, h["PortBindings"]
assert h["Dns"] == ["1.1.1.1"] and h["ExtraHosts"] == ["db:10.0.0.2"]
assert h["LogConfig"]["Config"] == {"max-size": "1m"}
assert h["Memory"] == 64 * 1024 * 1024 and h["PidsLimit"] == 50 and h["NanoCpus"] == 500000000
assert h["Tmpfs"] == {"/scratch": "size=1m"}, h["Tmpfs"]
assert h["Binds"] == [sys.argv[1] + ":/host:ro"], h["Binds"]
cfg = c["Config"]
assert cfg["Tty"] is True and cfg["OpenStdin"] is True and cfg["AttachStdin"] is True
assert sorted(cfg["ExposedPorts"]) == ["53/udp", "80/tcp"], cfg["ExposedPorts"]
m = [x for x in c["Mounts"] if x["Type"] == "bind"][0]
assert m["Source"] == sys.argv[1] and m["Destination"] == "/host" and m["RW"] is False, m
print("ok")' "$TEST_DIR"
    assert "ok"
}

@test "create makes the rootfs dirs for the store's driver" {
    make_busybox_image
    run_kayak create "$BUSYBOX_REF"
    local id=$output
    run_kayak inspect -f '{{.GraphDriver.Name}}' "$id"
    if [[ $output == vfs ]]; then
        [[ -x $KAYAK_ROOT/containers/$id/rootfs/bin/busybox ]] || die "no copy of the image in rootfs/"
    else
        [[ -d $KAYAK_ROOT/containers/$id/upper && -d $KAYAK_ROOT/containers/$id/work ]] || die "no upper/work dirs"
        run_kayak inspect -f '{{.GraphDriver.Data.UpperDir}}' "$id"
        assert "$KAYAK_ROOT/containers/$id/upper"
    fi
}

@test "create with the vfs driver copies the image, whiteouts applied, owners kept" {
    mkdir -p "$KAYAK_ROOT"
    echo '{"name":"vfs"}' > "$KAYAK_ROOT/driver.json"
    mkarchive layer plain.tar plain
    mkarchive layer wh.tar whiteouts
    mkarchive layer attrs.tar attrs
    mkarchive layer owners.tar owners
    mkarchive image img.tar --layer plain.tar --layer wh.tar --layer attrs.tar --layer owners.tar \
        --tag layered:1 --cmd '["/bin/new"]' >/dev/null
    run_kayak_split load -i img.tar
    run_kayak create layered:1
    local id=$output
    local r=$KAYAK_ROOT/containers/$id/rootfs
    [[ -d $r/etc && ! -e $r/etc/hello ]] || die "the whiteout of etc/hello was not applied"
    [[ -e $r/bin/new && ! -e $r/bin/tool ]] || die "bin/ was not made opaque"
    assert "$(stat -c %a "$r/data/setuid")" == 4755 "setuid mode kept"
    assert "$(stat -c %i "$r/data/linked")" == "$(stat -c %i "$r/data/linked2")" "hard link kept"
    assert "$(readlink "$r/data/abs-link")" == /data/linked "symlink kept"
    if [[ -z $IS_ROOTLESS ]]; then
        assert "$(stat -c %u:%g "$r/owned/by42")" == 42:42 "owner kept"
    elif [[ -n $HAS_SUBUID ]]; then
        local base
        base=$(awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' /etc/subuid)
        assert "$(stat -c %u "$r/owned/by42")" == $((base + 41)) "owner kept (mapped)"
    fi
    run_kayak inspect -f '{{.GraphDriver.Name}} {{.GraphDriver.Data.Dir}}' "$id"
    assert "vfs $r"
    run_kayak rm "$id"
    [[ ! -e $KAYAK_ROOT/containers/$id ]] || die "rootfs left behind"
}

@test "container names: unique, Docker's conflict text, default names, validity" {
    make_busybox_image
    run_kayak create --name web "$BUSYBOX_REF"
    local id=$output
    run_kayak_split 125 create --name web "$BUSYBOX_REF"
    assert_error "^Error: Conflict. The container name \"/web\" is already in use by container \"$id\". You have to remove \\(or rename\\) that container to be able to reuse that name.$"
    assert "$output" == "" "nothing on stdout"
    run_kayak ps -a -q
    assert_line_count 1

    run_kayak create "$BUSYBOX_REF"
    run_kayak inspect -f '{{.Name}}' "$output"
    assert "$output" =~ ^/[a-z]+_[a-z]+[0-9]?$

    run_kayak 125 create --name -bad "$BUSYBOX_REF"
    assert_error "Invalid container name \\(-bad\\), only \\[a-zA-Z0-9\\]\\[a-zA-Z0-9_.-\\] are allowed"
}

@test "create --replace removes the container holding the name" {
    make_busybox_image
    run_kayak create --name web "$BUSYBOX_REF"
    local old=$output
    run_kayak create --replace --name web "$BUSYBOX_REF" echo new
    local new=$output
    assert "$new" != "$old"
    run_kayak ps -a --no-trunc -q
    assert "$new"
    [[ ! -e $KAYAK_ROOT/containers/$old ]] || die "the replaced container's dir is left"
}

@test "create --cidfile writes the ID and refuses an existing file" {
    make_busybox_image
    run_kayak create --cidfile "$TEST_DIR/cid" "$BUSYBOX_REF"
    assert "$(cat "$TEST_DIR/cid")" == "$output"
    run_kayak 125 create --cidfile "$TEST_DIR/cid" "$BUSYBOX_REF"
    assert_error "container ID file found, make sure the other container isn't running or delete $TEST_DIR/cid"
    run_kayak ps -a -q
    assert_line_count 1
}

@test "create rejects bad flag values and leaves nothing behind" {
    make_busybox_image
    local -a bad=(
        "-w relative|the working directory 'relative' is invalid, it needs to be an absolute path"
        "--restart sometimes|invalid restart policy format"
        "--restart always --rm|Conflicting options: --restart and --rm"
        "--ulimit nofile=10:5|ulimit soft limit must be less than or equal to hard limit"
        "--cap-add FLY|unknown capability: \"CAP_FLY\""
        "--security-opt bogus|Invalid --security-opt: \"bogus\""
        "--stop-signal NOPE|invalid signal: NOPE"
        "-m lots|invalid size: 'lots'"
        "--network moon|network moon not found"
        "-v relative/path|invalid volume specification"
    )
    local entry flags message
    for entry in "${bad[@]}"; do
        flags=${entry%%|*} message=${entry#*|}
        # shellcheck disable=SC2086
        run_kayak 125 create $flags "$BUSYBOX_REF"
        assert_contains "Error: $message"
    done
    run_kayak 125 create --pull never nosuchimage
    assert_error "No such image: nosuchimage"
    run_kayak ps -a -q
    assert "" "no container was recorded"
    local left
    left=$(find "$KAYAK_ROOT/containers" -mindepth 1 -maxdepth 1 ! -name names)
    assert "$left" == "" "no container dirs left"
}

@test "parallel creates: names stay unique, every container is listed once" {
    make_busybox_image
    local i pids=()
    for i in $(seq 1 20); do
        kayak create --name "p$i" "$BUSYBOX_REF" >"out.$i" 2>&1 &
        pids+=($!)
    done
    # Ten creators race for one name: exactly one wins.
    for i in $(seq 1 10); do
        kayak create --name same "$BUSYBOX_REF" >"same.$i" 2>&1 &
        pids+=($!)
    done
    local failed=0 pid
    for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
    assert "$failed" -eq 9 "nine of the racers for 'same' lose"
    run_kayak ps -a --format '{{.Names}}'
    assert_line_count 21
    assert "$(sort <<<"$output" | uniq -d)" == "" "no name twice"
    assert "$(grep -l 'is already in use by container' same.* | wc -l)" -eq 9
    local dirs
    dirs=$(find "$KAYAK_ROOT/containers" -mindepth 1 -maxdepth 1 ! -name names | wc -l)
    assert "$dirs" -eq 21 "no dir of a losing racer is left"
}
