#!/usr/bin/env bats
# Published TCP ports served by the container's own server: under pasta
# (which lets a container reach the host already) a server's bind of
# 0.0.0.0:CTR or [::]:CTR is answered with a socket bound on the host port,
# so host clients reach it with no relay. What that socket does not cover
# is still relayed by kayak-ports: the other address family, and the
# container's own clients of CTR. Where the container cannot reach the
# host (--network none, pasta:--no-map-gw) the forwarder keeps the port.
# Only 127.0.0.1 and ::1 are contacted.

load helpers

setup() {
    basic_setup
    command -v pasta >/dev/null || skip "pasta is not installed"
    [[ -r /dev/net/tun && -w /dev/net/tun ]] || skip "no access to /dev/net/tun"
    make_busybox_image
}

teardown() {
    kayak rm -f -a >/dev/null 2>&1 || true
    basic_teardown
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])'
}

# holds_listener PID PORT TABLE: PID has a socket listening on PORT among
# those of /proc/net/TABLE (tcp: IPv4, tcp6: IPv6 and dual-stack).
holds_listener() {
    local pid=$1 port=$2 table=$3 inode
    for inode in $(awk -v port=":$(printf '%04X' "$port")" \
            '$4 == "0A" && substr($2, length($2) - 4) == port { print $10 }' "/proc/net/$table"); do
        find "/proc/$pid/fd" -lname "socket:\[$inode\]" 2>/dev/null | grep -q . && return 0
    done
    return 1
}

# bindable PORT: [::]:PORT (both families) can be listened on now, with
# SO_REUSEADDR as servers do (the server's closed connections linger in
# TIME_WAIT on the port).
bindable() {
    python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", int(sys.argv[1])))
s.listen()' "$1"
}

server_pid() { kayak inspect -f '{{.State.Pid}}' "$1"; }

forwarder_pid() { pgrep -P "$(kayak_monitor_pid "$1")" -x kayak-ports; }

hostname_of() { kayak inspect -f '{{.Id}}' "$1" | cut -c1-12; }

# answered_by NAME URL: URL (/hostname of busybox httpd) answers with the
# hostname of container NAME.
answered_by() {
    fetch "$2"
    assert "$output" == "$(hostname_of "$1")"
}

@test "ports direct: a dual-stack server holds the host port itself; its own and its neighbours' clients are relayed" {
    local port
    port=$(free_port)
    run_kayak run -d --name direct -p "$port:80" "$BUSYBOX_REF" httpd -f -p 80 -h /etc
    answered_by direct "http://127.0.0.1:$port/hostname"
    answered_by direct "http://[::1]:$port/hostname"
    holds_listener "$(server_pid direct)" "$port" tcp6 || die "httpd does not hold [::]:$port"
    holds_listener "$(forwarder_pid direct)" "$port" tcp6 && die "kayak-ports still listens on $port"

    # Inside, 127.0.0.1:80 still answers (a health check, a neighbour).
    run_kayak exec direct wget -qO- http://127.0.0.1:80/hostname
    assert "$output" == "$(hostname_of direct)"
    run_kayak run --rm --network container:direct "$BUSYBOX_REF" wget -qO- http://127.0.0.1:80/hostname
    assert "$output" == "$(hostname_of direct)"
    run_kayak port direct
    assert "80/tcp -> 0.0.0.0:$port"
}

@test "ports direct: a server on 0.0.0.0 only gets IPv4; IPv6 clients are relayed to it" {
    local port
    port=$(free_port)
    run_kayak run -d --name v4only -p "$port:80" "$BUSYBOX_REF" httpd -f -p 0.0.0.0:80 -h /etc
    answered_by v4only "http://127.0.0.1:$port/hostname"
    holds_listener "$(server_pid v4only)" "$port" tcp || die "httpd does not hold 0.0.0.0:$port"
    holds_listener "$(forwarder_pid v4only)" "$port" tcp6 || die "kayak-ports does not serve [::]:$port"
    answered_by v4only "http://[::1]:$port/hostname"

    # -p 127.0.0.1:P:80: the server's socket is bound to 127.0.0.1 alone.
    local local_port
    local_port=$(free_port)
    run_kayak run -d --name loopback -p "127.0.0.1:$local_port:80" "$BUSYBOX_REF" httpd -f -p 0.0.0.0:80 -h /etc
    answered_by loopback "http://127.0.0.1:$local_port/hostname"
    holds_listener "$(server_pid loopback)" "$local_port" tcp || die "httpd does not hold 127.0.0.1:$local_port"
    grep -q "0100007F:$(printf '%04X' "$local_port") 00000000:0000 0A" /proc/net/tcp \
        || die "127.0.0.1:$local_port is not what listens"
}

