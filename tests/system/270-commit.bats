#!/usr/bin/env bats
# kayak commit / container commit: a container's changes become an image.

load helpers

setup() {
    basic_setup
    make_busybox_image
}

@test "commit of a stopped container: one more layer holding the changes; untagged is <none>" {
    run_kayak create --name c1 "$BUSYBOX_REF"
    mkdir www && echo hello > www/index.html
    run_kayak cp www c1:/var/
    run_kayak commit c1
    assert "$output" =~ '^sha256:[0-9a-f]{64}$' "prints the full ID"
    local id=$output
    run_kayak images --format '{{.Repository}}:{{.Tag}}:{{.ID}}'
    assert "$output" =~ "<none>:<none>:$(short_id "$id")"
    run_kayak image inspect -f '{{len .RootFS.Layers}}' "$id"
    assert "2"
    run_kayak image inspect -f '{{index .RootFS.Layers 0}}' "$id"
    assert "$output" == "$(kayak image inspect -f '{{index .RootFS.Layers 0}}' "$BUSYBOX_REF")"
    # The new layer is exactly the change (save writes it as it is stored).
    run_kayak save -o img.tar "$id"
    mkdir img && tar -xf img.tar -C img
    local layer
    layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Layers"][-1])' img/manifest.json)
    run tar -tf "img/$layer"
    assert "$output" == "var/${NL}var/www/${NL}var/www/index.html"
    run tar -xOf "img/$layer" var/www/index.html
    assert "hello"
}

@test "commit REPO:TAG tags; -m and -a go into the config and the history" {
    run_kayak create --name c1 "$BUSYBOX_REF"
    run_kayak cp /etc/hostname c1:/etc/copied
    run_kayak container commit -m "add a file" -a "Jane <jane@example.com>" c1 myimg/web:v1
    local id=$output
    assert "$(image_id myimg/web:v1)" == "$id"
    run_kayak image inspect -f '{{.Author}}|{{.Comment}}' myimg/web:v1
    assert "Jane <jane@example.com>|add a file"
    run_kayak history --no-trunc --format '{{.CreatedBy}}|{{.Comment}}' myimg/web:v1
    assert "${lines[0]}" == "sh|add a file" "Docker: created_by is the container's command"
    run_kayak images --format '{{.Repository}}:{{.Tag}}' myimg/web
    assert "myimg/web:v1"
}

@test "commit -c applies Dockerfile instructions over the container's config" {
    run_kayak create --name c1 -e FOO=bar "$BUSYBOX_REF"
    run_kayak commit -c 'CMD ["httpd", "-f", "-h", "/var/www/"]' -c 'EXPOSE 80' -c 'ENV A=1' \
        -c 'WORKDIR /var/www' -c 'USER nobody' -c 'LABEL k=v' -c 'STOPSIGNAL SIGINT' c1 web:1
    run_kayak inspect -f '{{.Config.Cmd}}' web:1
    assert "[httpd -f -h /var/www/]"
    run_kayak image inspect -f '{{json .Config.ExposedPorts}}|{{.Config.WorkingDir}}|{{.Config.User}}|{{json .Config.Labels}}|{{.Config.StopSignal}}' web:1
    assert '{"80/tcp":{}}|/var/www|nobody|{"k":"v"}|SIGINT'
    run_kayak image inspect -f '{{json .Config.Env}}' web:1
    assert "$output" =~ '"FOO=bar"' "the container's -e is committed, as Docker does"
    assert "$output" =~ '"A=1"'
    # Shell form.
    run_kayak commit -c 'CMD echo hi' c1 web:2
    run_kayak image inspect -f '{{json .Config.Cmd}}' web:2
    assert '["/bin/sh","-c","echo hi"]'
    # A bad change is refused before anything is stored.
    run_kayak images -q
    local before=$output
    run_kayak 125 commit -c 'FROM x' c1 web:3
    assert "$output" =~ "not a valid change command"
    run_kayak images -q
    assert "$output" == "$before"
}

@test "commit without changes adds an empty_layer history entry, no layer" {
    run_kayak create --name c1 "$BUSYBOX_REF"
    run_kayak commit c1 same:1
    run_kayak image inspect -f '{{len .RootFS.Layers}}' same:1
    assert "1"
    run_kayak history --format '{{.Size}}' same:1
    assert "${lines[0]}" == "0B"
}

