#!/usr/bin/env bats
# exec: a command in a running container, with the container's namespaces,
# environment and security setup; -i, -t, -d, -e, --env-file, -u, -w,
# --privileged; exit codes; refusals for stopped and paused containers.

load helpers
load container_helpers

setup() {
    basic_setup
    make_busybox_image
}

# start_sleeper NAME [RUN FLAGS...]: run -d NAME sleeping, and wait until it runs.
start_sleeper() {
    local name=$1; shift
    run_kayak run -d --name "$name" "$@" "$BUSYBOX_REF" sleep 1000
}

@test "exec: the command runs in the container's pid, mount and uts namespaces; its exit code comes back" {
    start_sleeper ex1 --hostname exhost
    run_kayak exec ex1 sh -c 'echo $$; hostname; cat /proc/1/cmdline | tr "\0" " "; echo; ls /proc | grep -c "^[0-9]"'
    # A new process of the container's pid namespace (not pid 1), which sees
    # only the container's processes: init, the shell, and its pipeline.
    assert "${lines[0]}" != "1"
    assert "${lines[1]}" == "exhost"
    assert "${lines[2]}" == "sleep 1000 "
    [[ ${lines[3]} -le 5 ]] || die "exec sees ${lines[3]} processes: host processes are visible"
    # The container's filesystem: a file written by exec is there for the next one.
    run_kayak exec ex1 sh -c 'echo kept > /tmp/mark'
    run_kayak exec ex1 cat /tmp/mark
    assert "kept"
    run_kayak 7 exec ex1 sh -c 'exit 7'
    run_kayak 137 exec ex1 sh -c 'kill -9 $$'
}

@test "exec: a command that is not there is 127, one that cannot run 126, and the container keeps running" {
    start_sleeper ex2
    run_kayak_split 127 exec ex2 /no/such/program
    assert "$stderr" =~ "^Error: .*no/such/program"
    run_kayak_split 127 exec ex2 nosuchcommand
    assert "$stderr" =~ "executable file not found in \\\$PATH"
    run_kayak_split 126 exec ex2 /etc/hostname
    assert "$stderr" =~ "^Error: "
    run_kayak inspect -f '{{.State.Status}}' ex2
    assert "running"
}

@test "exec: the container's env, -e over it, --env-file, -e NAME from the caller" {
    start_sleeper ex3 -e FROM_RUN=run -e SHARED=run
    printf 'FROM_FILE=file\n# a comment\nSHARED=file\n' > env.list
    FROM_CALLER=caller run_kayak exec --env-file env.list -e SHARED=exec -e FROM_CALLER -e NOT_SET_ANYWHERE ex3 env
    assert "$output" =~ "FROM_RUN=run"
    assert "$output" =~ "FROM_FILE=file"
    assert "$output" =~ "SHARED=exec"
    assert "$output" =~ "FROM_CALLER=caller"
    assert "$output" =~ "HOSTNAME="
    assert "$output" =~ "PATH=/usr/local/sbin"
    assert "$output" !~ "NOT_SET_ANYWHERE"
    assert "$output" !~ "TERM="
}

@test "exec -w: another directory; the container's by default; relative refused" {
    start_sleeper ex4 -w /tmp
    run_kayak exec ex4 pwd
    assert "/tmp"
    run_kayak exec -u 0 -w /etc ex4 sh -c 'id -u; pwd'
    assert "${lines[*]}" == "0 /etc"
    run_kayak_split 125 exec -w relative ex4 true
    assert "$stderr" =~ "absolute path"
    run_kayak_split 125 exec -u nosuchuser ex4 true
    assert "$stderr" =~ "nosuchuser"
}

@test "exec -u: another user; the container's by default" {
    skip_if_no_subuid "other users than root in the container need a subuid range"
    start_sleeper ex4u -u 1000:1000
    run_kayak exec ex4u sh -c 'id -u; id -g'
    assert "${lines[*]}" == "1000 1000"
    run_kayak exec -u 0 ex4u id -u
    assert "0"
    run_kayak exec -u 1234:5678 ex4u sh -c 'id -u; id -g'
    assert "${lines[*]}" == "1234 5678"
}

@test "exec: the container's security setup (capabilities, seccomp, no_new_privs); --privileged widens it" {
    start_sleeper ex5 --cap-drop NET_RAW --security-opt no-new-privileges
    local init_caps exec_caps
    init_caps=$(kayak exec ex5 sh -c 'grep CapBnd /proc/1/status')
    exec_caps=$(kayak exec ex5 sh -c 'grep CapBnd /proc/self/status')
    assert "$exec_caps" == "$init_caps"
    run_kayak exec ex5 sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status'
    assert "$output" =~ "NoNewPrivs:	1"
    assert "$output" =~ "Seccomp:	2"
    run_kayak exec --privileged ex5 sh -c 'grep -E "^(CapBnd|Seccomp):" /proc/self/status'
    assert "$output" =~ "Seccomp:	0"
    assert "$output" !~ "$init_caps"
}

