#!/usr/bin/env bats
# The registry fixtures themselves, checked with curl and skopeo only, so a
# broken fixture shows up here and not as a mysterious kayak failure.

load helpers
load registry_helpers

BUSYBOX_REF=busybox:1.38.0-musl

# http_status URL CURL-ARGS...: only the status code.
http_status() {
    local url=$1; shift
    curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$@" "$url"
}

# manifest_blobs REPO REF: "DIGEST SIZE" of the config and every layer of
# the manifest, read through registry_curl.
manifest_blobs() {
    registry_curl "/v2/$1/manifests/$2" \
        -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
        -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' |
        python3 -c 'import json, sys
m = json.load(sys.stdin)
for d in [m["config"]] + m["layers"]:
    print(d["digest"], d["size"])'
}

# sha256_of FILE: "sha256:HEX".
sha256_of() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }

@test "plain registry: /v2/ answers, skopeo pushes a fixture, curl and skopeo read it back" {
    skip_if_no_skopeo
    start_registry plain
    assert "$REGISTRY" =~ '^127\.0\.0\.1:[0-9]+$'
    assert "$REGISTRY_URL" == "http://$REGISTRY"
    assert "$(http_status "$REGISTRY_URL/v2/")" == 200 "ping"

    push_fixture busybox "$BUSYBOX_REF"
    run registry_curl /v2/library/busybox/tags/list
    assert "$output" =~ '"tags":\["1\.38\.0-musl"\]'

    # The layer comes back with the digest the fixture's manifest names.
    local digest size
    read -r digest size < <(manifest_blobs library/busybox 1.38.0-musl | tail -1)
    registry_curl "/v2/library/busybox/blobs/$digest" -o "$TEST_DIR/layer"
    assert "$(sha256_of "$TEST_DIR/layer")" == "$digest" "layer digest"
    assert "$(stat -c %s "$TEST_DIR/layer")" == "$size" "layer size"

    # The image ID is the fixture's config digest.
    registry_skopeo inspect --raw "docker://$REGISTRY/library/busybox:1.38.0-musl"
    assert "$status" -eq 0
    assert "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["digest"])' <<<"$output")" \
        == "$(oci_image_id "$(fixture busybox)" "$BUSYBOX_REF")"

    # Deletion is enabled (push tests clean up after themselves with it).
    local mdigest
    mdigest=$(registry_curl /v2/library/busybox/manifests/1.38.0-musl -I \
        -H 'Accept: application/vnd.oci.image.manifest.v1+json' |
        tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')
    assert "$mdigest" =~ '^sha256:[0-9a-f]{64}$'
    assert "$(registry_curl "/v2/library/busybox/manifests/$mdigest" -X DELETE -o /dev/null -w '%{http_code}')" == 202
}

@test "plain registry: teardown stops it; two registries run side by side" {
    start_registry plain
    local first=$REGISTRY first_pid
    first_pid=$(tail -1 "$TEST_DIR/registry-fixtures/pids")
    start_registry plain
    assert "$REGISTRY" != "$first"
    assert "$(http_status "http://$first/v2/")" == 200
    assert "$(http_status "$REGISTRY_URL/v2/")" == 200
    registry_teardown
    run http_status "http://$first/v2/"
    assert "$output" == 000 "the first registry still answers after teardown"
    _pid_alive "$first_pid" && die "registry process $first_pid still running"
    return 0
}

@test "basic registry: htpasswd credentials required, checked, accepted by skopeo" {
    skip_if_no_skopeo
    start_registry basic
    assert "$REGISTRY_USER" != ""
    run curl -s -i --max-time 30 "$REGISTRY_URL/v2/"
    assert "$output" =~ "HTTP/1.1 401"
    assert "$output" =~ 'Www-Authenticate: Basic realm="kayak-test-registry"'
    assert "$(http_status "$REGISTRY_URL/v2/" -u "$REGISTRY_USER:wrong")" == 401 "wrong password"
    assert "$(http_status "$REGISTRY_URL/v2/" -u "$REGISTRY_USER:$REGISTRY_PASSWORD")" == 200 "good password"

    push_fixture alpine 3.20.3 library/alpine:3.20.3
    registry_skopeo list-tags "docker://$REGISTRY/library/alpine"
    assert "$status" -eq 0
    assert "$output" =~ '"3\.20\.3"'
    # Without credentials skopeo is refused.
    run env HOME="$TEST_DIR/skopeo-home" XDG_RUNTIME_DIR= timeout 120 \
        skopeo list-tags --tls-verify=false "docker://$REGISTRY/library/alpine"
    assert "$status" -ne 0
    assert "$output" =~ "(unauthorized|authentication required)"
}

@test "tls registry: the CA made by the test under certs.d is needed and sufficient" {
    skip_if_no_openssl
    skip_if_no_skopeo
    start_registry tls
    assert "$REGISTRY_URL" == "https://$REGISTRY"
    assert "$(cat "$REGISTRY_CERTS_DIR/$REGISTRY/ca.crt")" == "$(cat "$REGISTRY_CA")"
    assert "$(cat "$TEST_HOME/.config/containers/certs.d/$REGISTRY/ca.crt")" == "$(cat "$REGISTRY_CA")"
    assert "$(http_status "$REGISTRY_URL/v2/" --cacert "$REGISTRY_CERTS_DIR/$REGISTRY/ca.crt")" == 200
    # The system CA store does not know the test CA; plain HTTP is refused.
    run curl -sS -o /dev/null --max-time 30 --capath /nonexistent --cacert /dev/null "$REGISTRY_URL/v2/"
    assert "$status" -ne 0 "curl without the CA"
    run curl -sS -o /dev/null --max-time 30 "$REGISTRY_URL/v2/"
    assert "$status" -eq 60 "curl with the system CAs only: $output"
    run http_status "http://$REGISTRY/v2/"
    assert "$output" == 400 "plain HTTP to the TLS port"
    # The certificate is for the IP address (SAN), not only the CN.
    openssl x509 -in "$(registry_pki)/server.crt" -noout -ext subjectAltName | grep -q 'IP Address:127.0.0.1' ||
        die "no IP SAN in the server certificate"

    push_fixture busybox "$BUSYBOX_REF"
    registry_skopeo inspect "docker://$REGISTRY/library/busybox:1.38.0-musl"
    assert "$status" -eq 0
}

@test "mtls registry: a client certificate from certs.d is required" {
    skip_if_no_openssl
    start_registry mtls
    assert "$(http_status "$REGISTRY_URL/v2/" --cacert "$REGISTRY_CA")" == 000 "no client certificate"
    local certs=$REGISTRY_CERTS_DIR/$REGISTRY
    [[ -f $certs/client.cert && -f $certs/client.key ]] || die "no client.cert/client.key in $certs"
    # (curl reads --cert FILE:PASSWORD, so the ':' of HOST:PORT is escaped)
    assert "$(http_status "$REGISTRY_URL/v2/" --cacert "$certs/ca.crt" \
        --cert "${certs//:/\\:}/client.cert" --key "$certs/client.key")" == 200
}

@test "basic+tls registry: both at once" {
    skip_if_no_openssl
    start_registry basic+tls
    assert "$(http_status "$REGISTRY_URL/v2/" --cacert "$REGISTRY_CA")" == 401
    assert "$(http_status "$REGISTRY_URL/v2/" --cacert "$REGISTRY_CA" -u "$REGISTRY_USER:$REGISTRY_PASSWORD")" == 200
}

@test "token registry: Bearer challenge, token server grants scopes, registry accepts its JWTs" {
    skip_if_no_openssl
    skip_if_no_skopeo
    start_registry token
    run curl -s -i --max-time 30 "$REGISTRY_URL/v2/library/busybox/tags/list"
    assert "$output" =~ "HTTP/1.1 401"
    assert "$output" =~ "Www-Authenticate: Bearer realm=\"$TOKEN_SERVER_URL/token\",service=\"$TOKEN_SERVICE\",scope=\"repository:library/busybox:pull\""

    # skopeo goes through the whole flow with the credentials.
    push_fixture busybox "$BUSYBOX_REF"
    run grep -c '"status": 200' "$TOKEN_SERVER_LOG"
    assert "$output" -ge 1 "tokens issued to skopeo"
    grep -q '"repository:library/busybox:pull,push"' "$TOKEN_SERVER_LOG" ||
        die "no push scope requested: $(cat "$TOKEN_SERVER_LOG")"

    # A token for the scope reads; none, or a wrong password, does not.
    local token
    token=$(registry_token repository:library/busybox:pull)
    assert "$(http_status "$REGISTRY_URL/v2/library/busybox/tags/list" -H "Authorization: Bearer $token")" == 200
    assert "$(http_status "$REGISTRY_URL/v2/library/redis/tags/list" -H "Authorization: Bearer $token")" == 401 \
        "a token for another repository"
    assert "$(http_status "$TOKEN_SERVER_URL/token?service=$TOKEN_SERVICE" -u "$REGISTRY_USER:wrong")" == 401
    run grep -c '"status": 401' "$TOKEN_SERVER_LOG"
    assert "$output" -ge 1 "the refusal is logged"

    # Anonymous callers get pull, never push.
    token=$(REGISTRY_USER='' registry_token repository:library/busybox:pull,push)
    assert "$(http_status "$REGISTRY_URL/v2/library/busybox/tags/list" -H "Authorization: Bearer $token")" == 200
    assert "$(http_status "$REGISTRY_URL/v2/library/busybox/blobs/uploads/" -X POST -H "Authorization: Bearer $token")" == 401
    assert "$(tail -1 "$TOKEN_SERVER_LOG")" =~ '"actions": \["pull"\]'
}

@test "token server: expired JWTs are refused by the registry, anonymous can be switched off" {
    skip_if_no_openssl
    start_registry token --anonymous=none
    assert "$(http_status "$TOKEN_SERVER_URL/token?service=$TOKEN_SERVICE")" == 401 "anonymous"
    curl -sS --max-time 30 "$TOKEN_SERVER_URL/_control/set?jwt_lifetime=-600" >/dev/null
    local token
    token=$(registry_token registry:catalog:*)
    assert "$(http_status "$REGISTRY_URL/v2/" -H "Authorization: Bearer $token")" == 401 "expired token"
    curl -sS --max-time 30 "$TOKEN_SERVER_URL/_control/set?jwt_lifetime=300" >/dev/null
    token=$(registry_token registry:catalog:*)
    assert "$(http_status "$REGISTRY_URL/v2/_catalog" -H "Authorization: Bearer $token")" == 200 "fresh token"
    # The OAuth2 POST flow (Docker's identity tokens) with a refresh token.
    run curl -sS --max-time 30 "$TOKEN_SERVER_URL/token" --data-urlencode grant_type=password \
        --data-urlencode "username=$REGISTRY_USER" --data-urlencode "password=$REGISTRY_PASSWORD" \
        --data-urlencode "service=$TOKEN_SERVICE" --data-urlencode access_type=offline \
        --data-urlencode "scope=registry:catalog:*"
    local refresh
    refresh=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["refresh_token"])' <<<"$output")
    run curl -sS --max-time 30 "$TOKEN_SERVER_URL/token" --data-urlencode grant_type=refresh_token \
        --data-urlencode "refresh_token=$refresh" --data-urlencode "service=$TOKEN_SERVICE" \
        --data-urlencode "scope=registry:catalog:*"
    token=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])' <<<"$output")
    assert "$(http_status "$REGISTRY_URL/v2/_catalog" -H "Authorization: Bearer $token")" == 200 "refreshed token"
}

