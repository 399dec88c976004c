#!/usr/bin/env bats
# run flags, each checked by its effect inside a running container (what
# 200-create.bats checks is only that create records them): environment,
# working dir, users and groups, entrypoint and command, hostname, ulimits,
# mounts and volumes, read-only rootfs, capabilities, no_new_privs,
# seccomp, networks.

load helpers

setup() {
    basic_setup
    make_busybox_image
}

# derived_image REF SCRIPT [COMMIT ARGS...]: REF is the busybox image after
# SCRIPT ran in it (as root), committed with COMMIT ARGS (e.g. -c 'VOLUME /v').
derived_image() {
    local ref=$1 script=$2; shift 2
    run_kayak run --name derive-prep "$BUSYBOX_REF" sh -c "$script"
    run_kayak commit "$@" derive-prep "$ref"
    run_kayak rm derive-prep
}

# The users and groups of the image the -u tests run.
users_image() {
    derived_image kayak/users '
        echo "alice:x:1000:1000:Alice:/home/alice:/bin/sh" >> /etc/passwd
        echo "bob:x:1001:1001:Bob:/home/bob:/bin/sh" >> /etc/passwd
        echo "alice:x:1000:" >> /etc/group
        echo "bob:x:1001:" >> /etc/group
        echo "staff:x:50:alice" >> /etc/group
        echo "audio:x:29:bob,alice" >> /etc/group
        echo "video:x:44:bob" >> /etc/group
        mkdir -p /home/alice /home/bob'
}

# status_field FIELD: the line "FIELD:\t..." of /proc/self/status in $output.
status_field() {
    local line
    line=$(grep "^$1:" <<<"$output") || die "no $1 in /proc/self/status"
    echo "${line#*:$'\t'}"
}

# Docker's 14 default capabilities: CHOWN DAC_OVERRIDE FOWNER FSETID KILL
# SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD
# AUDIT_WRITE SETFCAP.
DEFAULT_CAPS=00000000a80425fb

# all_caps: every capability the caller may have, as /proc/self/status
# shows it: its bounding set (root here lacks CAP_SYS_RESOURCE; a user
# namespace starts from its creator's bounding set).
all_caps() {
    local line
    line=$(grep ^CapBnd: /proc/self/status)
    echo "${line#*:$'\t'}"
}

# ------------------------------------------------------------- environment

@test "run -e, -e NAME from the caller, --env-file, image Env merged as Docker does" {
    derived_image kayak/env true -c 'ENV IMG_ONLY=image SHARED=image PATH=/opt/bin:/usr/bin:/bin'
    printf 'FROM_FILE=file value\n# a comment\n\nSHARED=file\nFILE_CALLER\n' > env.list
    FROM_CALLER=caller FILE_CALLER=caller2 run_kayak run --rm --env-file env.list -e SHARED=flag \
        -e FROM_CALLER -e NOT_SET_ANYWHERE -e 'WITH_EQ=a=b' -e EMPTY= kayak/env env
    assert "$output" =~ "(^|$NL)IMG_ONLY=image($NL|$)" "image Env kept"
    assert "$output" =~ "(^|$NL)SHARED=flag($NL|$)" "-e wins over --env-file and the image"
    assert "$output" =~ "(^|$NL)FROM_FILE=file value($NL|$)" "--env-file value, spaces kept"
    assert "$output" =~ "(^|$NL)FROM_CALLER=caller($NL|$)" "-e NAME takes the caller's value"
    assert "$output" =~ "(^|$NL)FILE_CALLER=caller2($NL|$)" "a bare NAME in --env-file too"
    assert "$output" =~ "(^|$NL)WITH_EQ=a=b($NL|$)"
    assert "$output" =~ "(^|$NL)EMPTY=($NL|$)" "an empty value is set"
    assert "$output" =~ "(^|$NL)PATH=/opt/bin:/usr/bin:/bin($NL|$)" "the image's PATH"
    assert "$output" =~ "(^|$NL)HOSTNAME=[0-9a-f]{12}($NL|$)"
    assert "$output" =~ "(^|$NL)HOME=/root($NL|$)"
    assert_not_contains "NOT_SET_ANYWHERE"
    # Each name once.
    assert "$(cut -d= -f1 <<<"$output" | sort | uniq -d)" == "" "duplicate names"
    run_kayak_split 125 run --rm --env-file no-such.list kayak/env true
    assert "$stderr" =~ "no-such.list"
}

