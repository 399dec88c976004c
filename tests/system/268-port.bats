#!/usr/bin/env bats
# port, the PORTS column and PortBindings: the -p grammar as Docker parses
# it, and the ports a start bound (forwarding itself: 460-ports.bats).

load helpers

setup() {
    basic_setup
    make_busybox_image
}

@test "port: every binding of a running container, or the addresses of one private port" {
    run_kayak run -d --name pw -p 8001:80 -p 127.0.0.1:9000-9001:90-91/udp -p 53 --expose 443 \
        "$BUSYBOX_REF" sleep 1000
    run_kayak port pw
    assert "${lines[*]}" =~ "^80/tcp -> 0.0.0.0:8001 90/udp -> 127.0.0.1:9000 91/udp -> 127.0.0.1:9001 53/tcp -> 0.0.0.0:[0-9]+$"
    local chosen=${lines[3]##*:}
    run_kayak container port pw 80
    assert "0.0.0.0:8001"
    run_kayak port pw 91/udp
    assert "127.0.0.1:9001"
    run_kayak_split 125 port pw 81
    assert "$stderr" == "Error: No public port '81/tcp' published for pw"
    run_kayak_split 125 port pw 90
    assert "$stderr" == "Error: No public port '90/tcp' published for pw"
    # Docker's PORTS column: ranges grouped, the chosen port, exposed-only ports.
    run_kayak ps --format '{{.Ports}}'
    assert "0.0.0.0:8001->80/tcp, 127.0.0.1:9000-9001->90-91/udp, 0.0.0.0:$chosen->53/tcp, 443/tcp"
    run_kayak inspect -f '{{json .HostConfig.PortBindings}}' pw
    assert '{"80/tcp":[{"HostIp":"","HostPort":"8001"}],"90/udp":[{"HostIp":"127.0.0.1","HostPort":"9000"}],"91/udp":[{"HostIp":"127.0.0.1","HostPort":"9001"}],"53/tcp":[{"HostIp":"","HostPort":""}]}'
    # A stopped container has no port mappings.
    run_kayak stop -t 0 pw
    run_kayak port pw
    assert ""
    run_kayak_split 125 port nosuch
    assert "$stderr" =~ "No such container: nosuch"
}

@test "-p: bad values are refused with Docker's words and nothing is created" {
    run_kayak_split 125 create --name bad1 -p abc:80 "$BUSYBOX_REF"
    assert "$stderr" =~ "invalid hostPort: abc"
    run_kayak_split 125 create --name bad2 -p 8000-8001:80-82 "$BUSYBOX_REF"
    assert "$stderr" =~ "invalid ranges specified for container and host Ports: 80-82 and 8000-8001"
    run_kayak_split 125 create --name bad3 -p 8080:80/icmp "$BUSYBOX_REF"
    assert "$stderr" =~ "invalid proto: icmp"
    run_kayak ps -a -q
    assert ""
}
