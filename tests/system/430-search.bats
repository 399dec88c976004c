#!/usr/bin/env bats
# kayak search: /v1/search in Docker Hub's shape, the catalog fallback,
# filters, limits, truncation, --format, --list-tags with Link pagination,
# against the search server fixture and Debian's docker-registry.

load helpers
load registry_helpers

# expected_search ARGS...: the table `search` should print for the search
# server's data (registry/expected_search.py computes it on its own).
expected_search() {
    python3 "$REGISTRY_FIXTURES/expected_search.py" --data "$SEARCH_DATA" --table "$@"
}

# search_requests PATH: how many requests for PATH the search server got.
search_requests() {
    grep -c "\"path\": \"$1\"" "$SEARCH_LOG" || true
}

@test "search: the table from /v1/search, descriptions cut at 45 columns" {
    start_search_server
    run_kayak_split search "$SEARCH_SERVER/nginx"
    assert "$output" == "$(expected_search --term nginx --registry "$SEARCH_SERVER")"
    assert "${lines[0]}" =~ "^NAME +DESCRIPTION +STARS +OFFICIAL +AUTOMATED$"
    assert "${lines[1]}" =~ "^$SEARCH_SERVER/nginx +Official build of Nginx\. +20563 +\[OK\] *$"
    # Cut by columns, not bytes: the umlaut description ends in … at 45.
    assert "$output" =~ "Nginx für Übungen — ein schönes Bild mit Uml… "
    assert "$output" =~ "First line of nginx notes second line"
    assert "$(search_requests /v1/search)" -eq 1
    grep -q '"n": \["25"\], "q": \["nginx"\]' "$SEARCH_LOG" || die "not n=25: $(cat "$SEARCH_LOG")"
}

@test "search: --no-trunc, --limit, and no results" {
    start_search_server
    run_kayak search --no-trunc "$SEARCH_SERVER/nginx"
    assert "$output" == "$(expected_search --term nginx --registry "$SEARCH_SERVER" --no-trunc)"
    assert "$output" =~ "Bitnami container image for NGINX, a fast and secure web server"

    run_kayak search --limit 2 "$SEARCH_SERVER/nginx"
    assert "$output" == "$(expected_search --term nginx --registry "$SEARCH_SERVER" --limit 2)"
    assert_line_count 3
    grep -q '"n": \["2"\]' "$SEARCH_LOG" || die "the limit was not sent as n"

    run_kayak search "$SEARCH_SERVER/nothing-like-this"
    assert "$output" == "NAME      DESCRIPTION   STARS     OFFICIAL   AUTOMATED"
}

@test "search --filter: stars, is-official, is-automated as Docker applies them" {
    start_search_server
    run_kayak search --filter stars=150 "$SEARCH_SERVER/nginx"
    assert "$output" == "$(expected_search --term nginx --registry "$SEARCH_SERVER" --filter stars=150)"
    assert_line_count 4
    run_kayak search --filter is-official=true "$SEARCH_SERVER/nginx"
    assert "$output" == "$(expected_search --term nginx --registry "$SEARCH_SERVER" --filter is-official=true)"
    assert_line_count 2
    run_kayak search -f is-automated=true -f stars=5 "$SEARCH_SERVER/nginx"
    assert "$output" == "$(expected_search --term nginx --registry "$SEARCH_SERVER" \
        --filter is-automated=true --filter stars=5)"
    assert "${lines[1]}" =~ "^$SEARCH_SERVER/kayaktest/nginx-autobuild "
    assert_line_count 2
}

@test "search: bad --limit and --filter fail before any request" {
    start_search_server
    run_kayak 125 search --limit 101 "$SEARCH_SERVER/nginx"
    assert_error "^Error: limit 101 is outside the range of \[1, 100\]$"
    run_kayak 125 search --limit abc "$SEARCH_SERVER/nginx"
    assert_error 'invalid argument "abc" for "--limit" flag'
    run_kayak 125 search --filter stars=many "$SEARCH_SERVER/nginx"
    assert_error "^Error: invalid filter 'stars=many'$"
    run_kayak 125 search --filter color=red "$SEARCH_SERVER/nginx"
    assert_error "^Error: invalid filter 'color'$"
    run_kayak 125 search --filter is-official "$SEARCH_SERVER/nginx"
    assert_error "bad format of filter \(expected name=value\)"
    assert "$(search_requests /v1/search)" -eq 0 "requests sent"
}