# ------------------------------------------------------------- process

@test "run -w: the working directory, created when missing; the image's WORKDIR otherwise" {
    derived_image kayak/wd true -c 'WORKDIR /srv/app'
    run_kayak run --rm kayak/wd pwd
    assert "/srv/app"
    run_kayak run --rm -w /new/dir kayak/wd sh -c 'pwd; ls -ld . | cut -c1'
    assert "/new/dir${NL}d"
    run_kayak run --rm --workdir /etc $BUSYBOX_REF pwd
    assert "/etc"
    run_kayak_split 125 run --rm -w relative $BUSYBOX_REF true
    assert "$stderr" =~ "absolute"
}

@test "run --entrypoint resets the image's Cmd; shell-form Cmd and Entrypoint run under /bin/sh -c" {
    derived_image kayak/ep true -c 'ENTRYPOINT ["echo", "ep"]' -c 'CMD ["from-cmd"]'
    run_kayak run --rm kayak/ep
    assert "ep from-cmd"
    run_kayak run --rm kayak/ep arg1 arg2
    assert "ep arg1 arg2" "arguments replace Cmd"
    run_kayak run --rm --entrypoint /bin/echo kayak/ep
    assert "" "--entrypoint drops the image's Cmd"
    run_kayak run --rm --entrypoint printf kayak/ep '%s-%s\n' a b
    assert "a-b"
    run_kayak run --rm --entrypoint "" kayak/ep echo no entrypoint
    assert "no entrypoint" "an empty --entrypoint removes the image's"

    derived_image kayak/shellform true -c 'CMD echo "pid $$" $HOME | tr a-z A-Z'
    run_kayak inspect -f '{{json .Config.Cmd}}' kayak/shellform
    assert '["/bin/sh","-c","echo \"pid $$\" $HOME | tr a-z A-Z"]'
    run_kayak run --rm kayak/shellform
    assert "PID 1 /ROOT"
    derived_image kayak/shellep true -c 'ENTRYPOINT echo shell-entrypoint $0' -c 'CMD ["ignored"]'
    # Docker appends Cmd or the arguments to ["/bin/sh", "-c", STRING]:
    # they become $0 (and $1...) of that shell, which the string ignores.
    run_kayak run --rm kayak/shellep
    assert "shell-entrypoint ignored"
    run_kayak run --rm kayak/shellep ignored-too
    assert "shell-entrypoint ignored-too"
}

@test "run --hostname and -h: the container's hostname and HOSTNAME" {
    run_kayak run --rm --hostname box.example $BUSYBOX_REF sh -c 'hostname; echo $HOSTNAME; cat /etc/hostname'
    assert "box.example${NL}box.example${NL}box.example"
    # On run and create -h is --hostname, as Docker and podman; --help is help.
    run_kayak run --rm -h box $BUSYBOX_REF hostname
    assert "box"
    run_kayak create --name short-h -h cbox $BUSYBOX_REF hostname
    run_kayak start -a short-h
    assert "cbox"
    run_kayak run --help
    assert "$output" =~ "-h, --hostname"
    run_kayak 125 run -h
    assert "$output" =~ "flag needs an argument: 'h' in -h"
    # Elsewhere -h is still help.
    run_kayak ps -h
    assert "$output" =~ "Usage:"
    # Without it: the short ID, as Docker.
    run_kayak run --name noname $BUSYBOX_REF hostname
    assert "$output" == "$(kayak inspect -f '{{.Id}}' noname | cut -c1-12)"
}