@test "ports direct: the port is free at once after stop and rm -f, and the server gets it again after start" {
    local port
    port=$(free_port)
    run_kayak run -d --name again -p "$port:80" "$BUSYBOX_REF" httpd -f -p 80 -h /etc
    fetch "http://127.0.0.1:$port/hostname"
    run_kayak stop -t 1 again
    bindable "$port" || die "port $port still taken after stop"
    run_kayak start again
    fetch "http://127.0.0.1:$port/hostname"
    holds_listener "$(server_pid again)" "$port" tcp6 || die "httpd does not hold $port after start"
    run_kayak restart -t 1 again
    fetch "http://127.0.0.1:$port/hostname"
    holds_listener "$(server_pid again)" "$port" tcp6 || die "httpd does not hold $port after restart"
    run_kayak rm -f again
    bindable "$port" || die "port $port still taken after rm -f"
}

@test "ports direct: a second bind of a published port fails as it would inside; other binds are the kernel's" {
    local port
    port=$(free_port)
    # The first httpd goes to the background with the port; the second
    # cannot bind it. nc on an unpublished port binds inside as usual.
    run_kayak run -d --name twice -p "$port:80" "$BUSYBOX_REF" sh -c \
        'httpd -p 80 -h /etc; httpd -f -p 80 -h /etc; echo "second: $?" > /tmp/second; nc -ll -p 81 -e echo unpublished'
    fetch "http://127.0.0.1:$port/hostname"
    run_kayak exec twice cat /tmp/second
    assert "$output" == "second: 1"
    run_kayak logs twice
    assert "$output" =~ "Address (already )?in use"
    run_kayak exec twice sh -c 'echo | nc 127.0.0.1 81'
    assert "$output" == "unpublished"
}

@test "ports direct: with --network none, pasta:--no-map-gw and slirp4netns the forwarder keeps the port" {
    local port mode modes=(none pasta:--no-map-gw)
    command -v slirp4netns >/dev/null && modes+=(slirp4netns)
    for mode in "${modes[@]}"; do
        port=$(free_port)
        run_kayak run -d --name relayed --network "$mode" -p "$port:80" "$BUSYBOX_REF" httpd -f -p 80 -h /etc
        answered_by relayed "http://127.0.0.1:$port/hostname"
        holds_listener "$(forwarder_pid relayed)" "$port" tcp6 || die "kayak-ports does not hold $port ($mode)"
        holds_listener "$(server_pid relayed)" "$port" tcp6 && die "the server holds a host socket ($mode)"
        run_kayak rm -f relayed
    done
}

@test "ports direct: slirp4netns with allow_host_loopback=true lets the server hold the port" {
    command -v slirp4netns >/dev/null || skip "slirp4netns is not installed"
    local port
    port=$(free_port)
    run_kayak run -d --name slirp --network slirp4netns:allow_host_loopback=true -p "$port:80" \
        "$BUSYBOX_REF" httpd -f -p 80 -h /etc
    answered_by slirp "http://127.0.0.1:$port/hostname"
    holds_listener "$(server_pid slirp)" "$port" tcp6 || die "httpd does not hold [::]:$port"
}

@test "ports direct: bad binds (bad pointers, lengths, fds, other families) get the kernel's answers and leave the forwarder serving" {
    command -v cc >/dev/null || skip "no C compiler to build the bad-bind program"
    cc -static -O1 -o "$TEST_DIR/bad-bind" "$BATS_TEST_DIRNAME/ports/bad_bind.c" || die "cannot build bad_bind.c"
    local port expected
    # What the kernel answers, with no redirect (--network none).
    run_kayak run -d --name kernel --network none -v "$TEST_DIR/bad-bind:/bad-bind:ro" "$BUSYBOX_REF" /bad-bind
    port=$(free_port)
    run_kayak run -d --name redirected -p "$port:80" -v "$TEST_DIR/bad-bind:/bad-bind:ro" "$BUSYBOX_REF" /bad-bind
    run curl --noproxy '*' -sS --retry 20 --retry-delay 0 --retry-all-errors --max-time 5 \
        "telnet://127.0.0.1:$port" < /dev/null
    assert "$output" == "served"
    holds_listener "$(server_pid redirected)" "$port" tcp || die "the server does not hold 0.0.0.0:$port"
    expected=$'null-address 14\nwild-pointer 14\nshort-length 22\nhuge-length 22\nnot-a-socket 88\nbad-fd 9\nudp-port-80 0\nunix 0\nserver 0'
    run_kayak logs redirected
    assert "$output" == "$expected"
    run_kayak logs kernel
    assert "$output" == "$expected"
}