@test "fault proxy: passes manifests, blobs and Range through unchanged" {
    skip_if_no_skopeo
    start_registry plain
    push_fixture busybox "$BUSYBOX_REF"
    start_fault_proxy
    local digest size
    read -r digest size < <(manifest_blobs library/busybox 1.38.0-musl | tail -1)
    curl -sS --max-time 60 -o "$TEST_DIR/whole" "$PROXY_URL/v2/library/busybox/blobs/$digest"
    assert "$(sha256_of "$TEST_DIR/whole")" == "$digest"
    # A Range request gets 206 and exactly those bytes.
    run curl -sS --max-time 60 -o "$TEST_DIR/part" -w '%{http_code}' -r 1000- \
        "$PROXY_URL/v2/library/busybox/blobs/$digest"
    assert "$output" == 206
    cmp "$TEST_DIR/part" <(tail -c +1001 "$TEST_DIR/whole") || die "ranged bytes differ"
    assert "$(proxy_requests 'blobs' | tail -1)" =~ "GET /v2/library/busybox/blobs/$digest 206 - range=bytes=1000-"
    # skopeo reads the whole image through it.
    run env HOME="$TEST_DIR/skopeo-home" timeout 120 skopeo --insecure-policy copy --quiet \
        --src-tls-verify=false "docker://$PROXY/library/busybox:1.38.0-musl" "oci:$TEST_DIR/copy:bb"
    assert "$status" -eq 0 "skopeo copy through the proxy: $output"
    assert "$(oci_image_id "$TEST_DIR/copy" bb)" == "$(oci_image_id "$(fixture busybox)" "$BUSYBOX_REF")"
}

