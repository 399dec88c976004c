#!/usr/bin/env bats
# What a container cannot do by default: see host processes, write
# /proc/sys, use CAP_SYS_ADMIN, make syscalls the default seccomp profile
# denies, reach masked or read-only kernel files, or escape a bind mount
# through symlinks (in the bound dir or in the image).

load helpers
load container_helpers

setup() {
    basic_setup
    make_busybox_image
}

teardown() {
    stop_processes
    basic_teardown
}

@test "security: a container sees only its own processes" {
    # A host process with a number no container process has on its command line.
    local marker=$((900000 + RANDOM))
    local host_pid
    start_process host_pid sleep "$marker"
    [[ -d /proc/$host_pid ]] || die "host process did not start"
    # The pattern is written so that grep's own command line does not match it.
    local pattern="${marker:0:-1}[${marker: -1}]"
    run_kayak run --rm $BUSYBOX_REF sh -c "
        ls /proc | grep -c '^[0-9]*\$'
        ps -o pid,args | tail -n +2 | wc -l
        grep -l '$pattern' /proc/[0-9]*/cmdline 2>/dev/null | wc -l
        echo \$\$"
    assert "${lines[0]}" -le 3 "pids in /proc: the shell and its pipeline"
    assert "${lines[1]}" -le 4 "ps lists the shell, ps and the pipeline"
    assert "${lines[2]}" == "0" "the host's sleep $marker is not visible"
    assert "${lines[3]}" == "1" "the command is pid 1"
    run_kayak run --rm $BUSYBOX_REF sh -c "test -e /proc/$host_pid/cmdline && cat /proc/$host_pid/cmdline || echo none"
    assert "$output" != "sleep${marker}" "the host pid reaches no host process"
}

@test "security: /proc/sys and Docker's other read-only paths cannot be written; /sys is read-only" {
    local swappiness
    swappiness=$(cat /proc/sys/vm/swappiness)
    # The value the host already has: even a failing check changes nothing.
    run_kayak_split 1 run --rm $BUSYBOX_REF sh -c "echo $swappiness > /proc/sys/vm/swappiness"
    assert "$stderr" =~ "(Read-only file system|Permission denied)"
    run_kayak_split 1 run --rm $BUSYBOX_REF sh -c "echo 1 > /proc/sys/kernel/hostname"
    assert "$stderr" =~ "Read-only file system" "even the container's own hostname file is read-only under /proc/sys"
    # Each of Docker's read-only paths that this kernel has is a read-only mount.
    local path checked=0
    for path in /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do
        [[ -e $path ]] || continue
        checked=$((checked + 1))
        run_kayak run --rm $BUSYBOX_REF sh -c "grep ' $path ' /proc/self/mountinfo | cut -d' ' -f5,6"
        assert "$output" =~ "^$path ro," "$path is a read-only mount"
    done
    assert "$checked" -ge 2 "read-only paths checked"
    if [[ -e /proc/sysrq-trigger ]]; then
        # "h" only prints the help to the kernel log, should the write get through.
        run_kayak_split 1 run --rm $BUSYBOX_REF sh -c 'echo h > /proc/sysrq-trigger'
        assert "$stderr" =~ "(Read-only file system|Permission denied)"
    fi
    run_kayak run --rm $BUSYBOX_REF sh -c 'grep " /sys " /proc/self/mountinfo | cut -d" " -f6 | cut -d, -f1 | sort -u'
    assert "ro"
    # sethostname needs CAP_SYS_ADMIN, which the container lacks (Docker's
    # default too): the hostname is only set from outside, by --hostname.
    run_kayak_split 1 run --rm $BUSYBOX_REF hostname renamed
    assert "$stderr" =~ "Operation not permitted"
    assert "$(hostname)" != "renamed"
}

