#!/usr/bin/env bats
# Network modes: pasta and slirp4netns connect a private network namespace
# (reaching a server the test runs on the host's 127.0.0.1 through the
# helper's host address), none has loopback only, container: joins, and
# without a helper one warning says what to install. Only 127.0.0.0/8 and
# namespaces the tests make are contacted.

load helpers

setup() {
    basic_setup
    make_busybox_image
    SERVER_PID=
}

teardown() {
    [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null
    kayak rm -af >/dev/null 2>&1 || true
    basic_teardown
}

# The helpers open /dev/net/tun inside the container's namespaces.
need_tun() {
    [[ -r /dev/net/tun && -w /dev/net/tun ]] || skip "needs /dev/net/tun readable and writable by $(id -un)"
}

need_helper() {
    command -v "$1" >/dev/null || skip "$1 is not installed"
    need_tun
}

# A one-shot HTTP server on the host's 127.0.0.1; sets SERVER_PORT.
start_server() {
    mkdir -p "$TEST_DIR/www"
    echo "hello from the host" > "$TEST_DIR/www/index.html"
    SERVER_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    python3 -m http.server -b 127.0.0.1 -d "$TEST_DIR/www" "$SERVER_PORT" </dev/null >/dev/null 2>&1 3>&- &
    SERVER_PID=$!
    local i
    for ((i = 0; i < 100; i++)); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $SERVER_PORT), 1)" 2>/dev/null && return 0
        sleep 0.1
    done
    die "the test server did not start"
}

@test "pasta: the container reaches the host's 127.0.0.1 through host.containers.internal; hosts and resolv.conf" {
    need_helper pasta
    start_server
    run_kayak run -d --name pw --hostname box "$BUSYBOX_REF" sleep 1000
    run_kayak exec pw sh -c 'wget -q -O - "http://$(awk "/host.containers.internal/ {print \$1}" /etc/hosts):'$SERVER_PORT'/"'
    assert "hello from the host"
    run_kayak exec pw cat /etc/hosts
    assert "$output" =~ "127.0.0.1	localhost"
    assert "$output" =~ "127.0.1.1	box pw"
    assert "$output" =~ "host.containers.internal host.docker.internal"
    run_kayak exec pw cat /etc/resolv.conf
    assert "$output" =~ "nameserver 169.254.1.1"
    run_kayak exec pw ip -o link
    assert "$output" =~ "eth0|tap0"
    run_kayak inspect -f '{{.HostConfig.NetworkMode}}' pw
    assert "pasta"
    local monitor pids
    monitor=$(kayak_monitor_pid pw)
    pids=$(pgrep -P "$monitor" -f -- --config-net || true)
    [[ -n $pids ]] || die "no pasta under the monitor $monitor"
    run_kayak rm -f pw
    local pid
    for pid in $pids; do
        [[ ! -e /proc/$pid ]] || [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] ||
            die "pasta $pid still runs after rm -f"
    done
}

@test "pasta: the first instruction has its address and route; a pasta that fails stops the start" {
    need_helper pasta
    # The init execs only once pasta has configured the interface.
    run_kayak run --rm "$BUSYBOX_REF" sh -c 'ip -o -4 addr show scope global; ip route show default'
    assert "$output" =~ "inet [0-9.]+/[0-9]+"
    assert "$output" =~ "default via "
    run_kayak_split 125 run --name pfail --network pasta:-a,bogus "$BUSYBOX_REF" touch /tmp/ran
    assert "$stderr" =~ "pasta failed"
    run_kayak ps -a --format '{{.Names}} {{.Status}}'
    assert "$output" =~ "pfail "
    assert_not_contains "$output" "Up"
}

@test "slirp4netns: allow_host_loopback reaches the host's 127.0.0.1 at 10.0.2.2; DNS at 10.0.2.3; gone after stop" {
    need_helper slirp4netns
    start_server
    run_kayak run -d --name sw --network slirp4netns:allow_host_loopback=true "$BUSYBOX_REF" sleep 1000
    run_kayak exec sw wget -q -O - "http://10.0.2.2:$SERVER_PORT/"
    assert "hello from the host"
    run_kayak exec sw grep host.containers.internal /etc/hosts
    assert "10.0.2.2	host.containers.internal host.docker.internal"
    run_kayak exec sw cat /etc/resolv.conf
    assert "$output" =~ "nameserver 10.0.2.3"
    run_kayak inspect -f '{{.HostConfig.NetworkMode}}' sw
    assert "slirp4netns"
    local monitor pids
    monitor=$(kayak_monitor_pid sw)
    pids=$(pgrep -P "$monitor" -x slirp4netns || true)
    [[ -n $pids ]] || die "no slirp4netns under the monitor $monitor"
    run_kayak stop -t 0 sw
    local pid
    for pid in $pids; do
        [[ ! -e /proc/$pid ]] || [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] ||
            die "slirp4netns $pid still runs after stop"
    done
    # By default (as podman) the host's loopback is out of reach.
    run_kayak run --rm --network slirp4netns "$BUSYBOX_REF" \
        sh -c "timeout 5 wget -q -O - http://10.0.2.2:$SERVER_PORT/ || echo unreachable"
    assert "$output" =~ "unreachable"
}