@test "fault proxy: drop halfway once, then the blob comes whole (and resumes with Range)" {
    skip_if_no_skopeo
    start_registry plain
    push_fixture busybox "$BUSYBOX_REF"
    start_fault_proxy --fault drop
    local digest size url
    read -r digest size < <(manifest_blobs library/busybox 1.38.0-musl | tail -1)
    url=$PROXY_URL/v2/library/busybox/blobs/$digest
    run curl -sS --max-time 60 -o "$TEST_DIR/blob" "$url"
    assert "$status" -eq 18 "curl: transfer closed with outstanding read data"
    assert "$(stat -c %s "$TEST_DIR/blob")" == "$((size / 2))" "bytes before the cut"
    # Resume where it stopped; the fault was for one request only.
    curl -sS --max-time 60 -C - -o "$TEST_DIR/blob" "$url"
    assert "$(sha256_of "$TEST_DIR/blob")" == "$digest"
    run proxy_requests blobs
    assert "${lines[0]}" =~ " 200 drop range=- "
    assert "${lines[1]}" =~ " 206 - range=bytes=$((size / 2))- "
}

@test "fault proxy: 500 once, 429 with Retry-After once, 503, then success" {
    skip_if_no_skopeo
    start_registry plain
    push_fixture busybox "$BUSYBOX_REF"
    start_fault_proxy --fault 500 --fault 429
    local digest size url
    read -r digest size < <(manifest_blobs library/busybox 1.38.0-musl | tail -1)
    url=$PROXY_URL/v2/library/busybox/blobs/$digest
    assert "$(http_status "$url")" == 500
    run curl -s -i --max-time 30 "$url"
    assert "$output" =~ "HTTP/1.1 429"
    assert "$output" =~ "Retry-After: 1"
    assert "$(http_status "$url")" == 200
    # Manifests are not blobs: untouched by the default match...
    proxy_faults '503:2@/manifests/'
    assert "$(http_status "$url")" == 200
    # ... but a fault can target them; COUNT says how often.
    assert "$(http_status "$PROXY_URL/v2/library/busybox/manifests/1.38.0-musl")" == 503
    assert "$(http_status "$PROXY_URL/v2/library/busybox/manifests/1.38.0-musl")" == 503
    assert "$(http_status "$PROXY_URL/v2/library/busybox/manifests/1.38.0-musl" \
        -H 'Accept: application/vnd.oci.image.manifest.v1+json')" == 200
}

