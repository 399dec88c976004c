#!/usr/bin/env bats
# kayak volume create | ls | inspect | rm | prune.

load helpers

NAME_ERROR='includes invalid characters for a local volume name, only "\[a-zA-Z0-9\]\[a-zA-Z0-9_.-\]" are allowed. If you intended to pass a host directory, use absolute path'

# fake_container ID VOLUME...: a container record that mounts the volumes,
# the way container create records them (config.json "mounts" entries with
# type "volume" and the volume's name as source).
# TODO(lead): replace with `kayak create -v VOLUME:/dst` once create lands.
fake_container() {
    local id=$1; shift
    local mounts= v
    for v in "$@"; do
        mounts+="${mounts:+,}{\"type\":\"volume\",\"source\":\"$v\",\"destination\":\"/$v\"}"
    done
    mkdir -p "$KAYAK_ROOT/containers/$id"
    echo "{\"id\":\"$id\",\"mounts\":[$mounts]}" > "$KAYAK_ROOT/containers/$id/config.json"
}

@test "volume create prints the name; without one, 64 random hex" {
    run_kayak volume create data
    assert "data"
    run_kayak volume create
    assert "$output" =~ '^[0-9a-f]{64}$'
    local anon=$output
    run_kayak volume create
    assert "$output" != "$anon" "two anonymous volumes get two names"
    # The content dir exists and belongs to the caller (container root).
    local mp="$KAYAK_ROOT/volumes/data/_data"
    [[ -d $mp ]] || die "$mp missing"
    assert "$(stat -c %u "$mp")" == "$(id -u)"
    # Creating an existing name is not an error (Docker returns the volume).
    run_kayak volume create data
    assert "data"
    run_kayak volume ls -q
    assert_line_count 3
}

@test "volume create --label and --opt are recorded" {
    run_kayak volume create --label env=prod --label flag -o type=tmpfs --opt o=size=1m --opt device=tmpfs vol1
    run_kayak volume inspect vol1
    check_with_python '
import json, sys
v = json.load(sys.stdin)[0]
assert v["Labels"] == {"env": "prod", "flag": ""}, v
assert v["Options"] == {"type": "tmpfs", "o": "size=1m", "device": "tmpfs"}, v
'
}

@test "volume create refuses bad names, options and drivers as Docker" {
    run_kayak 125 volume create 'a/b'
    assert_error "create a/b: \"a/b\" $NAME_ERROR"
    run_kayak 125 volume create x
    assert_error "create x: \"x\" $NAME_ERROR"
    run_kayak 125 volume create .hidden
    assert_error "includes invalid characters"
    run_kayak 125 volume create --opt colour=red vol
    assert_error 'create vol: invalid option key: "colour"'
    run_kayak 125 volume create -d nfs vol
    assert_error 'create vol: error looking up volume plugin nfs: plugin "nfs" not found'
    run_kayak 125 volume create a b
    run_kayak volume ls -q
    assert "" "nothing was created"
}

@test "volume ls: Docker's table, -q, --format" {
    run_kayak volume ls
    assert "DRIVER    VOLUME NAME"
    kayak volume create zeta >/dev/null
    kayak volume create alpha >/dev/null
    run_kayak volume ls
    assert "$(printf 'DRIVER\tVOLUME NAME\nlocal\talpha\nlocal\tzeta\n' | docker_table)"
    run_kayak volume ls -q
    assert "alpha${NL}zeta"
    run_kayak volume ls --format '{{.Name}}:{{.Driver}}:{{.Scope}}:{{.Mountpoint}}'
    assert "alpha:local:local:$KAYAK_ROOT/volumes/alpha/_data${NL}zeta:local:local:$KAYAK_ROOT/volumes/zeta/_data"
    run_kayak volume ls --format 'table {{.Name}}\t{{.Labels}}'
    assert "${lines[0]}" =~ "^VOLUME NAME +LABELS$"
    run_kayak volume ls --format json
    assert_line_count 2
    check_with_python '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
assert [r["Name"] for r in rows] == ["alpha", "zeta"], rows
assert sorted(rows[0]) == ["Availability", "Driver", "Group", "Labels", "Links", "Mountpoint", "Name", "Scope", "Size", "Status"], rows[0]
assert rows[0]["Driver"] == "local" and rows[0]["Size"] == "N/A"
'
    run_kayak volume list -q
    assert "alpha${NL}zeta" "volume list is an alias"
}