@test "--network: bad helper options are refused; --dns overrides the forwarder" {
    run_kayak_split 125 create --network slirp4netns:bogus=1 "$BUSYBOX_REF"
    assert "$stderr" =~ 'slirp4netns: invalid option "bogus=1"'
    run_kayak_split 125 create --network pasta:--netns,/x "$BUSYBOX_REF"
    [[ $stderr =~ "pasta: option --netns is set by kayak" || $stderr =~ "pasta" ]] || die "unexpected: $stderr"
    need_helper slirp4netns
    run_kayak run --rm --network slirp4netns --dns 192.0.2.53 --add-host db:10.9.9.9 \
        --dns-search corp.test --dns-search lab.test --dns-option ndots:2 --dns-option timeout:3 "$BUSYBOX_REF" \
        cat /etc/resolv.conf /etc/hosts
    assert "$output" =~ "nameserver 192.0.2.53"
    assert_not_contains "$output" "10.0.2.3"
    assert "$output" =~ "search corp.test lab.test"
    assert "$output" =~ "options ndots:2 timeout:3"
    assert "$output" =~ "10.9.9.9	db"
}

@test "--network none: loopback only, no helper" {
    run_kayak run --rm --network none "$BUSYBOX_REF" ip -o link
    assert_line_count 1
    assert "$output" =~ "lo"
    run_kayak run --rm --network none "$BUSYBOX_REF" cat /etc/hosts
    assert_not_contains "$output" "host.containers.internal"
}

@test "no helper installed: one warning naming the package, loopback only" {
    local bin=$TEST_DIR/bin
    mkdir -p "$bin"
    local tool
    for tool in newuidmap newgidmap; do
        command -v "$tool" >/dev/null && ln -s "$(command -v $tool)" "$bin/$tool"
    done
    run -0 --separate-stderr env PATH="$bin" "$KAYAK_BINARY" run --rm "$BUSYBOX_REF" ip -o link
    assert "$stderr" =~ "install the package passt, or slirp4netns"
    [[ $(grep -c "install the package" <<<"$stderr") == 1 ]] || die "expected one warning: $stderr"
    assert_line_count 1
    run -0 env PATH="$bin" "$KAYAK_BINARY" info --format '{{.NetworkHelper}}'
    assert "none"
    run -125 --separate-stderr env PATH="$bin" "$KAYAK_BINARY" create --network pasta "$BUSYBOX_REF"
    assert "$stderr" =~ "pasta not found in PATH \(install the package passt\)"
}

@test "info shows the default helper" {
    run_kayak info
    assert "$output" =~ "Network Helper: "
    if command -v pasta >/dev/null && [[ -r /dev/net/tun && -w /dev/net/tun ]]; then
        run_kayak info --format '{{.NetworkHelper}}'
        assert "pasta"
    fi
}

@test "--network container:web1 reaches web1 on 127.0.0.1" {
    # Rootless, the joiner runs in web1's user namespace (it owns the
    # network namespace): same IDs, so files and processes agree.
    mkdir -p "$TEST_DIR/site"
    echo "served by web1" > "$TEST_DIR/site/index.html"
    run_kayak run -d --name web1 --network none -v "$TEST_DIR/site:/site:ro" "$BUSYBOX_REF" \
        httpd -f -p 127.0.0.1:8080 -h /site
    local i
    for ((i = 0; i < 50; i++)); do
        run kayak run --rm --network container:web1 "$BUSYBOX_REF" wget -q -O - http://127.0.0.1:8080/
        [[ $output == "served by web1" ]] && break
        sleep 0.2
    done
    assert "$output" == "served by web1"
    # ns:PATH joins the same namespace.
    run_kayak inspect -f '{{.State.Pid}}' web1
    local pid=$output
    run_kayak run --rm --network "ns:/proc/$pid/ns/net" "$BUSYBOX_REF" wget -q -O - http://127.0.0.1:8080/
    assert "served by web1"
    # A joiner that lives on: exec into it, its own pid namespace, and it
    # outlives web1 (the namespace stays while anyone is in it).
    run_kayak_split 0 run -d --name joiner --network container:web1 -p 8099:80 "$BUSYBOX_REF" sleep 1000
    assert "$stderr" =~ "published ports are discarded when using container network mode"
    run_kayak port joiner
    assert ""
    run_kayak exec joiner wget -q -O - http://127.0.0.1:8080/
    assert "served by web1"
    run_kayak exec joiner ps -o pid,comm
    assert "$output" !~ "httpd"
    run_kayak exec joiner id -u
    assert "0"
    run_kayak rm -f web1
    run_kayak exec joiner cat /proc/net/dev
    assert "$output" =~ "lo:"
    run_kayak rm -f joiner
}

@test "--network ns: of the host's own namespace is refused rootless with a reason" {
    skip_if_root "root may join any network namespace"
    run_kayak_split 125 run --rm --network ns:/proc/self/ns/net "$BUSYBOX_REF" true
    assert "$stderr" =~ "belongs to the host's user namespace"
    run_kayak ps -a -q
    assert ""
}