@test "run --ulimit nofile: applied inside; never above the caller's hard limit" {
    run_kayak run --rm --ulimit nofile=100:200 $BUSYBOX_REF sh -c 'ulimit -Sn; ulimit -Hn'
    assert "100${NL}200"
    run_kayak run --rm --ulimit nofile=150 $BUSYBOX_REF sh -c 'ulimit -Sn; ulimit -Hn'
    assert "150${NL}150" "one value sets both"
    # The container cannot raise what it was given.
    run_kayak 1 run --rm --ulimit nofile=100:200 $BUSYBOX_REF sh -c 'ulimit -Hn 300'
    # Above the caller's hard limit: held at it (raising it needs
    # CAP_SYS_RESOURCE in the initial namespace).
    local hard
    hard=$(ulimit -Hn)
    [[ $hard != unlimited ]] || skip "the caller's open-files hard limit is unlimited"
    run_kayak run --rm --ulimit nofile=$((hard + 1000)):$((hard + 1000)) $BUSYBOX_REF sh -c 'ulimit -Sn; ulimit -Hn'
    assert "$hard${NL}$hard"
    run_kayak run --rm --ulimit nofile=10:$((hard * 2)) $BUSYBOX_REF sh -c 'ulimit -Sn; ulimit -Hn'
    assert "10${NL}$hard"
    run_kayak_split 125 run --rm --ulimit nofile=20:10 $BUSYBOX_REF true
    assert "$stderr" =~ "soft limit must be less than or equal to hard limit"
    run_kayak_split 125 run --rm --ulimit nosuch=1 $BUSYBOX_REF true
    assert "$stderr" =~ "invalid ulimit type: nosuch"
}

# ------------------------------------------------------------- users

@test "run -u NAME: uid, gid and supplementary groups from the image's /etc/passwd and /etc/group" {
    skip_if_no_subuid "other users than root in the container need a subuid range"
    users_image
    run_kayak run --rm -u alice kayak/users sh -c 'id -u; id -g; grep ^Groups: /proc/self/status; echo $HOME; whoami'
    assert "${lines[0]}" == "1000"
    assert "${lines[1]}" == "1000"
    local groups=" $(cut -f2 <<<"${lines[2]}") "
    assert "$groups" =~ " 29 " "audio (29) among alice's groups: $groups"
    assert "$groups" =~ " 50 " "staff (50) among alice's groups: $groups"
    assert "$groups" !~ " 44 " "not video (44), bob's only"
    assert "$groups" !~ " 0 " "not root's group"
    assert "${lines[3]}" == "/home/alice" "HOME from /etc/passwd"
    assert "${lines[4]}" == "alice"

    # An explicit group replaces passwd's and the supplementary ones (as
    # Docker's runtime resolves user:group).
    run_kayak run --rm -u bob:staff kayak/users sh -c 'id -u; id -g; grep ^Groups: /proc/self/status'
    assert "${lines[0]}" == "1001"
    assert "${lines[1]}" == "50"
    assert "$(cut -f2 <<<"${lines[2]}" | tr -d ' ')" == ""
    run_kayak run --rm -u bob kayak/users grep ^Groups: /proc/self/status
    groups=" $(cut -f2 <<<"$output") "
    assert "$groups" =~ " 29 " "bob is in audio: $groups"
    assert "$groups" =~ " 44 " "bob is in video: $groups"
    assert "$groups" !~ " 50 " "bob is not staff: $groups"
}