@test "search --format: podman's fields, Docker's names for them, json" {
    start_search_server
    run_kayak search --limit 3 --format '{{.Index}}|{{.Name}}|{{.Stars}}|{{.Official}}|{{.Automated}}|{{.Tag}}' \
        "$SEARCH_SERVER/nginx"
    assert "$output" == "$SEARCH_SERVER|$SEARCH_SERVER/nginx|20563|[OK]||
$SEARCH_SERVER|$SEARCH_SERVER/bitnami/nginx|192|||
$SEARCH_SERVER|$SEARCH_SERVER/nginxinc/nginx-unprivileged|151|||"
    run_kayak search --limit 1 --format 'table {{.Name}}\t{{.StarCount}}\t{{.IsOfficial}}\t{{.IsAutomated}}' \
        "$SEARCH_SERVER/nginx"
    assert "${lines[0]}" =~ "^NAME +STARS +OFFICIAL +AUTOMATED$"
    assert "${lines[1]}" =~ "^$SEARCH_SERVER/nginx +20563 +\[OK\] *$"
    # Descriptions are cut in templates too, unless --no-trunc.
    run_kayak search --limit 2 --format '{{.Description}}' "$SEARCH_SERVER/nginx"
    assert "${lines[1]}" == "Bitnami container image for NGINX, a fast an…"
    run_kayak search --no-trunc --limit 2 --format '{{.Description}}' "$SEARCH_SERVER/nginx"
    assert "${lines[1]}" == "Bitnami container image for NGINX, a fast and secure web server"
    run_kayak search --limit 2 --format json "$SEARCH_SERVER/redis"
    check_with_python 'import json, sys
rows = [json.loads(l) for l in sys.stdin.read().splitlines()]
assert len(rows) == 2, rows
assert rows[0]["Name"].endswith("/redis") and rows[0]["Stars"] == 13081 and rows[0]["Official"] == "[OK]", rows
assert set(rows[0]) >= {"Index", "Name", "Description", "Stars", "Official", "Automated", "Tag"}, rows'
    run_kayak 125 search --format '{{.Nope}}' "$SEARCH_SERVER/nginx"
    assert_error "can't evaluate field Nope"
}

@test "search: a registry without v1 search is searched through its catalog, all pages" {
    start_search_server --no-v1 --page-size 2
    run_kayak search "$SEARCH_SERVER/nginx"
    assert "$output" == "$(expected_search --term nginx --registry "$SEARCH_SERVER" --catalog)"
    assert "${lines[1]}" =~ "^$SEARCH_SERVER/bitnami/nginx +0 *$"
    assert "$(search_requests /v1/search)" -eq 1 "v1 tried first"
    assert "$(search_requests /v2/_catalog)" -ge 3 "catalog pages followed"
    # Filters and the limit apply to the catalog too.
    run_kayak search --limit 1 "$SEARCH_SERVER/nginx"
    assert_line_count 2
    run_kayak search --filter stars=1 "$SEARCH_SERVER/nginx"
    assert_line_count 1
}

@test "search: Debian's docker-registry (no v1 search) through its catalog" {
    skip_if_no_skopeo
    start_registry plain
    push_fixture busybox busybox:1.38.0-musl
    push_fixture alpine 3.20.3 library/alpine:3.20.3
    push_fixture busybox busybox:1.38.0-musl tools/busybox-extra:v1
    run_kayak search "$REGISTRY/busybox"
    assert "$output" == "$(printf 'NAME\tDESCRIPTION\tSTARS\tOFFICIAL\tAUTOMATED\n%s\t\t0\t\t\n%s\t\t0\t\t\n' \
        "$REGISTRY/library/busybox" "$REGISTRY/tools/busybox-extra" | docker_table)"
}