@test "exec -i feeds stdin; without -i stdin is empty" {
    start_sleeper ex6
    run_kayak exec -i ex6 cat <<<"through stdin"
    assert "through stdin"
    run_kayak exec ex6 cat <<<"not passed"
    assert "$output" == ""
}

@test "exec -it: a shell on a pty with TERM set; the exit code comes back" {
    start_sleeper ex7
    on_a_terminal "$KAYAK_BINARY" exec -it ex7 sh -c 'tty; echo TERM=$TERM; exit 3'
    assert "$status" -eq 3
    assert "$output" =~ "/dev/pts/0"
    assert "$output" =~ "TERM=xterm"
    on_a_terminal "$KAYAK_BINARY" exec -t ex7 sh -c '[ -t 0 ] && [ -t 1 ] && echo both-ttys'
    assert "$output" =~ "both-ttys"
}

@test "exec -d: returns at once; the process runs on in the container" {
    start_sleeper ex8
    run_kayak exec -d ex8 sh -c 'sleep 0.3; echo done > /tmp/detached'
    assert "$output" == ""
    [[ $(kayak exec ex8 cat /tmp/detached 2>/dev/null) != done ]] || die "exec -d waited for its process"
    local i
    for i in $(seq 50); do
        [[ $(kayak exec ex8 cat /tmp/detached 2>/dev/null) == done ]] && break
        sleep 0.1
    done
    assert "$(kayak exec ex8 cat /tmp/detached)" == "done"
    run_kayak_split 127 exec -d ex8 nosuchcommand
    assert "$stderr" =~ "nosuchcommand"
}

@test "exec: signals to exec reach its process" {
    start_sleeper ex9
    # The binary itself (not the kayak() wrapper): the signal must reach it.
    "$KAYAK_BINARY" exec ex9 sh -c 'trap "echo got TERM; exit 5" TERM; echo ready; while :; do sleep 0.1; done' > out 2>&1 &
    local pid=$!
    local i
    for i in $(seq 50); do grep -q ready out && break; sleep 0.1; done
    kill -TERM "$pid"
    local rc=0
    wait "$pid" || rc=$?
    assert "$rc" -eq 5
    assert "$(cat out)" =~ "got TERM"
}

@test "exec: refused for a created, a stopped and a paused container, with the reason" {
    run_kayak create --name ex10 "$BUSYBOX_REF" sleep 1000
    run_kayak_split 125 exec ex10 true
    assert "$stderr" =~ "is not running"
    run_kayak start ex10
    run_kayak pause ex10
    run_kayak_split 125 exec ex10 true
    assert "$stderr" =~ "is paused"
    run_kayak unpause ex10
    run_kayak exec ex10 true
    run_kayak stop -t 0 ex10
    run_kayak_split 125 exec ex10 true
    assert "$stderr" =~ "is not running"
    run_kayak_split 125 exec nosuchcontainer true
    assert "$stderr" =~ "No such container: nosuchcontainer"
}

@test "exec: flags after the container belong to the command" {
    start_sleeper ex11
    run_kayak exec ex11 ls -d -a /
    assert "/"
    run_kayak exec ex11 printf '%s,' -e -i -t --privileged
    assert "-e,-i,-t,--privileged,"
}

@test "exec: the loopback interface is up in the container's private network" {
    start_sleeper ex12
    run_kayak exec ex12 sh -c 'grep -E "^ *lo:" /proc/net/dev; cat /sys/class/net/lo/operstate; cat /sys/class/net/lo/flags'
    # IFF_UP is bit 0 of the flags.
    assert "$(( ${lines[2]} & 1 ))" -eq 1
}

@test "tutorial: exec -it redis redis-cli set/get on the redis image" {
    run_kayak pull "oci:$(fixture debian-apps):redis-latest"
    run_kayak run -d --name redis localhost/debian-apps:redis-latest
    local i
    for i in $(seq 100); do
        kayak logs redis 2>&1 | grep -q "Ready to accept connections" && break
        sleep 0.1
    done
    on_a_terminal "$KAYAK_BINARY" exec -it redis redis-cli set tutorial kayak
    assert "$status" -eq 0
    assert "$output" =~ "OK"
    on_a_terminal "$KAYAK_BINARY" exec -it redis redis-cli get tutorial
    assert "$output" =~ '"kayak"'
    # And without a terminal, as a script would.
    run_kayak exec redis redis-cli get tutorial
    assert "kayak"
    run_kayak rm -f redis
}
