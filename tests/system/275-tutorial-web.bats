#!/usr/bin/env bats
# The tutorial's web step (issue 3): a page written in a busybox container,
# committed with CMD httpd, then run -d --network host and fetched from the
# host. Only ever 127.0.0.1.

load helpers

setup() {
    basic_setup
    make_busybox_image
}

teardown() {
    kayak rm -f web-served >/dev/null 2>&1 || true
    basic_teardown
}

# free_port: a TCP port of 127.0.0.1 nobody listens on right now.
free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

@test "tutorial: commit -c CMD httpd, run -d --network host, fetch the page from the host" {
    on_a_terminal "$KAYAK_BINARY" run -it --name web "$BUSYBOX_REF" sh -c \
        'mkdir -p /var/www && echo "<h1>hello from kayak</h1>" > /var/www/index.html && echo done'
    assert "$status" -eq 0
    assert "$output" =~ "done"
    local port
    port=$(free_port)
    run_kayak commit -c "CMD [\"httpd\", \"-f\", \"-p\", \"127.0.0.1:$port\", \"-h\", \"/var/www/\"]" web
    local id=$output
    run_kayak tag "$id" myimg/httpd:v2
    run_kayak inspect -f '{{.Config.Cmd}}' myimg/httpd:v2
    assert "[httpd -f -p 127.0.0.1:$port -h /var/www/]"

    run_kayak run -d --name web-served --network host myimg/httpd:v2
    assert "$output" =~ ^[0-9a-f]{64}$
    fetch "http://127.0.0.1:$port/" 2
    assert "<h1>hello from kayak</h1>"
    fetch "http://127.0.0.1:$port/index.html" 2
    assert "<h1>hello from kayak</h1>"
    run_kayak inspect -f '{{.State.Status}}' web-served
    assert "running"
    run_kayak stop -t 1 web-served
    run curl --noproxy '*' -fsS --max-time 2 "http://127.0.0.1:$port/"
    assert "$status" -ne 0 "the server is gone after stop"
}

@test "tutorial: the committed httpd image with its CMD overridden by a run command" {
    run_kayak run --name web "$BUSYBOX_REF" sh -c 'mkdir -p /var/www && echo page > /var/www/index.html'
    run_kayak commit -c 'CMD ["httpd", "-f", "-h", "/var/www/"]' web myimg/httpd:v2
    local port
    port=$(free_port)
    run_kayak run -d --name web-served --network host myimg/httpd:v2 httpd -f -p "127.0.0.1:$port" -h /var/www/
    fetch "http://127.0.0.1:$port/" 2
    assert "page"
    # Without --network host the server is in the container's own network
    # namespace: the host cannot reach it on that port.
    run_kayak rm -f web-served
    run_kayak run -d --name web-served myimg/httpd:v2 httpd -f -p "127.0.0.1:$port" -h /var/www/
    run_kayak exec web-served sh -c "for i in \$(seq 100); do wget -qO- http://127.0.0.1:$port/ 2>/dev/null && exit; sleep 0.1; done; exit 1"
    assert "page" "reachable inside the container"
    run curl --noproxy '*' -fsS --max-time 2 "http://127.0.0.1:$port/"
    assert "$status" -ne 0 "not reachable from the host"
}