@test "run -u UID[:GID]: numeric ids, known or not" {
    skip_if_no_subuid "other users than root in the container need a subuid range"
    users_image
    run_kayak run --rm -u 1000 kayak/users sh -c 'id -u; id -g; grep -c "^Groups:.* 50" /proc/self/status'
    assert "${lines[*]}" == "1000 1000 1" "a uid of /etc/passwd gets that user's gid and groups"
    run_kayak run --rm -u 4321 kayak/users sh -c 'id -u; id -g; echo $HOME'
    assert "${lines[*]}" == "4321 0 /" "an unknown uid gets gid 0 and HOME=/"
    run_kayak run --rm -u 4321:777 kayak/users sh -c 'id -u; id -g'
    assert "${lines[*]}" == "4321 777"
    run_kayak run --rm -u alice:44 kayak/users sh -c 'id -u; id -g'
    assert "${lines[*]}" == "1000 44"
    # A file the user creates is theirs.
    run_kayak run --rm -u 1000:1000 kayak/users sh -c 'touch /tmp/f; stat -c "%u %g" /tmp/f'
    assert "1000 1000"
    run_kayak_split 125 run --rm -u nosuchuser kayak/users true
    assert "$stderr" =~ "nosuchuser"
    run_kayak_split 125 run --rm -u alice:nosuchgroup kayak/users true
    assert "$stderr" =~ "nosuchgroup"
}

@test "run -u without a subuid range: other users are refused with the reason, never run as root" {
    [[ -n $IS_ROOTLESS && -z $HAS_SUBUID ]] || skip "only without a subuid range (a single ID mapping)"
    run_kayak_split 125 run --rm -u 1000 $BUSYBOX_REF id
    assert "$output" == "" "the command did not run"
    assert "$stderr" =~ "^Error: setresuid 1000: .*not mapped in the container's user namespace"
    run_kayak_split 125 run --rm -u 0:1000 $BUSYBOX_REF id
    assert "$stderr" =~ "setresgid 1000: .*not mapped"
}

@test "run -u 0 and root: every rootless mode can be root in the container" {
    run_kayak run --rm -u 0:0 $BUSYBOX_REF sh -c 'id -u; id -g'
    assert "0${NL}0"
    run_kayak run --rm -u root $BUSYBOX_REF sh -c 'id -un'
    assert "root"
}

# ------------------------------------------------------------- mounts

@test "run -v HOSTDIR:CTRDIR: both sides see each other's writes; :ro refuses writes" {
    mkdir -p host
    echo "from the host" > host/in
    run_kayak run --rm -v "$TEST_DIR/host:/data" $BUSYBOX_REF sh -c 'cat /data/in; echo "from the container" > /data/out'
    assert "from the host"
    assert "$(cat host/out)" == "from the container"
    # Root in the container is the caller on the host.
    assert "$(stat -c %u host/out)" == "$(id -u)"

    run_kayak_split 1 run --rm -v "$TEST_DIR/host:/data:ro" $BUSYBOX_REF sh -c 'cat /data/in; touch /data/nope'
    assert "from the host"
    assert "$stderr" =~ "Read-only file system"
    [[ ! -e host/nope ]] || die "a write went through a read-only bind"
    # The bind's destination is made when the image lacks it; a file binds onto a file.
    run_kayak run --rm -v "$TEST_DIR/host/in:/etc/motd:ro" -v "$TEST_DIR/host:/new/deep/dir" $BUSYBOX_REF \
        sh -c 'cat /etc/motd; ls /new/deep/dir'
    assert "from the host${NL}in${NL}out"
    # A missing -v source is created, as Docker does.
    run_kayak run --rm -v "$TEST_DIR/made:/m" $BUSYBOX_REF sh -c 'echo x > /m/f'
    assert "$(cat made/f)" == "x"
}

@test "run -v :z, :Z and ro,z are accepted (no SELinux here); a failing mount is one sentence and 125" {
    mkdir -p host
    echo "from the host" > host/in
    for opt in z Z ro,z rw,Z; do
        run_kayak run --rm -v "$TEST_DIR/host:/data:$opt" $BUSYBOX_REF cat /data/in
        assert "from the host"
    done
    run_kayak_split 1 run --rm -v "$TEST_DIR/host:/data:ro,Z" $BUSYBOX_REF touch /data/nope
    assert "$stderr" =~ "Read-only file system"
    run_kayak 125 run --rm -v "$TEST_DIR/host:/data:q" $BUSYBOX_REF true
    # A mount that fails between clone and execve comes back as (step, errno)
    # and is shown as a sentence naming both paths, as DESIGN asks.
    run_kayak_split 125 run --rm -v "$TEST_DIR/host/in:/bin" $BUSYBOX_REF true
    assert "$stderr" == "Error: mount $TEST_DIR/host/in on /bin: Not a directory"
}

