#!/usr/bin/env bats
# Published ports through kayak's own forwarder: -p HOST:CTR, chosen ports,
# ranges, -P with EXPOSE, UDP, errors before anything is created, the port
# freed with the container, large transfers both ways and half-close. Only
# 127.0.0.1 is contacted. The forwarder serves -p under every network mode;
# most tests use `--network none` so they do not depend on pasta or
# slirp4netns being usable. pasta's own forwarding (its -t option, given by
# the user) is tested at the end.

load helpers

PORTS_DIR=$BATS_TEST_DIRNAME/ports

setup() {
    basic_setup
    make_busybox_image
    HELD_PIDS=()
}

teardown() {
    local pid
    for pid in "${HELD_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    kayak rm -f -a >/dev/null 2>&1 || true
    basic_teardown
}

client() { python3 "$PORTS_DIR/client.py" "$@"; }

# free_port: a port of 0.0.0.0 nobody uses right now, TCP and UDP.
free_port() {
    python3 -c 'import socket
while True:
    s = socket.socket(); s.bind(("0.0.0.0", 0)); port = s.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("0.0.0.0", port)); break
    except OSError:
        pass
print(port)'
}

# hold_port PORT [ADDR]: a host process listens on ADDR:PORT (default
# 0.0.0.0; an IPv6 ADDR is IPv6 only) until the test ends.
hold_port() {
    # python itself in the background (not a function's subshell), so
    # teardown's kill reaches it; without bats's fd 3, so a holder that
    # outlives the test cannot keep bats waiting.
    python3 "$PORTS_DIR/client.py" hold "$1" "${2:-0.0.0.0}" >"$TEST_DIR/hold-$1" 3>&- &
    HELD_PIDS+=($!)
    local i
    for i in $(seq 50); do
        grep -q listening "$TEST_DIR/hold-$1" 2>/dev/null && return 0
        sleep 0.1
    done
    die "could not hold port $1"
}

# make_httpd_image: myimg/httpd:ports serves "<h1>hello from kayak</h1>"
# on port 80 (busybox httpd), and EXPOSEs it.
make_httpd_image() {
    run_kayak run --name page "$BUSYBOX_REF" sh -c \
        'mkdir -p /var/www && echo "<h1>hello from kayak</h1>" > /var/www/index.html'
    run_kayak commit -c 'CMD ["httpd", "-f", "-p", "80", "-h", "/var/www/"]' -c 'EXPOSE 80' page myimg/httpd:ports
    run_kayak rm page
}

@test "ports: the tutorial's nginx on -p 8001:80 serves the host, and logs shows the request" {
    skip_if_no_subuid "nginx's workers switch to www-data (uid 33), which needs a subuid range"
    local port
    port=$(free_port)
    run_kayak pull "oci:$(fixture debian-apps):nginx-latest"
    run_kayak run --name web1 -p "$port:80" -d localhost/debian-apps:nginx-latest
    fetch "http://127.0.0.1:$port/"
    assert "$output" =~ "Welcome to nginx"
    run_kayak logs web1
    assert "$output" =~ '"GET / HTTP/1.1" 200 [0-9]+ "-" "curl/'
    run_kayak port web1
    assert "80/tcp -> 0.0.0.0:$port"
    run_kayak ps --format '{{.Ports}}'
    assert "0.0.0.0:$port->80/tcp"
}

@test "ports: a committed busybox httpd on -p HOST:80; the port is free again after stop and after rm -f" {
    make_httpd_image
    local port
    port=$(free_port)
    run_kayak run -d --name web2 --network none -p "$port:80" myimg/httpd:ports
    fetch "http://127.0.0.1:$port/"
    assert "<h1>hello from kayak</h1>"
    # Many requests at once, each on its own connection.
    local i
    for i in $(seq 20); do
        curl --noproxy '*' -fsS --max-time 10 "http://127.0.0.1:$port/" > "$TEST_DIR/par-$i" &
    done
    wait
    for i in $(seq 20); do assert "$(cat "$TEST_DIR/par-$i")" == "<h1>hello from kayak</h1>"; done

    run_kayak stop -t 1 web2
    # At once: a server could listen there now, and nothing answers.
    client bindable "$port" || die "port $port still taken after stop"
    run curl --noproxy '*' -fsS --max-time 2 "http://127.0.0.1:$port/"
    assert "$status" -ne 0
    # start again binds the same port.
    run_kayak start web2
    fetch "http://127.0.0.1:$port/"
    assert "<h1>hello from kayak</h1>"
    run_kayak rm -f web2
    client bindable "$port" || die "port $port still taken after rm -f"
    # And a new container can publish it right away.
    run_kayak run -d --name web3 -p "$port:80" myimg/httpd:ports
    fetch "http://127.0.0.1:$port/"
    assert "<h1>hello from kayak</h1>"
}

