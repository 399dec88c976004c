#!/usr/bin/env bats
# kayak images / image ls / image list: Docker's table, flags and filters.

load helpers

BUSYBOX_ID=sha256:654fc8fd836e35f4a64586bddf8f59b9029b48cf80f520834c6c98ca8ab5def9
BUSYBOX_CREATED=2026-05-13T02:21:49Z

# The upstream busybox saved by podman under two names.
load_podman_busybox() {
    run_kayak_split load -i "$(fixture archives/podman-save-docker-archive.tar)"
}

# three_dated_images: old:1 (2020), mid:1 (2022), new:1 (2024), one layer
# each, distinct contents so distinct IDs.
three_dated_images() {
    local name year
    for name in old mid new; do
        case $name in old) year=2020 ;; mid) year=2022 ;; new) year=2024 ;; esac
        mkarchive layer "$name.layer" plain
        echo "$name" > "$name.extra"
        tar -rf "$name.layer" "$name.extra"
        mkarchive image "$name.tar" --layer "$name.layer" --tag "$name:1" \
            --created "$year-01-01T00:00:00Z" >/dev/null
        run_kayak_split load -i "$name.tar"
    done
}

@test "images on an empty store prints only the header" {
    run_kayak images
    assert "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE"
    run_kayak images -q
    assert ""
}

@test "images: Docker's table, one row per tag" {
    load_podman_busybox
    run_kayak images
    local want
    want=$(printf 'REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\n%s\t%s\t%s\t%s\t%s\n%s\t%s\t%s\t%s\t%s\n' \
        busybox latest 654fc8fd836e "$(created_ago $BUSYBOX_CREATED)" 1.76MB \
        localhost/myimg/httpd v1 654fc8fd836e "$(created_ago $BUSYBOX_CREATED)" 1.76MB | docker_table)
    assert "${lines[0]}" == "$(head -1 <<<"$want")" "header"
    # Both rows belong to one image, so their order is not defined.
    assert "$(tail -n +2 <<<"$output" | sort)" == "$(tail -n +2 <<<"$want" | sort)"
}

@test "image ls and image list are images" {
    load_podman_busybox
    run_kayak images
    local want=$output
    run_kayak image ls
    assert "$output" == "$want" "image ls"
    run_kayak image list
    assert "$output" == "$want" "image list"
}

@test "images shows familiar names" {
    load_podman_busybox
    run_kayak tag busybox nginx
    run_kayak tag busybox myimg/httpd:v1
    run_kayak tag busybox docker.io/library/redis:7
    run_kayak tag busybox quay.io/x/y:z
    run_kayak tag busybox localhost:5000/a/b:c
    run_kayak images --format '{{.Repository}}:{{.Tag}}'
    assert "$(sort <<<"$output")" == "$(printf '%s\n' busybox:latest localhost/myimg/httpd:v1 \
        localhost:5000/a/b:c myimg/httpd:v1 nginx:latest quay.io/x/y:z redis:7 | sort)"
}

@test "images -q prints short IDs; --no-trunc the full ones" {
    load_podman_busybox
    run_kayak images -q
    assert "$(sort -u <<<"$output")" == "654fc8fd836e"
    run_kayak images --quiet --no-trunc
    assert "$(sort -u <<<"$output")" == "$BUSYBOX_ID"
    run_kayak images --no-trunc --format '{{.ID}}' busybox
    assert "$BUSYBOX_ID"
    run_kayak images --no-trunc
    assert "${lines[1]}" =~ " $BUSYBOX_ID +"
}

@test "images REPOSITORY[:TAG] lists only that repository" {
    load_podman_busybox
    run_kayak tag busybox busybox:other
    run_kayak images --format '{{.Repository}}:{{.Tag}}' busybox
    assert "$(sort <<<"$output")" == $'busybox:latest\nbusybox:other'
    run_kayak images --format '{{.Repository}}:{{.Tag}}' busybox:other
    assert "busybox:other"
    run_kayak images --format '{{.Repository}}:{{.Tag}}' localhost/myimg/httpd
    assert "localhost/myimg/httpd:v1"
    run_kayak images --format '{{.Repository}}' nothere
    assert ""
}