@test "volume ls --filter name=, label=, driver=, dangling=" {
    kayak volume create web-data >/dev/null
    kayak volume create --label tier=db --label backup db-data >/dev/null
    kayak volume create --label tier=web cache >/dev/null
    run_kayak volume ls -q --filter name=data
    assert "db-data${NL}web-data"
    run_kayak volume ls -q --filter name=^web
    assert "web-data"
    run_kayak volume ls -q --filter name=cache --filter name=web-data
    assert "cache${NL}web-data" "name filters are ORed"
    run_kayak volume ls -q --filter label=tier
    assert "cache${NL}db-data"
    run_kayak volume ls -q --filter label=tier=db
    assert "db-data"
    run_kayak volume ls -q --filter label=tier --filter label=backup
    assert "db-data" "label filters are ANDed"
    run_kayak volume ls -q --filter driver=local
    assert_line_count 3

    fake_container "$(printf '%064d' 1)" db-data
    run_kayak volume ls -q --filter dangling=true
    assert "cache${NL}web-data"
    run_kayak volume ls -q --filter dangling=false
    assert "db-data"

    run_kayak 125 volume ls --filter colour=red
    assert_error "invalid filter 'colour'"
    run_kayak 125 volume ls --filter dangling=maybe
    assert_error "invalid filter 'dangling=maybe'"
    run_kayak 125 volume ls --filter nonsense
    assert_error "bad format of filter"
}

@test "volume inspect: Docker's JSON, -f, several names, a missing one" {
    kayak volume create --label a=b v1 >/dev/null
    run_kayak volume create
    local anon=$output
    run_kayak volume inspect v1 "$anon"
    check_with_python '
import json, sys, os, re
vols = json.load(sys.stdin)
assert len(vols) == 2
v = vols[0]
assert list(v) == ["CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope"], list(v)
assert v["Name"] == "v1" and v["Driver"] == "local" and v["Scope"] == "local"
assert v["Labels"] == {"a": "b"} and v["Options"] == {}
assert v["Mountpoint"] == os.environ["KAYAK_ROOT"] + "/volumes/v1/_data", v["Mountpoint"]
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", v["CreatedAt"]), v["CreatedAt"]
assert vols[1]["Labels"] == {"com.docker.volume.anonymous": ""}, vols[1]
'
    run_kayak volume inspect -f '{{.Name}} {{.Driver}} {{.Labels.a}}' v1
    assert "v1 local b"
    run_kayak volume inspect --format '{{json .Labels}}' v1
    assert '{"a":"b"}'

    run_kayak_split 125 volume inspect v1 nope
    assert "$stderr" == "Error: No such volume: nope"
    assert "$output" =~ '"Name": "v1"' "the found volume is still shown"
    run_kayak 125 volume inspect nope
    assert "$output" =~ "Error: No such volume: nope"
}

@test "volume rm removes volumes and their content" {
    kayak volume create v1 >/dev/null
    kayak volume create v2 >/dev/null
    echo hello > "$KAYAK_ROOT/volumes/v1/_data/file"
    mkdir -p "$KAYAK_ROOT/volumes/v1/_data/dir/sub"
    chmod 000 "$KAYAK_ROOT/volumes/v1/_data/dir"
    run_kayak volume rm v1 v2
    assert "v1${NL}v2"
    run_kayak volume ls -q
    assert ""
    [[ ! -e $KAYAK_ROOT/volumes/v1 ]] || die "v1's directory is still there"
    assert "$(ls -A "$KAYAK_ROOT/volumes")" == ".locks" "nothing but the lock dir left"
}

@test "volume rm: missing volumes, -f, volume remove alias" {
    kayak volume create v1 >/dev/null
    run_kayak_split 1 volume rm nope v1
    assert "$stderr" == "Error: get nope: no such volume"
    assert "v1" "the others are still removed"
    run_kayak volume rm -f nope
    run_kayak volume create v2
    run_kayak volume remove v2
    assert "v2"
}

@test "volume rm refuses a volume a container uses (exit 2, as podman)" {
    kayak volume create shared >/dev/null
    local a b
    a=$(printf 'a%.0s' {1..64}) b=$(printf 'b%.0s' {1..64})
    fake_container "$a" shared
    fake_container "$b" shared
    run_kayak 2 volume rm shared
    assert_error "^Error: remove shared: volume is in use - \[$a, $b\]$"
    run_kayak 2 volume rm -f shared
    assert_error "volume is in use"
    run_kayak volume ls -q
    assert "shared"
    rm -rf "$KAYAK_ROOT/containers/$a" "$KAYAK_ROOT/containers/$b"
    run_kayak volume rm shared
}