@test "fault proxy: flip corrupts every copy of a blob; ignore-range answers 200 in full" {
    skip_if_no_skopeo
    start_registry plain
    push_fixture busybox "$BUSYBOX_REF"
    start_fault_proxy --fault flip
    local digest size url
    read -r digest size < <(manifest_blobs library/busybox 1.38.0-musl | tail -1)
    url=$PROXY_URL/v2/library/busybox/blobs/$digest
    curl -sS --max-time 60 -o "$TEST_DIR/a" "$url"
    curl -sS --max-time 60 -o "$TEST_DIR/b" "$url"
    assert "$(stat -c %s "$TEST_DIR/a")" == "$size" "same length"
    assert "$(sha256_of "$TEST_DIR/a")" != "$digest" "first copy corrupt"
    assert "$(sha256_of "$TEST_DIR/b")" != "$digest" "second copy corrupt"
    assert "$(cmp -l "$TEST_DIR/a" "$TEST_DIR/b" | wc -l)" == 0 "the same byte flipped"
    registry_curl "/v2/library/busybox/blobs/$digest" -o "$TEST_DIR/good"
    assert "$(cmp -l "$TEST_DIR/a" "$TEST_DIR/good" | wc -l)" == 1 "exactly one byte differs"

    proxy_faults ignore-range
    run curl -sS --max-time 60 -o "$TEST_DIR/c" -w '%{http_code}' -r 1000- "$url"
    assert "$output" == 200
    assert "$(sha256_of "$TEST_DIR/c")" == "$digest" "the whole blob, not the range"
    assert "$(proxy_requests blobs | tail -1)" =~ " 200 ignore-range range=bytes=1000- "
}

@test "fault proxy: redirect to another host name; the redirected request carries no Authorization" {
    skip_if_no_skopeo
    start_registry basic
    push_fixture busybox "$BUSYBOX_REF"
    start_fault_proxy --fault redirect
    local digest size
    read -r digest size < <(manifest_blobs library/busybox 1.38.0-musl | tail -1)
    run curl -s -i --max-time 30 -u "$REGISTRY_USER:$REGISTRY_PASSWORD" \
        "$PROXY_URL/v2/library/busybox/blobs/$digest"
    assert "$output" =~ "HTTP/1.1 307"
    assert "$output" =~ "Location: http://localhost:${PROXY#*:}/_redirected/v2/library/busybox/blobs/$digest"
    proxy_faults redirect
    # curl, like a careful client, does not send credentials to the new host.
    curl -sS -L --max-time 60 -u "$REGISTRY_USER:$REGISTRY_PASSWORD" -o "$TEST_DIR/blob" \
        "$PROXY_URL/v2/library/busybox/blobs/$digest"
    assert "$(sha256_of "$TEST_DIR/blob")" == "$digest"
    run proxy_requests blobs
    assert "${lines[-2]}" =~ " 307 redirect range=- auth=yes"
    assert "${lines[-1]}" =~ "^GET /_redirected/v2/library/busybox/blobs/$digest 200 redirected range=- auth=no"
}