@test "commit of a missing container names it" {
    run_kayak ? commit nosuch
    assert "$status" -ne 0
    assert "$output" =~ "nosuch"
}

@test "commit keeps deletions: whiteouts in the layer, gone in the new image" {
    run_kayak run --name c1 "$BUSYBOX_REF" sh -c 'rm /bin/ls; rm -rf /home; mkdir /home; touch /home/new'
    run_kayak commit c1 deleted:1
    run_kayak save -o img.tar deleted:1
    mkdir img && tar -xf img.tar -C img
    local layer
    layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Layers"][-1])' img/manifest.json)
    run tar -tf "img/$layer"
    assert "$output" =~ "bin/.wh.ls"
    assert "$output" =~ "home/.wh..wh..opq"
    run_kayak run --rm deleted:1 sh -c 'ls /bin/ls; ls /home'
    assert "$output" =~ "No such file"
    assert "$output" =~ "new"
}

@test "commit -p of a running container: it keeps running afterwards" {
    run_kayak run -d --name r1 "$BUSYBOX_REF" sh -c 'while :; do date +%s%N >> /tmp/ticks; sleep 0.1; done'
    sleep 0.3
    run_kayak commit -p r1 running:1
    run_kayak commit --pause=false r1 running:2
    run_kayak inspect -f '{{.State.Status}}' r1
    assert "running"
    local a b
    a=$(kayak exec r1 wc -l /tmp/ticks)
    sleep 0.5
    b=$(kayak exec r1 wc -l /tmp/ticks)
    [[ $a != "$b" ]] || die "the container did not resume after commit -p"
    run_kayak rm -f r1
}

@test "tutorial: run -it, write a page, commit -p, commit -c CMD, tag, inspect" {
    on_a_terminal "$KAYAK_BINARY" run -it --name web "$BUSYBOX_REF" sh -c \
        'mkdir -p /var/www && echo "<h1>hello</h1>" > /var/www/index.html && echo done'
    assert "$status" -eq 0
    assert "$output" =~ "done"
    run_kayak commit -p web
    local first=$output
    assert "$first" =~ '^sha256:[0-9a-f]{64}$'
    run_kayak commit -c 'CMD ["httpd", "-f", "-h", "/var/www/"]' web
    local id=$output
    run_kayak tag "$id" myimg/httpd:v2
    run_kayak inspect -f '{{.Config.Cmd}}' myimg/httpd:v2
    assert "[httpd -f -h /var/www/]"
    run_kayak run --rm myimg/httpd:v2 cat /var/www/index.html
    assert "<h1>hello</h1>"
}

# podman with a throwaway store in the test dir (as 120-interop.bats).
podman_t() {
    XDG_RUNTIME_DIR=$TEST_DIR/podman-xdg XDG_CONFIG_HOME=$TEST_DIR/podman-config \
    timeout 300 podman --root "$TEST_DIR/podman-root" --runroot "$TEST_DIR/podman-run" \
        --storage-driver vfs --tmpdir "$TEST_DIR/podman-tmp" \
        --cgroup-manager cgroupfs --events-backend file "$@"
}

@test "podman loads a committed image with the same ID and content" {
    skip_if_no_podman
    mkdir -p "$TEST_DIR/podman-tmp" "$TEST_DIR/podman-config"
    mkdir -m 700 -p "$TEST_DIR/podman-xdg"
    podman_t images >/dev/null 2>&1 || skip "podman does not work for $(id -un) here"
    run_kayak create --name c1 "$BUSYBOX_REF"
    echo hi > f
    run_kayak cp f c1:/f
    run_kayak commit c1 interop/committed:1
    local id=$output
    run_kayak save -o c.tar interop/committed:1
    run podman_t load -i c.tar
    _log_output
    assert "$status" -eq 0
    run podman_t images --no-trunc --format '{{.ID}}' localhost/interop/committed:1
    assert "$output" == "$id"
    run podman_t image inspect -f '{{len .RootFS.Layers}}' localhost/interop/committed:1
    assert "$output" == "2"
}