@test "volume prune removes unused anonymous volumes; -a every unused one" {
    kayak volume create named >/dev/null
    kayak volume create used >/dev/null
    local anon1 anon2
    anon1=$(kayak volume create)
    anon2=$(kayak volume create)
    head -c 2000 /dev/zero > "$KAYAK_ROOT/volumes/$anon1/_data/blob"
    fake_container "$(printf '%064d' 7)" used "$anon2"

    run_kayak volume prune -f
    assert "Deleted Volumes:${NL}$anon1${NL}${NL}Total reclaimed space: 2kB"
    run_kayak volume ls -q
    assert "$(printf '%s\n' "$anon2" named used | sort)"

    run_kayak volume prune --all --force
    assert "Deleted Volumes:${NL}named${NL}${NL}Total reclaimed space: 0B"
    run_kayak volume ls -q
    assert "$(printf '%s\n' "$anon2" used | sort)"

    run_kayak volume prune -a -f
    assert "Total reclaimed space: 0B"
}

@test "volume prune --filter label= and label!=" {
    kayak volume create --label keep=yes k1 >/dev/null
    kayak volume create --label keep=no k2 >/dev/null
    kayak volume create plain >/dev/null
    run_kayak volume prune -a -f --filter label=keep=no
    assert "Deleted Volumes:${NL}k2${NL}${NL}Total reclaimed space: 0B"
    run_kayak volume prune -a -f --filter 'label!=keep'
    assert "Deleted Volumes:${NL}plain${NL}${NL}Total reclaimed space: 0B"
    run_kayak volume ls -q
    assert "k1"
    run_kayak 125 volume prune -f --filter until=1h
    assert_error "invalid filter 'until'"
}

@test "volume prune asks first; no answer means no" {
    local anon
    anon=$(kayak volume create)
    run_kayak volume prune </dev/null
    assert "$output" =~ "WARNING! This will remove anonymous local volumes not used by at least one container."
    assert "$output" =~ "Are you sure you want to continue\? \[y/N\]"
    run_kayak volume ls -q
    assert "$anon"
    run_kayak volume prune -a </dev/null
    assert "$output" =~ "WARNING! This will remove all local volumes not used by at least one container."

    run bash -c 'echo y | "$KAYAK_BINARY" volume prune'
    _log_output
    assert "$status" -eq 0
    assert "$output" =~ "Deleted Volumes:${NL}$anon"
    run_kayak volume ls -q
    assert ""
}

@test "volume rm removes content owned by other IDs in the container" {
    skip_if_no_subuid "files owned by other container IDs need a subuid range"
    kayak volume create v1 >/dev/null
    local data=$KAYAK_ROOT/volumes/v1/_data
    if [[ -n $IS_ROOTLESS ]]; then
        # As container user 1000 (a subordinate ID on the host).
        unshare --map-root-user --map-auto -- sh -c "mkdir $data/d && echo x > $data/d/f && chown -R 1000:1000 $data/d && chmod 500 $data/d"
    else
        mkdir "$data/d" && echo x > "$data/d/f" && chown -R 1000:1000 "$data/d" && chmod 500 "$data/d"
    fi
    assert "$(stat -c %u "$data/d")" != "$(id -u)"
    run_kayak volume rm v1
    [[ ! -e $KAYAK_ROOT/volumes/v1 ]] || die "v1 is still there"
}

@test "volume help lists the subcommands" {
    run_kayak volume --help
    for sub in create inspect ls prune rm; do
        assert "$output" =~ "  $sub " "volume --help lists $sub"
    done
    run_kayak volume prune --help
    assert "$output" =~ "--all"
}

@test "volume create and rm in parallel keep the store consistent" {
    local i
    for i in $(seq 1 8); do
        kayak volume create same >/dev/null &
        kayak volume create "v$i" >/dev/null &
        kayak volume create >/dev/null &
    done
    wait
    run_kayak volume ls -q
    assert_line_count 17
    run_kayak volume ls -q --filter name=^same$
    assert "same"
    for i in $(seq 1 8); do kayak volume rm "v$i" >/dev/null & done
    wait
    run_kayak volume ls -q --filter name=^v
    assert ""
    run_kayak volume prune -f
    assert "$output" =~ "Total reclaimed space: 0B$"
    run_kayak volume ls -q
    assert "same"
}