@test "search server: /v1/search in Docker Hub's shape, with n and page" {
    start_search_server
    run curl -sS --max-time 30 "$SEARCH_URL/v1/search?q=NGINX&n=3"
    assert "$status" -eq 0
    check_with_python '
import json, sys
body = json.load(sys.stdin)
data = json.load(open(sys.argv[1]))
want = [r for r in data["repositories"] if "nginx" in r["name"].lower() or "nginx" in r["description"].lower()]
assert body["query"] == "NGINX", body
assert body["num_results"] == len(want) > 3, body
assert body["page_size"] == 3 and body["page"] == 1
assert body["results"] == want[:3], body["results"]
for r in body["results"]:
    assert set(r) == {"name", "description", "star_count", "is_official", "is_automated"}, r
assert body["results"][0]["name"] == "nginx" and body["results"][0]["is_official"] is True
' "$SEARCH_DATA"
    run curl -sS --max-time 30 "$SEARCH_URL/v1/search?q=nginx&n=3&page=2"
    check_with_python 'import json, sys; b = json.load(sys.stdin); assert b["page"] == 2 and b["results"][0]["name"] == "ubuntu/nginx", b'
    run curl -sS --max-time 30 "$SEARCH_URL/v1/search?q=no-such-thing"
    check_with_python 'import json, sys; b = json.load(sys.stdin); assert b["num_results"] == 0 and b["results"] == [], b'
    grep -q '"path": "/v1/search"' "$SEARCH_LOG" || die "requests not logged"
}

@test "search server: --no-v1, catalog and tags with Link pagination (read by skopeo too)" {
    skip_if_no_skopeo
    start_search_server --no-v1 --page-size 4
    assert "$(http_status "$SEARCH_URL/v1/search?q=nginx")" == 404
    assert "$(http_status "$SEARCH_URL/v2/")" == 200
    # Follow Link headers by hand, as the spec says.
    local next=/v2/_catalog?n=3 all= headers pages=0
    while [[ -n $next ]]; do
        headers=$(curl -sS --max-time 30 -D - -o "$TEST_DIR/page" "$SEARCH_URL$next" | tr -d '\r')
        all+=$(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["repositories"]))' "$TEST_DIR/page")$NL
        next=$(sed -n 's/^Link: <\([^>]*\)>; rel="next"$/\1/p' <<<"$headers")
        pages=$((pages + 1))
        ((pages < 20)) || die "pagination does not end"
    done
    assert "$all" == "$(python3 -c 'import json,sys; print("\n".join(sorted(json.load(open(sys.argv[1]))["tags"])))' "$SEARCH_DATA")$NL"
    assert "$pages" -gt 1 "more than one page"
    # The page size caps n.
    run curl -sS --max-time 30 "$SEARCH_URL/v2/library/nginx/tags/list?n=50"
    check_with_python 'import json, sys; b = json.load(sys.stdin); assert len(b["tags"]) == 4, b'
    # skopeo follows the tag list's Link pages to the end.
    run env HOME="$TEST_DIR/skopeo-home" timeout 120 skopeo list-tags --tls-verify=false \
        "docker://$SEARCH_SERVER/library/nginx"
    assert "$status" -eq 0
    check_with_python 'import json, sys
tags = json.load(sys.stdin)["Tags"]
want = json.load(open(sys.argv[1]))["tags"]["library/nginx"]
assert sorted(tags) == sorted(want), (len(tags), len(want))' "$SEARCH_DATA"
}

@test "search server: --users requires Basic credentials" {
    printf 'searcher:s3cret\n' >"$TEST_DIR/users"
    start_search_server --users "$TEST_DIR/users"
    run curl -s -i --max-time 30 "$SEARCH_URL/v1/search?q=redis"
    assert "$output" =~ "HTTP/1.1 401"
    assert "$output" =~ 'WWW-Authenticate: Basic realm="kayak-test-search"'
    assert "$(http_status "$SEARCH_URL/v1/search?q=redis" -u searcher:wrong)" == 401
    assert "$(http_status "$SEARCH_URL/v1/search?q=redis" -u searcher:s3cret)" == 200
}
