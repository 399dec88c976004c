#!/usr/bin/env bats
# The tutorial's nginx: run -d of the real nginx image, requests to it, and
# its access lines in `logs`. Requests come from inside the container's own
# network namespace (exec with bash's /dev/tcp): publishing ports to the host
# belongs to the networking work.

load helpers

# request NAME PATH: an HTTP/1.0 GET of PATH from inside NAME; prints the status line.
request() {
    kayak exec "$1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/80 &&
        printf "GET %s HTTP/1.0\r\nUser-Agent: kayak-bats\r\n\r\n" "$1" >&3 && head -1 <&3' _ "$2"
}

@test "nginx: run -d serves, and logs shows the access lines of the requests" {
    skip_if_no_subuid "nginx's workers switch to www-data (uid 33), which needs a subuid range"
    run_kayak pull "oci:$(fixture debian-apps):nginx-latest"
    run_kayak run -d --name web localhost/debian-apps:nginx-latest
    local i status_line=
    for i in $(seq 100); do
        status_line=$(request web / 2>/dev/null) && [[ -n $status_line ]] && break
        sleep 0.1
    done
    assert "$status_line" =~ "^HTTP/1.1 200 OK"
    assert "$(request web /no-such-page)" =~ "^HTTP/1.1 404"
    run_kayak logs web
    assert "$output" =~ '"GET / HTTP/1.0" 200 [0-9]+ "-" "kayak-bats"'
    assert "$output" =~ '"GET /no-such-page HTTP/1.0" 404'
    # COMMAND as Docker shows it.
    run_kayak ps --no-trunc --format '{{.Command}}'
    assert "\"nginx -g 'daemon off;'\""
    # The image's STOPSIGNAL (SIGQUIT) stops it gracefully: exit 0.
    run_kayak stop web
    run_kayak inspect -f '{{.State.ExitCode}}' web
    assert "0"
}