@test "ports: under pasta, -p goes through kayak's forwarder; -t in --network pasta: forwards natively" {
    command -v pasta >/dev/null || skip "pasta is not installed"
    [[ -r /dev/net/tun && -w /dev/net/tun ]] || skip "no access to /dev/net/tun"
    local port native monitor
    port=$(free_port)
    run_kayak run -d --name viakayak --network pasta -p "$port:8080" "$BUSYBOX_REF" httpd -f -p 8080 -h /etc
    fetch "http://127.0.0.1:$port/hostname"
    assert "${output:0:12}" == "$(kayak inspect -f '{{.Id}}' viakayak | cut -c1-12)"
    monitor=$(kayak_monitor_pid viakayak)
    pgrep -P "$monitor" -x kayak-ports >/dev/null || die "no kayak-ports forwarder under the monitor $monitor"
    run pgrep -P "$monitor" -f -- "-t $port:8080"
    assert "$status" -eq 1 "pasta was given the published port"
    run_kayak port viakayak
    assert "8080/tcp -> 0.0.0.0:$port"

    native=$(free_port)
    run_kayak run -d --name viapasta --network "pasta:-t,$native:8080" "$BUSYBOX_REF" httpd -f -p 8080 -h /etc
    fetch "http://127.0.0.1:$native/hostname"
    assert "${output:0:12}" == "$(kayak inspect -f '{{.Id}}' viapasta | cut -c1-12)"
    monitor=$(kayak_monitor_pid viapasta)
    pgrep -P "$monitor" -f -- "-t $native:8080" >/dev/null || die "pasta under $monitor lacks -t $native:8080"
    run pgrep -P "$monitor" -x kayak-ports
    assert "$status" -eq 1 "a forwarder runs without -p"
    run_kayak rm -f viapasta
    client bindable "$native" || die "port $native still taken after rm -f"
}