@test "security: no CAP_SYS_ADMIN in the bounding set by default (bit 21), so no mounts" {
    run_kayak run --rm $BUSYBOX_REF grep ^CapBnd: /proc/self/status
    local bnd=${output#CapBnd:$'\t'}
    assert "$(( 0x$bnd >> 21 & 1 ))" == "0" "CAP_SYS_ADMIN in CapBnd $bnd"
    run_kayak_split 1 run --rm $BUSYBOX_REF sh -c 'mkdir /tmp/m && mount -t tmpfs none /tmp/m'
    assert "$stderr" =~ "([Oo]peration not permitted|[Pp]ermission denied)"
    # With --cap-add the bit is there, and the mount works.
    run_kayak run --rm --cap-add SYS_ADMIN $BUSYBOX_REF sh -c 'grep ^CapBnd: /proc/self/status; mkdir /tmp/m && mount -t tmpfs none /tmp/m && echo mounted'
    bnd=${lines[0]#CapBnd:$'\t'}
    assert "$(( 0x$bnd >> 21 & 1 ))" == "1"
    assert "${lines[1]}" == "mounted"
}

@test "security: the default seccomp profile denies a new user namespace with EPERM" {
    run_kayak_split 1 run --rm $BUSYBOX_REF unshare -U true
    assert "$stderr" =~ "Operation not permitted"
    run_kayak_split 1 run --rm $BUSYBOX_REF unshare -U -r true
    assert "$stderr" =~ "Operation not permitted"
    # Other namespaces need CAP_SYS_ADMIN, which root in the container lacks.
    run_kayak_split 1 run --rm $BUSYBOX_REF unshare -m true
    assert "$stderr" =~ "Operation not permitted"
    # It is the filter: without it the kernel allows it (where the host
    # allows unprivileged user namespaces at all).
    if unshare -U true 2>/dev/null; then
        run_kayak run --rm --security-opt seccomp=unconfined $BUSYBOX_REF unshare -U true
    fi
}

@test "security: Docker's masked paths are empty or unreadable" {
    # Each masked path this kernel has: empty inside, with a mount over it.
    local path checked=0
    for path in /proc/kcore /proc/keys /proc/timer_list /proc/latency_stats /proc/sched_debug /proc/acpi \
                /proc/asound /proc/scsi /sys/firmware; do
        [[ -e $path ]] || continue
        checked=$((checked + 1))
        run_kayak run --rm $BUSYBOX_REF sh -c "
            if [ -d $path ]; then ls -A $path | wc -l; else cat $path 2>/dev/null | wc -c; fi
            grep -c ' $path ' /proc/self/mountinfo"
        assert "${lines[0]}" == "0" "$path is empty"
        assert "${lines[1]}" == "1" "a mount over $path"
    done
    assert "$checked" -ge 3 "masked paths checked"
    # What the mask hides: /proc/keys lists the caller's keys (at least the
    # session keyring the kernel makes on first use).
    if [[ -s /proc/keys ]]; then
        run_kayak run --rm --privileged $BUSYBOX_REF sh -c 'grep -c " /proc/keys " /proc/self/mountinfo; true'
        assert "0" "--privileged leaves them unmasked"
    fi
}

# ------------------------------------------------------------- symlinks and binds

@test "security: symlinks inside a bound host dir resolve in the container, not on the host" {
    mkdir -p shared
    ln -s /etc shared/etc-link
    ln -s ../../../../../../../.. shared/up-link
    ln -s "$SENTINEL_DIR" shared/abs-link
    ln -s "$SENTINEL_DIR/sentinel" shared/file-link
    run_kayak run --rm --hostname inside -v "$TEST_DIR/shared:/data" $BUSYBOX_REF sh -c '
        cat /data/etc-link/hostname
        ls /data/up-link/ | tr "\n" " "; echo
        cat /data/abs-link/sentinel 2>&1 || echo no-sentinel
        echo overwritten > /data/file-link 2>/dev/null || echo no-write
        echo created > /data/abs-link/new 2>/dev/null || echo no-create'
    assert "${lines[0]}" == "inside" "/etc is the container's /etc"
    assert "${lines[1]}" =~ "^bin data dev etc .*proc .*sys tmp usr var $" "../.. stops at the container's root"
    assert "${lines[1]}" !~ "kayak-test" "not the host's /tmp"
    assert "${lines[2]}" =~ "No such file or directory|no-sentinel" "the host path does not exist inside"
    assert "$output" !~ "untouched"
    assert_sentinel_intact
}

@test "security: -v onto an image symlink that points outside mounts inside the rootfs" {
    local victim=$TEST_DIR/victim
    # The image's /mnt/evil points (through ..) at a host path; a file
    # symlink points at the host's sentinel.
    run_kayak run --name prep $BUSYBOX_REF sh -c "
        mkdir -p /mnt && ln -s /../../../..$victim /mnt/evil
        ln -s /../../..$SENTINEL_DIR/sentinel /etc/evil-file"
    run_kayak commit prep kayak/evil
    mkdir -p src
    echo bound > src/content
    echo replaced > other-file
    run_kayak run --rm -v "$TEST_DIR/src:/mnt/evil" -v "$TEST_DIR/other-file:/etc/evil-file" kayak/evil sh -c "
        cat /mnt/evil/content; cat $victim/content; cat /etc/evil-file; echo write > /mnt/evil/from-ctr"
    assert "bound${NL}bound${NL}replaced" "the binds are where the symlinks lead inside the rootfs"
    [[ ! -e $victim ]] || die "the runtime made $victim on the host"
    assert "$(cat src/from-ctr)" == "write" "the bind is the host's src"
    assert_sentinel_intact
    # The image's symlinks are still symlinks, into the rootfs.
    run_kayak run --rm kayak/evil sh -c "readlink /mnt/evil; test -e /mnt/evil && echo exists || echo dangling"
    assert "/../../../..$victim${NL}dangling"
    # A bind's destination through a symlink to / of the container cannot hide it.
    run_kayak run --rm -v "$TEST_DIR/src:/mnt/evil/../../../../etc/x" kayak/evil cat /etc/x/content
    assert "bound"
    assert_sentinel_intact
}

@test "security: a bound host dir's symlink to a host path is not followed when mounting" {
    # -v SRC where SRC is a symlink: Docker resolves it on the host (the
    # caller owns both). The destination side is the container's.
    mkdir -p real
    echo real > real/f
    ln -s "$TEST_DIR/real" link
    run_kayak run --rm -v "$TEST_DIR/link:/data" $BUSYBOX_REF cat /data/f
    assert "real"
}
