#!/usr/bin/env bats
# kayak image inspect / inspect.

load helpers

BUSYBOX_ID=sha256:654fc8fd836e35f4a64586bddf8f59b9029b48cf80f520834c6c98ca8ab5def9
BUSYBOX_DIFF_ID=sha256:0f8918d0fe4f272ce8acece89916a9ba0b240584d3c1dd1943f343f69b0d0ffb

@test "image inspect prints a JSON array with Docker's fields in Docker's order" {
    run_kayak_split load -i "$(fixture archives/podman-save-docker-archive.tar)"
    run_kayak image inspect busybox
    local check='
import json, sys
want_id, want_diff = sys.argv[1], sys.argv[2]
doc = json.load(sys.stdin)
assert isinstance(doc, list) and len(doc) == 1, doc
img = doc[0]
order = ["Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Author",
         "Config", "Architecture", "Os", "Size", "GraphDriver", "RootFS"]
keys = [k for k in img if k in order]
assert keys == order, ("field order", list(img))
assert img["Id"] == want_id, img["Id"]
assert sorted(img["RepoTags"]) == ["busybox:latest", "localhost/myimg/httpd:v1"], img["RepoTags"]
assert img["RepoDigests"] == [], img["RepoDigests"]
assert img["Parent"] == "", img["Parent"]
assert img["Created"].startswith("2026-05-13T02:21:49"), img["Created"]
assert img["Architecture"] == "amd64" and img["Os"] == "linux"
assert 1755000 <= img["Size"] < 1765000, ("Size shows as 1.76MB", img["Size"])
assert img["Config"]["Cmd"] == ["sh"], img["Config"]
assert img["Config"]["Env"] == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
assert img["RootFS"] == {"Type": "layers", "Layers": [want_diff]}, img["RootFS"]
assert isinstance(img["GraphDriver"]["Name"], str) and img["GraphDriver"]["Name"]
print("ok")
'
    check_with_python "$check" "$BUSYBOX_ID" "$BUSYBOX_DIFF_ID"
    assert "ok"
}

@test "image inspect -f renders Go templates (Go's %v for lists and maps)" {
    pull_fixture debian-apps nginx-latest nginx:test
    run_kayak image inspect -f '{{.Config.Cmd}}' nginx:test
    assert "[nginx -g daemon off;]"
    run_kayak image inspect --format '{{json .Config.Cmd}}' nginx:test
    assert '["nginx","-g","daemon off;"]'
    run_kayak image inspect -f '{{.Config.ExposedPorts}}' nginx:test
    assert "map[80/tcp:{}]"
    run_kayak image inspect -f '{{.Config.StopSignal}}' nginx:test
    assert "SIGQUIT"
    run_kayak image inspect -f '{{len .RootFS.Layers}} {{.RootFS.Type}} {{.Os}}/{{.Architecture}}' nginx:test
    assert "2 layers linux/amd64"
    run_kayak image inspect -f '{{range .RepoTags}}<{{.}}>{{end}}' nginx:test
    assert "$output" =~ "<nginx:test>"
    run_kayak image inspect -f '{{index .RootFS.Layers 0}}' nginx:test
    assert "sha256:219993dac1cd691824e61b61087e0e01f914aee1ad121a01343a5dcd44277c0b"
    run_kayak image inspect -f '{{.Config.Entrypoint}}' nginx:test
    assert "[]"
}

@test "image inspect: WorkingDir, Env, Labels, User, Volumes from import -c" {
    run_kayak import \
        -c 'CMD ["redis-server","--protected-mode","no"]' \
        -c 'WORKDIR /data' -c 'ENV A=1' -c 'ENV B="two words"' \
        -c 'LABEL org.example=yes' -c 'USER nobody' -c 'VOLUME /data' \
        -c 'EXPOSE 6379' -c 'ENTRYPOINT ["/bin/sh","-c"]' -c 'STOPSIGNAL SIGTERM' \
        "$(busybox_rootfs)" configured:1
    local f='{{.Config.WorkingDir}}|{{.Config.User}}|{{json .Config.Env}}|{{.Config.Labels}}|{{json .Config.Volumes}}|{{json .Config.ExposedPorts}}|{{.Config.Entrypoint}}|{{.Config.Cmd}}|{{.Config.StopSignal}}'
    run_kayak image inspect -f "$f" configured:1
    assert '/data|nobody|["A=1","B=two words"]|map[org.example:yes]|{"/data":{}}|{"6379/tcp":{}}|[/bin/sh -c]|[redis-server --protected-mode no]|SIGTERM'
    run_kayak image inspect -f '{{index .Config.Labels "org.example"}}' configured:1
    assert "yes"
}

@test "inspect resolves images too; --type image" {
    make_busybox_image
    run_kayak image inspect "$BUSYBOX_REF"
    local want=$output
    run_kayak inspect "$BUSYBOX_REF"
    assert "$output" == "$want" "inspect = image inspect"
    run_kayak inspect --type image "$BUSYBOX_REF"
    assert "$output" == "$want" "inspect --type image"
    run_kayak inspect -f '{{.Config.Cmd}}' "$BUSYBOX_REF"
    assert "[sh]"
}

@test "image inspect of several images, by name and by ID" {
    make_busybox_image
    run_kayak_split load -i "$(fixture archives/podman-save-docker-archive.tar)"
    run_kayak image inspect -f '{{.Id}}' busybox "$BUSYBOX_REF" "${BUSYBOX_ID:7:12}"
    assert_line_count 3
    assert "${lines[0]}" == "$BUSYBOX_ID"
    assert "${lines[1]}" == "$(image_id "$BUSYBOX_REF")"
    assert "${lines[2]}" == "$BUSYBOX_ID"
    run_kayak image inspect busybox "$BUSYBOX_REF"
    check_with_python 'import json,sys; print(len(json.load(sys.stdin)))'
    assert "2"
}

@test "image inspect of a missing image: error, exit 125, found ones still printed" {
    run_kayak 125 image inspect nothere
    assert_error "(No such image|image not known).*nothere"
    make_busybox_image
    run_kayak_split 125 image inspect -f '{{.Config.Cmd}}' "$BUSYBOX_REF" nothere
    assert "$output" == "[sh]" "the found image on stdout"
    assert "$stderr" =~ "^Error: (No such image|image not known).*nothere"
}

@test "image inspect -f with a bad template: exit 125" {
    make_busybox_image
    run_kayak 125 image inspect -f '{{.Config.Cmd}' "$BUSYBOX_REF"
    assert "${lines[0]}" =~ '^Error: template: :1: '
    # Docker retries on the raw JSON with missingkey=error, so still an error.
    run_kayak 125 image inspect -f '{{.Nope}}' "$BUSYBOX_REF"
    assert "${lines[0]}" =~ '^Error: .*template.*Nope'
}