@test "run -v NAME:/data: a named volume keeps its data between containers" {
    run_kayak run --rm -v keep:/data $BUSYBOX_REF sh -c 'echo first > /data/f'
    run_kayak volume ls -q
    assert "keep"
    run_kayak run --rm -v keep:/other $BUSYBOX_REF sh -c 'cat /other/f; echo second >> /other/f'
    assert "first"
    run_kayak run --rm -v keep:/data:ro $BUSYBOX_REF cat /data/f
    assert "first${NL}second"
    assert "$(cat "$(kayak volume inspect -f '{{.Mountpoint}}' keep)/f")" == "first${NL}second"
    run_kayak volume ls -q
    assert "keep" "--rm keeps a named volume"
}

@test "run: an image VOLUME becomes an anonymous volume with the image's content; --rm removes it" {
    derived_image kayak/vol 'mkdir -p /vol && echo seeded > /vol/seed' -c 'VOLUME /vol'
    run_kayak run --name v1 kayak/vol sh -c 'cat /vol/seed; echo written > /vol/new; grep " /vol " /proc/self/mountinfo | wc -l'
    assert "seeded${NL}1"
    run_kayak inspect -f '{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}}{{end}}' v1
    assert "$output" =~ "^volume [0-9a-f]{64} /vol$"
    local name=${output#volume }
    name=${name% /vol}
    run_kayak volume ls -q
    assert "$name"
    assert "$(cat "$(kayak volume inspect -f '{{.Mountpoint}}' "$name")/new")" == "written"
    # Each container gets its own; the write above is not in a new one.
    run_kayak run --rm kayak/vol ls /vol
    assert "seed"
    run_kayak volume ls -q
    assert "$name" "--rm removed the second container's anonymous volume"
    # -v on the same path replaces the anonymous volume.
    run_kayak run --rm -v named:/vol kayak/vol cat /vol/seed
    assert "seeded" "a new named volume is filled from the image too"
    run_kayak rm -v v1
    run_kayak volume ls -q
    assert "named"
}

@test "run --mount type=bind, type=volume, type=tmpfs, readonly" {
    mkdir -p src
    echo content > src/file
    run_kayak run --rm \
        --mount "type=bind,source=$TEST_DIR/src,target=/b" \
        --mount "type=bind,src=$TEST_DIR/src,dst=/bro,readonly" \
        --mount type=volume,source=mvol,target=/v \
        --mount type=tmpfs,target=/t,tmpfs-size=1m \
        $BUSYBOX_REF sh -c '
            cat /b/file; echo new > /b/new
            touch /bro/x 2>/dev/null && echo bro-writable || echo bro-readonly
            echo vol > /v/f
            grep " /t " /proc/mounts | cut -d" " -f3
            grep " /t " /proc/mounts | grep -o "size=[0-9a-z]*"
            dd if=/dev/zero of=/t/big bs=1k count=2048 2>/dev/null && echo fits || echo full'
    assert "content${NL}bro-readonly${NL}tmpfs${NL}size=1024k${NL}full"
    assert "$(cat src/new)" == "new"
    assert "$(cat "$(kayak volume inspect -f '{{.Mountpoint}}' mvol)/f")" == "vol"
    run_kayak 1 run --rm --mount type=volume,src=mvol,dst=/v,readonly $BUSYBOX_REF sh -c 'cat /v/f; touch /v/g'
    assert "$output" =~ "^vol${NL}.*Read-only file system"
    run_kayak_split 125 run --rm --mount "type=bind,source=$TEST_DIR/missing,target=/m" $BUSYBOX_REF true
    assert "$stderr" =~ "bind source path does not exist"
}

@test "run --tmpfs /x:size=..: a tmpfs of that size, nosuid/nodev/noexec by Docker's default" {
    run_kayak run --rm --tmpfs /scratch:size=2m,mode=1770 --tmpfs /plain $BUSYBOX_REF sh -c '
        grep " /scratch " /proc/mounts
        stat -c %a /scratch
        grep " /plain " /proc/mounts
        echo hi > /scratch/f && cat /scratch/f'
    assert "${lines[0]}" =~ "^tmpfs /scratch tmpfs rw,nosuid,nodev,noexec,.*size=2048k"
    assert "${lines[1]}" == "1770"
    assert "${lines[2]}" =~ "^tmpfs /plain tmpfs rw,nosuid,nodev,noexec"
    assert "${lines[3]}" == "hi"
    # noexec: a program copied there does not run.
    run_kayak 126 run --rm --tmpfs /x $BUSYBOX_REF sh -c 'cp /bin/busybox /x/bb && /x/bb true; exit $?'
    # exec (suid, dev) clears a default, as Docker merges them.
    run_kayak run --rm --tmpfs /x:exec,size=8m $BUSYBOX_REF sh -c 'grep " /x " /proc/mounts; cp /bin/busybox /x/busybox && /x/busybox echo ran'
    assert "${lines[0]}" =~ "^tmpfs /x tmpfs rw,nosuid,nodev,relatime,size=8192k"
    assert "${lines[1]}" == "ran"
}

@test "run --read-only: writes to / fail with EROFS; /tmp, /var/tmp, /run get tmpfs unless --read-only-tmpfs=false" {
    run_kayak_split 1 run --rm --read-only $BUSYBOX_REF sh -c '
        for d in /tmp /var/tmp /run /dev/shm; do echo x > $d/f && echo "$d ok"; done
        touch /etc/f'
    assert "/tmp ok${NL}/var/tmp ok${NL}/run ok${NL}/dev/shm ok"
    assert "$stderr" =~ "Read-only file system"
    run_kayak run --rm --read-only $BUSYBOX_REF sh -c 'grep " / " /proc/self/mounts | cut -d" " -f4 | cut -d, -f1'
    assert "ro"
    # /etc/hosts and friends are read-only too, as Docker.
    run_kayak 1 run --rm --read-only $BUSYBOX_REF sh -c 'echo x >> /etc/hosts'
    run_kayak_split 1 run --rm --read-only --read-only-tmpfs=false $BUSYBOX_REF sh -c 'echo x > /tmp/f'
    assert "$stderr" =~ "Read-only file system"
    # A volume stays writable.
    run_kayak run --rm --read-only -v rw:/data $BUSYBOX_REF sh -c 'echo x > /data/f && echo ok'
    assert "ok"
    # A missing working directory is still made (Docker makes it at create).
    run_kayak run --rm --read-only -w /new/wd $BUSYBOX_REF pwd
    assert "/new/wd"
    # Without --read-only the rootfs is writable and the write stays in the container.
    run_kayak run --name rw1 $BUSYBOX_REF sh -c 'echo x > /etc/f && echo ok'
    assert "ok"
    run_kayak run --rm $BUSYBOX_REF sh -c 'test -e /etc/f && echo leaked || echo clean'
    assert "clean"
}

# ------------------------------------------------------------- security options

@test "run: Docker's default capabilities; --cap-add, --cap-drop (ALL too) in CapEff and CapBnd" {
    run_kayak run --rm $BUSYBOX_REF cat /proc/self/status
    assert "$(status_field CapEff)" == "$DEFAULT_CAPS"
    assert "$(status_field CapBnd)" == "$DEFAULT_CAPS"
    assert "$(status_field CapPrm)" == "$DEFAULT_CAPS"

    # +NET_ADMIN (12) +SYS_PTRACE (19), -CHOWN (0) -NET_RAW (13)
    run_kayak run --rm --cap-add NET_ADMIN --cap-add CAP_SYS_PTRACE --cap-drop chown --cap-drop NET_RAW \
        $BUSYBOX_REF cat /proc/self/status
    assert "$(status_field CapEff)" == "$(printf '%016x' $(( (0x$DEFAULT_CAPS | 1 << 12 | 1 << 19) & ~(1 << 0) & ~(1 << 13) )))"
    assert "$(status_field CapBnd)" == "$(status_field CapEff)"

    run_kayak run --rm --cap-drop ALL $BUSYBOX_REF cat /proc/self/status
    assert "$(status_field CapEff)" == "0000000000000000"
    assert "$(status_field CapBnd)" == "0000000000000000"
    run_kayak run --rm --cap-drop ALL --cap-add KILL $BUSYBOX_REF cat /proc/self/status
    assert "$(status_field CapEff)" == "0000000000000020"
    run_kayak run --rm --cap-add ALL $BUSYBOX_REF cat /proc/self/status
    assert "$(status_field CapEff)" == "$(all_caps)"

    # The effect: without CAP_DAC_OVERRIDE, root cannot read a mode 000 file.
    run_kayak run --rm $BUSYBOX_REF sh -c 'echo secret > /tmp/f && chmod 000 /tmp/f && cat /tmp/f'
    assert "secret"
    run_kayak_split 1 run --rm --cap-drop DAC_OVERRIDE $BUSYBOX_REF sh -c 'echo secret > /tmp/f && chmod 000 /tmp/f && cat /tmp/f'
    assert "$stderr" =~ "Permission denied"

    run_kayak_split 125 run --rm --cap-add NO_SUCH_CAP $BUSYBOX_REF true
    assert "$stderr" =~ "NO_SUCH_CAP"
}

@test "run -u non-root: the default capabilities only in the bounding set" {
    skip_if_no_subuid "other users than root in the container need a subuid range"
    run_kayak run --rm -u 1000:1000 $BUSYBOX_REF cat /proc/self/status
    assert "$(status_field CapEff)" == "0000000000000000"
    assert "$(status_field CapPrm)" == "0000000000000000"
    assert "$(status_field CapBnd)" == "$DEFAULT_CAPS"
}

@test "run --privileged: every capability, no seccomp filter, /dev of the host" {
    run_kayak run --rm --privileged $BUSYBOX_REF sh -c 'cat /proc/self/status; ls /dev | wc -l'
    assert "$(status_field CapEff)" == "$(all_caps)"
    assert "$(status_field CapBnd)" == "$(all_caps)"
    assert "$(status_field Seccomp)" == "0"
    local ndev=${lines[-1]}
    assert "$ndev" -gt 20 "the host's /dev"
    run_kayak run --rm $BUSYBOX_REF sh -c 'ls /dev | wc -l'
    assert "$output" -lt 20 "a minimal /dev without --privileged"
}

@test "run --security-opt no-new-privileges: NoNewPrivs 1 (0 without it)" {
    run_kayak run --rm $BUSYBOX_REF grep NoNewPrivs /proc/self/status
    assert "NoNewPrivs:	0"
    run_kayak run --rm --security-opt no-new-privileges $BUSYBOX_REF grep NoNewPrivs /proc/self/status
    assert "NoNewPrivs:	1"
    run_kayak run --rm --security-opt no-new-privileges=true $BUSYBOX_REF grep NoNewPrivs /proc/self/status
    assert "NoNewPrivs:	1"
    run_kayak run --rm --security-opt no-new-privileges:true $BUSYBOX_REF grep NoNewPrivs /proc/self/status
    assert "NoNewPrivs:	1"
}

@test "run --security-opt seccomp=unconfined: no filter; default: filter mode 2" {
    run_kayak run --rm $BUSYBOX_REF grep ^Seccomp: /proc/self/status
    assert "Seccomp:	2"
    run_kayak run --rm --security-opt seccomp=unconfined $BUSYBOX_REF grep ^Seccomp: /proc/self/status
    assert "Seccomp:	0"
}

@test "run --security-opt seccomp=PROFILE.json: Docker's profile format, errnoRet honoured" {
    cat > deny-mkdir.json <<'EOF'
{
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64"],
    "syscalls": [
        {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
        {"names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}
    ]
}
EOF
    run_kayak_split 1 run --rm --security-opt "seccomp=$TEST_DIR/deny-mkdir.json" $BUSYBOX_REF sh -c '
        grep ^Seccomp: /proc/self/status; touch /tmp/file && echo touched; mkdir /tmp/d'
    assert "Seccomp:	2${NL}touched"
    assert "$stderr" =~ "Operation not permitted"
    run_kayak_split 1 run --rm --security-opt "seccomp=$TEST_DIR/deny-mkdir.json" $BUSYBOX_REF rmdir /tmp
    assert "$stderr" =~ "Function not implemented"
    # The default profile lets both through.
    run_kayak run --rm $BUSYBOX_REF sh -c 'mkdir /tmp/d && rmdir /tmp/d && echo ok'
    assert "ok"

    # A profile that denies by default (here with EPERM) and allows a list.
    echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []}' > deny-all.json
    run_kayak_split '?' run --rm --security-opt "seccomp=$TEST_DIR/deny-all.json" $BUSYBOX_REF true
    assert "$status" -ne 0 "nothing can run under a deny-all profile"

    # Bad profiles fail at create, naming the file.
    echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [' > bad.json
    run_kayak_split 125 create --name badprofile --security-opt "seccomp=$TEST_DIR/bad.json" $BUSYBOX_REF true
    assert "$stderr" =~ "^Error: malformed seccomp profile \\($TEST_DIR/bad.json\\): "
    echo '{"defaultAction": "SCMP_ACT_FOO"}' > bad.json
    run_kayak_split 125 run --rm --security-opt "seccomp=$TEST_DIR/bad.json" $BUSYBOX_REF true
    assert "$stderr" =~ "bad.json\\): unknown action \"SCMP_ACT_FOO\""
    run_kayak ps -aq
    assert "" "nothing was created"
    run_kayak_split 125 run --rm --security-opt "seccomp=$TEST_DIR/missing.json" $BUSYBOX_REF true
    assert "$stderr" =~ "missing.json"
    run_kayak_split 125 run --rm --security-opt no-such-option $BUSYBOX_REF true
    assert "$stderr" =~ "no-such-option"
}

# ------------------------------------------------------------- networks

# interfaces: the interface names of /proc/net/dev in $output, sorted.
interfaces() {
    sed -n 's/^ *\([^: ]*\): *[0-9].*/\1/p' <<<"$output" | sort | tr '\n' ' '
}

@test "run --network none: only lo, and lo is up" {
    run_kayak run --rm --network none $BUSYBOX_REF sh -c 'cat /proc/net/dev; ip -o link show'
    assert "$(interfaces)" == "lo "
    assert "$output" =~ "1: lo: <LOOPBACK,UP,LOWER_UP>"
    # httpd without -f returns once it listens.
    run_kayak run --rm --network none $BUSYBOX_REF sh -c \
        'mkdir /tmp/www && echo ping > /tmp/www/index.html && httpd -p 127.0.0.1:8080 -h /tmp/www && wget -qO- http://127.0.0.1:8080/'
    assert "ping" "127.0.0.1 works"
}

@test "run --network host: the host's interfaces are visible" {
    local host_ifaces
    host_ifaces=$(sed -n 's/^ *\([^: ]*\): *[0-9].*/\1/p' /proc/net/dev | sort | tr '\n' ' ')
    run_kayak run --rm --network host $BUSYBOX_REF cat /proc/net/dev
    assert "$(interfaces)" == "$host_ifaces"
    run_kayak run --rm --net=host $BUSYBOX_REF cat /proc/net/dev
    assert "$(interfaces)" == "$host_ifaces" "--net is an alias"
    # The host's hostname too, as Docker does with --network host.
    run_kayak run --rm --network host $BUSYBOX_REF hostname
    assert "$(hostname)"
}