@test "ports: -P publishes EXPOSEd ports on free host ports; -p CTR and IP::CTR choose one" {
    make_httpd_image
    run_kayak run -d --name pall -P myimg/httpd:ports
    run_kayak port pall 80
    assert "$output" =~ ^0\.0\.0\.0:[0-9]+$
    local port=${output##*:}
    fetch "http://127.0.0.1:$port/"
    assert "<h1>hello from kayak</h1>"
    run_kayak inspect -f '{{json .NetworkSettings.Ports}}' pall
    assert "{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"$port\"}]}"
    run_kayak ps --format '{{.Ports}}'
    assert "0.0.0.0:$port->80/tcp"

    run_kayak run -d --name pone -p 127.0.0.1::80 myimg/httpd:ports
    run_kayak port pone 80
    assert "$output" =~ ^127\.0\.0\.1:[0-9]+$
    fetch "http://${output}/"
    assert "<h1>hello from kayak</h1>"
    run_kayak run -d --name ptwo -p 80 myimg/httpd:ports
    run_kayak port ptwo 80
    fetch "http://127.0.0.1:${output##*:}/"
    assert "<h1>hello from kayak</h1>"
}

@test "ports: a host range gives its first free port; pairwise ranges map port by port" {
    make_httpd_image
    local first
    first=$(free_port)
    while ! client bindable $((first + 1)) 2>/dev/null || ! client bindable $((first + 2)) 2>/dev/null; do
        first=$(free_port)
    done
    hold_port "$first"
    run_kayak run -d --name ranged -p "$first-$((first + 2)):80" myimg/httpd:ports
    run_kayak port ranged 80
    assert "0.0.0.0:$((first + 1))"
    fetch "http://127.0.0.1:$((first + 1))/"
    assert "<h1>hello from kayak</h1>"

    local p
    p=$(free_port)
    run_kayak run -d --name pairs -p "$p-$((p + 1)):80-81" myimg/httpd:ports \
        sh -c 'httpd -p 80 -h /var/www && httpd -f -p 81 -h /var/www'
    run_kayak port pairs
    assert "${lines[*]}" == "80/tcp -> 0.0.0.0:$p 81/tcp -> 0.0.0.0:$((p + 1))"
    run_kayak ps --filter name=pairs --format '{{.Ports}}'
    assert "0.0.0.0:$p-$((p + 1))->80-81/tcp"
    fetch "http://127.0.0.1:$((p + 1))/"
    assert "<h1>hello from kayak</h1>"
}

# expect_page URL: URL serves make_httpd_image's page.
expect_page() {
    fetch "$1"
    assert "<h1>hello from kayak</h1>"
}

# ipv6_setup: skips when the host's loopback has no ::1 (IPv6 disabled),
# else makes the httpd image.
ipv6_setup() {
    grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null || skip "the host has no IPv6 loopback"
    make_httpd_image
}

@test "ports: -p HOST:CTR serves [::1] as well as 127.0.0.1; a port held on IPv6 alone is taken" {
    ipv6_setup
    local port
    port=$(free_port)
    run_kayak run -d --name both --network none -p "$port:80" myimg/httpd:ports
    expect_page "http://[::1]:$port/"
    expect_page "http://127.0.0.1:$port/"
    # Shown as podman shows it: 0.0.0.0 alone.
    run_kayak port both
    assert "80/tcp -> 0.0.0.0:$port"
    run_kayak ps --format '{{.Ports}}'
    assert "0.0.0.0:$port->80/tcp"
    run_kayak rm -f both
    client bindable "$port" || die "port $port still taken after rm -f"

    # Free on 0.0.0.0, held on [::]: publishing it would serve one family only.
    local held
    held=$(free_port)
    hold_port "$held" "::"
    run_kayak_split 125 run -d --name half -p "$held:80" myimg/httpd:ports
    assert "$stderr" == "Error: bind 0.0.0.0:$held: address already in use"
    run_kayak ps -a -q
    assert ""
}

@test "ports: -p [::1]:HOST:CTR serves IPv6 loopback only, shown unbracketed as podman does; ::1:HOST:CTR is an error" {
    ipv6_setup
    local port
    port=$(free_port)
    run_kayak run -d --name six --network none -p "[::1]:$port:80" myimg/httpd:ports
    expect_page "http://[::1]:$port/"
    run curl --noproxy '*' -fsS --max-time 2 "http://127.0.0.1:$port/"
    assert "$status" -ne 0 "127.0.0.1 answers on an IPv6-only port"
    run_kayak port six
    assert "80/tcp -> ::1:$port"
    run_kayak port six 80
    assert "::1:$port"
    run_kayak ps --format '{{.Ports}}'
    assert "::1:$port->80/tcp"
    run_kayak inspect -f '{{json .NetworkSettings.Ports}}' six
    assert "{\"80/tcp\":[{\"HostIp\":\"::1\",\"HostPort\":\"$port\"}]}"

    # A chosen port on [::1].
    run_kayak run -d --name sixany --network none -p "[::1]::80" myimg/httpd:ports
    run_kayak port sixany 80
    assert "$output" =~ ^::1:[0-9]+$
    expect_page "http://[::1]:${output##*:}/"

    # Which colon ends the address? podman refuses it too.
    run_kayak_split 125 create --name bad -p "::1:$port:80" myimg/httpd:ports
    assert "$stderr" =~ "^Error: invalid port format in ::1:$port:80: .*\[::1\]:8080:80"
    run_kayak ps -a --filter name=bad -q
    assert ""
}

@test "ports: a free host port is picked again at each start; a fixed one taken while stopped fails the start" {
    make_httpd_image
    run_kayak run -d --name again --network none -p 127.0.0.1::80 myimg/httpd:ports
    run_kayak port again 80
    local first=${output##*:}
    run_kayak stop -t 1 again
    # Someone takes it while the container is stopped (podman, which picks
    # once at create, fails the start here).
    hold_port "$first" 127.0.0.1
    run_kayak start again
    run_kayak port again 80
    local second=${output##*:}
    assert "$second" != "$first"
    expect_page "http://127.0.0.1:$second/"

    local fixed
    fixed=$(free_port)
    run_kayak run -d --name fixed --network none -p "$fixed:80" myimg/httpd:ports
    run_kayak stop -t 1 fixed
    hold_port "$fixed"
    run_kayak_split 125 start fixed
    assert "$stderr" =~ "bind 0.0.0.0:$fixed: address already in use"
    run_kayak inspect -f '{{.State.Status}}' fixed
    assert "$output" != "running"
}

@test "ports: UDP through -p HOST:CTR/udp" {
    command -v gcc >/dev/null || skip "needs gcc to build the static UDP echo server"
    mkdir -p "$TEST_DIR/bin"
    gcc -static -O2 -o "$TEST_DIR/bin/udp_echo" "$PORTS_DIR/udp_echo.c" || skip "no static libc to build the UDP echo server"
    chmod 755 "$TEST_DIR" "$TEST_DIR/bin"
    local port
    port=$(free_port)
    run_kayak run -d --name udp --network none -p "127.0.0.1:$port:5353/udp" -v "$TEST_DIR/bin:/opt/bin:ro" \
        "$BUSYBOX_REF" /opt/bin/udp_echo 5353
    run client udp "$port" "hello over udp"
    assert "$status" -eq 0
    assert "$output" == "echo:hello over udp"
    run client udp "$port" "second datagram"
    assert "$output" == "echo:second datagram"
    run_kayak port udp
    assert "5353/udp -> 127.0.0.1:$port"
}

@test "ports: a host port in use and a privileged port are errors, and nothing is created" {
    local port
    port=$(free_port)
    hold_port "$port"
    run_kayak_split 125 create --name taken -p "$port:80" "$BUSYBOX_REF"
    assert "$stderr" == "Error: bind 0.0.0.0:$port: address already in use"
    run_kayak_split 125 run -d --name taken2 -p "$port:80" "$BUSYBOX_REF" sleep 100
    assert "$stderr" == "Error: bind 0.0.0.0:$port: address already in use"
    run_kayak ps -a -q
    assert ""
    if [[ -n $IS_ROOTLESS ]]; then
        local limit
        limit=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
        ((limit > 80)) || skip "net.ipv4.ip_unprivileged_port_start is $limit: port 80 is not privileged here"
        run_kayak_split 125 create --name low -p 80:80 "$BUSYBOX_REF"
        assert "$stderr" =~ "net.ipv4.ip_unprivileged_port_start \($limit\)"
        assert "$stderr" =~ "port 80 "
        run_kayak ps -a -q
        assert ""
    fi
}

@test "ports: 100 MB each way arrive intact; the client's half-close still gets the reply" {
    local up down
    up=$(free_port)
    down=$(free_port)
    run_kayak run -d --name bulk --network none -p "$up:9000" -p "$down:9001" "$BUSYBOX_REF" sh -c \
        'head -c 100000000 /dev/urandom > /tmp/blob && sha256sum /tmp/blob > /tmp/blob.sum &&
         nc -ll -p 9001 -e cat /tmp/blob & nc -ll -p 9000 -e sha256sum'
    # Upload: the server hashes until our end of stream, then answers.
    local i
    for i in $(seq 100); do
        run client upload "$up" 100000000
        [[ $status -eq 0 && $output != *"<empty>"* ]] && break
        sleep 0.2
    done
    assert "$status" -eq 0
    local sent=${output%% *} received=${output##* }
    assert "$received" == "$sent"
    # Download: what arrives is the container's file, byte for byte.
    for i in $(seq 100); do
        kayak exec bulk test -s /tmp/blob.sum && break
        sleep 0.2
    done
    run_kayak exec bulk cat /tmp/blob.sum
    local expected=${output%% *}
    run client download "$down"
    assert "$output" == "$expected 100000000"
}

@test "ports: resets pass through: no server inside resets the client; clients that reset leave nothing open" {
    local none stream
    none=$(free_port)
    stream=$(free_port)
    run_kayak run -d --name resets --network none -p "$none:9000" -p "$stream:9001" "$BUSYBOX_REF" sh -c \
        'nc -ll -p 9001 -e cat /dev/zero & sleep 1000'
    run client reset "$none"
    assert "$output" == "reset"
    local forwarder before i
    forwarder=$(pgrep -P "$(kayak_monitor_pid resets)" -x kayak-ports) || die "no kayak-ports forwarder"
    before=$(ls "/proc/$forwarder/fd" | wc -l)
    for i in $(seq 100); do
        client abort "$stream" 1 2>/dev/null && break
        sleep 0.1
    done
    client abort "$stream" 20
    # Each connection held two sockets and four pipe ends; all closed.
    for i in $(seq 50); do
        (($(ls "/proc/$forwarder/fd" | wc -l) == before)) && break
        sleep 0.1
    done
    assert "$(ls "/proc/$forwarder/fd" | wc -l)" -eq "$before" "the forwarder still holds the reset connections"
}