@test "images --digests adds the DIGEST column" {
    load_podman_busybox
    run_kayak images --digests busybox
    local want
    want=$(printf 'REPOSITORY\tTAG\tDIGEST\tIMAGE ID\tCREATED\tSIZE\n%s\t%s\t%s\t%s\t%s\t%s\n' \
        busybox latest '<none>' 654fc8fd836e "$(created_ago $BUSYBOX_CREATED)" 1.76MB | docker_table)
    assert "$want"
}

@test "untagged images show <none>, and -a lists them" {
    mkarchive layer l.tar plain
    local id
    id=$(mkarchive image untagged.tar --layer l.tar)
    run_kayak_split load -i untagged.tar
    assert "Loaded image ID: $id"
    run_kayak images
    assert "${lines[1]}" =~ "^<none> +<none> +$(short_id "$id")   "
    run_kayak images -a --format '{{.Repository}} {{.Tag}} {{.ID}}'
    assert "<none> <none> $(short_id "$id")"
}

@test "images --filter dangling=true|false" {
    load_podman_busybox
    mkarchive layer l.tar plain
    local id
    id=$(mkarchive image untagged.tar --layer l.tar)
    run_kayak_split load -i untagged.tar

    run_kayak images --filter dangling=true --format '{{.ID}}'
    assert "$(short_id "$id")"
    run_kayak images --filter dangling=false --format '{{.Repository}}'
    assert "$(sort <<<"$output")" == $'busybox\nlocalhost/myimg/httpd'
    run_kayak images --filter dangling=true -q
    assert "$(short_id "$id")"
    run_kayak images -f dangling=true -q
    assert "$(short_id "$id")" "-f is --filter"
    run_kayak images -qf dangling=true
    assert "$(short_id "$id")" "-qf VALUE"
}

@test "images --filter reference=PATTERN" {
    load_podman_busybox
    run_kayak tag busybox myimg/httpd:v1
    run_kayak tag busybox myimg/httpd:latest
    run_kayak tag busybox myimg/other:v1

    run_kayak images --filter 'reference=myimg/*' --format '{{.Repository}}:{{.Tag}}'
    assert "$(sort <<<"$output")" == $'myimg/httpd:latest\nmyimg/httpd:v1\nmyimg/other:v1'
    run_kayak images --filter 'reference=myimg/httpd' --format '{{.Repository}}:{{.Tag}}'
    assert "$(sort <<<"$output")" == $'myimg/httpd:latest\nmyimg/httpd:v1'
    run_kayak images --filter 'reference=*/httpd:v1' --format '{{.Repository}}:{{.Tag}}'
    assert "myimg/httpd:v1"
    run_kayak images --filter 'reference=busybox:*' --format '{{.Repository}}:{{.Tag}}'
    assert "busybox:latest"
    run_kayak images --filter 'reference=nomatch*' --format '{{.Repository}}'
    assert ""
}

@test "images --filter before= and since=" {
    three_dated_images
    run_kayak images --filter before=mid:1 --format '{{.Repository}}'
    assert "old"
    run_kayak images --filter since=mid:1 --format '{{.Repository}}'
    assert "new"
    run_kayak images --filter since=old:1 --format '{{.Repository}}'
    # Docker sorts by creation time, newest first.
    assert $'new\nmid'
    run_kayak 125 images --filter before=nothere:1
    assert_error "nothere"
}

@test "images sorts newest first" {
    three_dated_images
    run_kayak images --format '{{.Repository}}:{{.Tag}}'
    assert $'new:1\nmid:1\nold:1'
}

@test "images with an unknown filter fails" {
    run_kayak 125 images --filter bogus=1
    assert_error "bogus"
    run_kayak 125 images --filter dangling=maybe
    assert_error "dangling"
}

