#!/usr/bin/env bats
# kayak pull from local transports: oci:DIR[:REF], oci-archive:FILE[:REF],
# docker-archive:FILE[:REF].

load helpers

BUSYBOX_ID=sha256:654fc8fd836e35f4a64586bddf8f59b9029b48cf80f520834c6c98ca8ab5def9

@test "pull oci:DIR:REF (the issue's example)" {
    local dir
    dir=$(fixture busybox)
    run_kayak pull "oci:$dir:busybox:1.38.0-musl"
    assert "${lines[-1]}" =~ "(sha256:)?${BUSYBOX_ID#sha256:}|busybox:1.38.0-musl"
    assert "$(image_id busybox:1.38.0-musl)" == "$BUSYBOX_ID"
    run_kayak images --format '{{.Repository}}:{{.Tag}}'
    assert "busybox:1.38.0-musl"
    run_kayak image inspect -f '{{.Config.Cmd}}' busybox:1.38.0-musl
    assert "[sh]"
}

@test "pull oci:DIR with a relative path, and image pull" {
    cp -R --no-preserve=mode,ownership "$KAYAK_TEST_IMAGES/busybox" ./bb
    run_kayak image pull oci:bb:busybox:1.38.0-musl
    assert "$(image_id busybox:1.38.0-musl)" == "$BUSYBOX_ID"
}

@test "pull oci:DIR without REF when the index has one image" {
    local dir
    dir=$(fixture alpine)
    run_kayak pull "oci:$dir"
    assert "$(image_id "$(oci_image_id "$dir" 3.20.3 | cut -c8-19)")" == "$(oci_image_id "$dir" 3.20.3)"
}

@test "pull oci:DIR:REF from a layout with several images" {
    local dir
    dir=$(fixture debian-apps)
    run_kayak pull "oci:$dir:nginx-latest"
    run_kayak pull "oci:$dir:redis-latest"
    local nginx redis
    nginx=$(oci_image_id "$dir" nginx-latest)
    redis=$(oci_image_id "$dir" redis-latest)
    run_kayak image inspect -f '{{.Config.Cmd}}' "$nginx"
    assert "[nginx -g daemon off;]"
    run_kayak image inspect -f '{{.Config.WorkingDir}} {{.Config.Cmd}}' "$redis"
    assert "/data [redis-server --protected-mode no]"
    # The Debian base layer is stored once.
    local n
    n=$(find "$KAYAK_ROOT/layers" -mindepth 1 -maxdepth 1 ! -name '.*' | wc -l)
    assert "$n" -eq 3 "base + nginx + redis layers"
    # Without REF: an error (ambiguous), or every image in the layout.
    run_kayak '?' pull "oci:$dir"
    if ((status == 0)); then
        run_kayak image inspect -f '{{.Id}}' "$(oci_image_id "$dir" debian-bookworm-slim)"
    else
        assert_error ""
    fi
    run_kayak 125 pull "oci:$dir:nothere"
    assert_error "nothere"
}

@test "pull oci-archive:FILE[:REF] and docker-archive:FILE[:REF]" {
    run_kayak pull "oci-archive:$(fixture archives/podman-save-oci-archive.tar)"
    assert "$(image_id busybox:latest)" == "$BUSYBOX_ID"
    run_kayak rmi -a -f
    run_kayak pull "docker-archive:$(fixture archives/podman-save-docker-archive.tar)"
    assert "$(image_id "${BUSYBOX_ID:7:12}")" == "$BUSYBOX_ID"
    run_kayak rmi -a -f
    run_kayak pull "docker-archive:$(fixture archives/podman-save-docker-archive.tar):localhost/myimg/httpd:v1"
    assert "$(image_id localhost/myimg/httpd:v1)" == "$BUSYBOX_ID"
}

@test "pull from a missing local path fails clearly" {
    run_kayak 125 pull oci:/nonexistent/dir:x
    assert_error "/nonexistent/dir"
    run_kayak 125 pull oci-archive:/nonexistent.tar
    assert_error "/nonexistent.tar"
    run_kayak 125 pull docker-archive:/nonexistent.tar
    assert_error "/nonexistent.tar"
}

@test "pull is idempotent" {
    local dir
    dir=$(fixture busybox)
    run_kayak pull "oci:$dir:busybox:1.38.0-musl"
    run_kayak pull "oci:$dir:busybox:1.38.0-musl"
    run_kayak images -q
    assert "654fc8fd836e"
}