@test "search and --list-tags on a registry with basic auth: credentials from login or --authfile" {
    skip_if_no_skopeo
    start_registry basic
    push_fixture busybox busybox:1.38.0-musl
    run_kayak 125 search "$REGISTRY/busybox"
    assert "$output" =~ "$REGISTRY" "without credentials: an error naming the registry"
    # Credentials in a file of the user's choosing (podman's auth.json shape).
    local authfile=$TEST_DIR/auth.json
    printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REGISTRY" \
        "$(printf '%s:%s' "$REGISTRY_USER" "$REGISTRY_PASSWORD" | base64 -w0)" >"$authfile"
    run_kayak search --authfile "$authfile" "$REGISTRY/busybox"
    assert "${lines[1]}" =~ "^$REGISTRY/library/busybox " "found through the catalog with --authfile"
    run_kayak search --authfile "$authfile" --list-tags "$REGISTRY/library/busybox"
    assert "${lines[1]}" =~ "^$REGISTRY/library/busybox +1.38.0-musl$"
    # And what login saved, without --authfile.
    printf '%s\n' "$REGISTRY_PASSWORD" | kayak login -u "$REGISTRY_USER" --password-stdin "$REGISTRY"
    run_kayak search "$REGISTRY/busybox"
    assert "${lines[1]}" =~ "^$REGISTRY/library/busybox "
}

@test "search --list-tags: every tag through Link pages, NAME TAG table, --limit" {
    start_search_server --page-size 10
    run_kayak search --list-tags "$SEARCH_SERVER/library/nginx"
    local want
    want=$(python3 -c 'import json, sys
tags = sorted(json.load(open(sys.argv[1]))["tags"]["library/nginx"])
print("\n".join(tags))' "$SEARCH_DATA")
    assert "${lines[0]}" =~ "^NAME +TAG$"
    assert "$(tail -n +2 <<<"$output" | awk '{ print $2 }')" == "$want"
    assert "$(tail -n +2 <<<"$output" | awk '{ print $1 }' | sort -u)" == "$SEARCH_SERVER/library/nginx"
    assert "$(search_requests /v2/library/nginx/tags/list)" -ge 11 "pages followed"

    run_kayak search --list-tags --limit 3 --format '{{.Name}}:{{.Tag}}' "$SEARCH_SERVER/library/nginx"
    assert "$output" == "$(head -3 <<<"$want" | sed "s|^|$SEARCH_SERVER/library/nginx:|")"

    run_kayak 125 search --list-tags --filter stars=3 "$SEARCH_SERVER/library/nginx"
    assert_error "filters are not applicable to list tags result"
    run_kayak 125 search --list-tags "$SEARCH_SERVER/library/nginx:latest"
    assert_error "without a tag or digest"
    run_kayak 125 search --list-tags "$SEARCH_SERVER/library/nope"
    assert_error "(NAME_UNKNOWN|not known|404)"
}

@test "search --list-tags: a registry behind a token server (anonymous pull token)" {
    skip_if_no_skopeo
    skip_if_no_openssl
    start_registry token
    push_fixture busybox busybox:1.38.0-musl
    push_fixture busybox busybox:1.38.0-musl library/busybox:latest
    run_kayak search --list-tags --format '{{.Tag}}' "$REGISTRY/library/busybox"
    # (in the registry's order, which docker-registry does not sort)
    assert "$(sort <<<"$output")" == "1.38.0-musl${NL}latest"
    # kayak fetched an anonymous token for exactly that repository.
    run tail -1 "$TOKEN_SERVER_LOG"
    assert "$output" =~ '"scopes": \["repository:library/busybox:pull"\]'
    assert "$output" =~ '"user": null'
}

@test "search --list-tags: TLS with the CA under certs.d, or --tls-verify=false" {
    skip_if_no_skopeo
    skip_if_no_openssl
    start_registry tls
    push_fixture busybox busybox:1.38.0-musl
    HOME=$TEST_HOME run_kayak search --list-tags --format '{{.Tag}}' "$REGISTRY/library/busybox"
    assert "$output" == "1.38.0-musl"
    run_kayak search --tls-verify=false --list-tags --format '{{.Tag}}' "$REGISTRY/library/busybox"
    assert "$output" == "1.38.0-musl"
}

@test "search: an unreachable registry is an error naming it" {
    local port
    port=$(_free_port)
    run_kayak 125 search "127.0.0.1:$port/nginx"
    assert_error "127\.0\.0\.1:$port"
}

@test "search --help shows its flags" {
    run_kayak search --help
    assert "$output" =~ "Usage: +kayak search \[OPTIONS\] TERM"
    for flag in "-f, --filter" "--format" "--limit" "--list-tags" "--no-trunc" "--tls-verify"; do
        assert_contains "$flag"
    done
    run_kayak --help
    assert "$output" =~ "$NL  search +Search a registry for images"
    run_kayak 125 search
    assert "$output" =~ "requires exactly 1 argument"
}