@test "images --format: templates, table and json" {
    load_podman_busybox
    run_kayak images --format '{{.Repository}}|{{.Tag}}|{{.ID}}|{{.Size}}|{{.CreatedSince}}' busybox
    assert "busybox|latest|654fc8fd836e|1.76MB|$(created_ago $BUSYBOX_CREATED)"

    run_kayak images --format 'table {{.Repository}}\t{{.Tag}}' busybox
    assert "$(printf 'REPOSITORY\tTAG\nbusybox\tlatest\n' | docker_table)"

    run_kayak images --format 'table {{.ID}}\t{{.Digest}}\t{{.CreatedSince}}\t{{.Size}}' busybox
    assert "${lines[0]}" =~ "^IMAGE ID +DIGEST +CREATED +SIZE$"

    # json: one object per line, Docker's field names in Docker's order.
    run_kayak images --format json busybox
    assert_line_count 1
    check_with_python '
import json, sys
o = json.loads(sys.stdin.read())
assert list(o) == sorted(o), list(o)
print(o["Repository"], o["Tag"], o["ID"], o["Size"], o["CreatedSince"], o["Digest"])'
    assert "busybox latest 654fc8fd836e 1.76MB $(created_ago $BUSYBOX_CREATED) <none>"

    run_kayak images --format json busybox
    local want=$output
    run_kayak images --format '{{json .}}' busybox
    assert "$want" "{{json .}} is --format json"
}

@test "images --format: template functions" {
    load_podman_busybox
    run_kayak tag busybox myimg/httpd:v1
    local f='--format'
    run_kayak images $f '{{upper .Repository}} {{lower "ABC"}} {{title .Tag}}' myimg/httpd
    assert "MYIMG/HTTPD abc V1"
    run_kayak images $f '{{join (split .Repository "/") "-"}}' myimg/httpd
    assert "myimg-httpd"
    run_kayak images $f '{{len .Tag}}|{{truncate .Repository 5}}|{{pad .Tag 2 1}}|' myimg/httpd
    assert "2|myimg|  v1 |"
    run_kayak images $f '{{if eq .Tag "v1"}}yes{{else}}no{{end}} {{json .Repository}}' myimg/httpd
    assert 'yes "myimg/httpd"'
    run_kayak images $f '{{index (split .Repository "/") 1}}' myimg/httpd
    assert "httpd"
    run_kayak images $f '{{range split .Repository "/"}}[{{.}}]{{end}}' myimg/httpd
    assert "[myimg][httpd]"
    run_kayak images $f '{{println .Tag}}' myimg/httpd
    assert "v1"
}

@test "images --format: template errors are clear, exit 125" {
    load_podman_busybox
    run_kayak 125 images --format '{{.Repository}'
    assert "${lines[0]}" =~ '^Error: template: :1: '
    run_kayak 125 images --format '{{.Repository'
    assert "${lines[0]}" =~ '^Error: template: :1: '
    run_kayak 125 images --format '{{.Nope}}'
    assert "${lines[0]}" =~ '^Error: template: :1:.*Nope'
    run_kayak 125 images --format '{{end}}'
    assert "${lines[0]}" =~ '^Error: template: :1: unexpected \{\{end\}\}'
}

@test "SIZE and CREATED agree with image inspect" {
    make_busybox_image
    local size created
    size=$(kayak image inspect -f '{{.Size}}' "$BUSYBOX_REF")
    created=$(kayak image inspect -f '{{.Created}}' "$BUSYBOX_REF")
    run_kayak images --format '{{.Size}}|{{.CreatedSince}}|{{.CreatedAt}}' kayak/busybox
    assert "${output%%|*}" == "$(human_size "$size")" "SIZE"
    assert "$output" =~ "\|(Less than a second|[0-9]+ seconds?) ago\|" "CREATED of a fresh import"
    # CreatedAt: Go's time format, e.g. 2024-01-02 03:04:05 +0000 UTC.
    assert "${output##*|}" =~ '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4} [A-Z]+$'
    local at_epoch
    at_epoch=$(date -d "$(sed 's/ [A-Z]*$//' <<<"${output##*|}")" +%s)
    assert "$at_epoch" -eq "$(date -d "$created" +%s)" "CreatedAt is .Created"
}
