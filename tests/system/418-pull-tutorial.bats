#!/usr/bin/env bats
# The tutorial's first step on an empty store: run a container from an
# image only the registry has. kayak says it is not here, pulls it with
# Docker's progress lines, starts it and it serves. (The host network
# here; published ports come with the networking tests.)

load helpers
load registry_helpers

setup() {
    basic_setup
    skip_if_no_registry
    skip_if_no_skopeo
}

@test "tutorial: run --name web1 -d REGISTRY/library/nginx:latest on an empty store pulls, starts and serves" {
    start_registry plain
    push_fixture debian-apps nginx-latest library/nginx:latest
    local port ref=$REGISTRY/library/nginx:latest
    port=$(_free_port)
    # nginx on a free unprivileged port of the host's network.
    printf 'server {\n  listen 127.0.0.1:%s default_server;\n  root /var/www/html;\n}\n' "$port" \
        >"$TEST_DIR/default.conf"
    chmod a+r "$TEST_DIR/default.conf"

    run_kayak images -q
    assert "$output" == "" "the store starts empty"
    run_kayak_split run --name web1 -d --network host \
        -v "$TEST_DIR/default.conf:/etc/nginx/sites-enabled/default:ro" "$ref"
    assert "$output" =~ "^[0-9a-f]{64}$" "stdout: the container ID alone"
    assert "${stderr_lines[0]}" == "Unable to find image '$ref' locally"
    assert "${stderr_lines[1]}" == "latest: Pulling from library/nginx"
    assert "$stderr" =~ "Pull complete" "per-layer progress"
    assert "$stderr" =~ "Digest: sha256:" "the digest line"
    assert "$stderr" =~ "Status: Downloaded newer image for $ref" "the status line"

    # nginx's workers switch to www-data (uid 33): without a subuid range
    # there is no such user in the container (podman fails the same way).
    if [[ -n $IS_ROOTLESS && -z $HAS_SUBUID ]]; then
        run_kayak rm -f web1
        skip "nginx's worker user www-data needs a subuid range (the pull and start were checked)"
    fi
    local page= i
    for ((i = 0; i < 100; i++)); do
        page=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null) && break
        sleep 0.1
    done
    assert "$page" =~ "Welcome to nginx" "the page is served"
    run_kayak ps --format '{{.Names}} {{.Image}} {{.Status}}'
    assert "$output" =~ "^web1 $ref Up" "web1 runs the pulled image"
    run_kayak logs web1
    assert "$output" =~ "\"GET / HTTP/1.1\" 200" "the access line is logged"
    run_kayak rm -f web1
}
