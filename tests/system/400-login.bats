#!/usr/bin/env bats
# login / logout against Debian's docker-registry with htpasswd (basic auth)
# on 127.0.0.1: credentials checked before they are saved, auth.json where
# podman keeps it, podman's and Docker's files read, credential helpers.

load helpers
load registry_helpers

setup() {
    basic_setup
    skip_if_no_registry
    skip_if_no_htpasswd
    # Only this test's files: no user's or system's configuration.
    export HOME=$TEST_DIR/home XDG_RUNTIME_DIR=$TEST_DIR/xdg
    mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
    unset REGISTRY_AUTH_FILE DOCKER_CONFIG XDG_CONFIG_HOME
    export CONTAINERS_REGISTRIES_CONF=$TEST_DIR/registries.conf
    : >"$CONTAINERS_REGISTRIES_CONF"
    AUTH_JSON=$XDG_RUNTIME_DIR/containers/auth.json
}

# auth_of USER PASSWORD: the "auth" value podman and Docker store.
auth_of() { printf '%s:%s' "$1" "$2" | base64 -w0; }

login_stdin() {
    printf '%s\n' "$REGISTRY_PASSWORD" | kayak login -u "$REGISTRY_USER" --password-stdin "$@"
}

@test "login checks the credentials, saves them 0600 where podman does; --get-login; logout" {
    start_registry basic
    run login_stdin "$REGISTRY"
    assert "$status" -eq 0 "login status ($output)"
    assert "$output" == "Login Succeeded!"
    assert "$(stat -c %a "$AUTH_JSON")" == 600 "auth.json mode"
    assert "$(stat -c %a "$(dirname "$AUTH_JSON")")" == 700 "its directory's mode"
    run python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["auths"][sys.argv[2]]["auth"])' "$AUTH_JSON" "$REGISTRY"
    assert "$output" == "$(auth_of "$REGISTRY_USER" "$REGISTRY_PASSWORD")" "the stored auth"

    run_kayak login --get-login "$REGISTRY"
    assert "$output" == "$REGISTRY_USER"

    # Nothing given and the stored credentials still work: already logged in.
    run_kayak login "$REGISTRY" </dev/null
    assert "${lines[0]}" == "Authenticating with existing credentials for $REGISTRY"
    assert "${lines[1]}" == "Existing credentials are valid. Already logged in to $REGISTRY"

    run_kayak logout "$REGISTRY"
    assert "$output" == "Removed login credentials for $REGISTRY"
    run_kayak 125 logout "$REGISTRY"
    assert_error "not logged into $REGISTRY"
    run_kayak 125 login --get-login "$REGISTRY"
    assert_error "not logged into $REGISTRY"
}

@test "a wrong password is refused by the registry and nothing is saved; no secret in messages" {
    start_registry basic
    run_kayak_split 125 login -u "$REGISTRY_USER" -p 'not-the-Pa55word' "$REGISTRY"
    assert_error "logging into \"$REGISTRY\""
    assert_not_contains "not-the-Pa55word" "$stderr"
    assert_not_contains "Login Succeeded" "$output"
    assert "${stderr_lines[0]}" == "WARNING! Using --password via the CLI is insecure. Use --password-stdin."
    [[ ! -e $AUTH_JSON ]] || die "auth.json was written: $(cat "$AUTH_JSON")"

    run_kayak 125 login -u someone -p x --password-stdin "$REGISTRY"
    assert_error "--password and --password-stdin are mutually exclusive"
    run_kayak 125 login --password-stdin "$REGISTRY" </dev/null
    assert_error "Must provide --username with --password-stdin"
}

@test "--authfile and \$REGISTRY_AUTH_FILE choose the file; other keys in it are kept" {
    start_registry basic
    local file=$TEST_DIR/sub/my-auth.json
    mkdir -p "$(dirname "$file")"
    echo '{"auths": {"other.example": {"auth": "'"$(auth_of a b)"'"}}, "credHelpers": {}, "x-extra": true}' >"$file"
    run login_stdin --authfile "$file" "$REGISTRY"
    assert "$output" == "Login Succeeded!"
    [[ ! -e $AUTH_JSON ]] || die "the default auth.json was written too"
    run python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sorted(d["auths"]), d["x-extra"], "credHelpers" in d)' "$file"
    assert "$output" == "['$REGISTRY', 'other.example'] True True"

    REGISTRY_AUTH_FILE=$file run_kayak login --get-login "$REGISTRY"
    assert "$output" == "$REGISTRY_USER"
    run_kayak 125 login --get-login "$REGISTRY"
    assert_error "not logged into $REGISTRY"
    REGISTRY_AUTH_FILE=$file run_kayak logout --all
    assert "$output" == "Removed login credentials for all registries"
    run python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["auths"], d["x-extra"])' "$file"
    assert "$output" == "{} True"
}

@test "podman reads what kayak wrote, kayak reads what podman wrote" {
    start_registry basic
    command -v podman >/dev/null || skip "podman is not installed"
    local file=$TEST_DIR/auth.json
    run login_stdin --authfile "$file" "$REGISTRY"
    assert "$output" == "Login Succeeded!"
    # (podman's own warnings about rootless set-up go to stderr)
    run --separate-stderr podman login --authfile "$file" --get-login "$REGISTRY"
    assert "$output" == "$REGISTRY_USER" "podman --get-login ($stderr)"

    local other=$TEST_DIR/podman-auth.json
    run --separate-stderr podman login --tls-verify=false --authfile "$other" -u "$REGISTRY_USER" -p "$REGISTRY_PASSWORD" "$REGISTRY"
    assert "$status" -eq 0 "podman login: $output $stderr"
    run_kayak login --authfile "$other" --get-login "$REGISTRY"
    assert "$output" == "$REGISTRY_USER"
    run_kayak logout --authfile "$other" "$REGISTRY"
    run --separate-stderr podman login --authfile "$other" --get-login "$REGISTRY"
    assert "$status" -ne 0 "podman sees the logout"
}

@test "Docker's config.json is read (URL keys normalized); logout points at it" {
    start_registry basic
    mkdir -p "$HOME/.docker"
    echo '{"auths": {"http://'"$REGISTRY"'/v2/": {"auth": "'"$(auth_of "$REGISTRY_USER" "$REGISTRY_PASSWORD")"'"}}}' \
        >"$HOME/.docker/config.json"
    run_kayak login --get-login "$REGISTRY"
    assert "$output" == "$REGISTRY_USER"
    run_kayak login "$REGISTRY" </dev/null
    assert "${lines[1]}" == "Existing credentials are valid. Already logged in to $REGISTRY"
    run_kayak 125 logout "$REGISTRY"
    assert_error "not logged into $REGISTRY with current tool"
    assert_contains ".docker/config.json"

    # Stale credentials there: kayak says so and asks again (the stored
    # user is the default answer; stdin is empty, so no password).
    echo '{"auths": {"'"$REGISTRY"'": {"auth": "'"$(auth_of "$REGISTRY_USER" stale)"'"}}}' >"$HOME/.docker/config.json"
    run_kayak 125 login "$REGISTRY" </dev/null
    assert "${lines[1]}" == "Existing credentials are invalid, please enter valid username and password"
    assert "${lines[2]}" == "Username ($REGISTRY_USER): "
    assert "${lines[3]}" == "Password: "
    assert_error "Password Required"
    run_kayak 125 logout "$REGISTRY"
    run_kayak 125 login --authfile "$TEST_DIR/none.json" "$REGISTRY" </dev/null
    assert "${lines[0]}" == "Username: "
    assert_error "Non-null Username Required"
}

@test "prompts on a terminal: the password is not echoed" {
    start_registry basic
    run python3 "$KAYAK_TESTS_DIR/pty_session.py" \
        'expect:Username: ' "send:$REGISTRY_USER\\n" 'expect:Password: ' "send:$REGISTRY_PASSWORD\\n" \
        -- "$KAYAK_BINARY" login "$REGISTRY"
    echo "$output" | sed 's/^/# /'
    assert "$status" -eq 0 "login on a terminal"
    assert_contains "Login Succeeded!"
    assert_not_contains "$REGISTRY_PASSWORD"
    assert_contains "terminal: restored"
    run_kayak login --get-login "$REGISTRY"
    assert "$output" == "$REGISTRY_USER"
}

@test "credHelpers: the secret goes to docker-credential-NAME, never to the file or its arguments" {
    start_registry basic
    local bin=$TEST_DIR/bin store=$TEST_DIR/helper-store
    mkdir -p "$bin" "$store" "$(dirname "$AUTH_JSON")"
    cat >"$bin/docker-credential-kayaktest" <<'PY'
#!/usr/bin/env python3
import json, os, sys
store = os.environ["HELPER_STORE"]
open(os.path.join(store, "argv.log"), "a").write(" ".join(sys.argv) + "\n")
data = sys.stdin.read()
def path(server): return os.path.join(store, server.replace(":", "_").replace("/", "_"))
if sys.argv[1] == "store":
    req = json.loads(data); json.dump(req, open(path(req["ServerURL"]), "w"))
elif os.path.exists(path(data.strip())):
    if sys.argv[1] == "get": print(open(path(data.strip())).read())
    else: os.unlink(path(data.strip()))
else:
    print("credentials not found in native keychain"); sys.exit(1)
PY
    chmod +x "$bin/docker-credential-kayaktest"
    echo '{"credHelpers": {"'"$REGISTRY"'": "kayaktest"}}' >"$AUTH_JSON"
    export PATH=$bin:$PATH HELPER_STORE=$store

    run login_stdin "$REGISTRY"
    assert "$output" == "Login Succeeded!"
    assert_not_contains "auth\"" "$(cat "$AUTH_JSON")"
    assert "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Username"])' "$store/${REGISTRY//:/_}")" == "$REGISTRY_USER"
    run_kayak login --get-login "$REGISTRY"
    assert "$output" == "$REGISTRY_USER"
    assert_not_contains "$REGISTRY_PASSWORD" "$(cat "$store/argv.log")"
    run_kayak logout "$REGISTRY"
    assert "$output" == "Removed login credentials for $REGISTRY"
    [[ ! -e $store/${REGISTRY//:/_} ]] || die "the helper still holds the credentials"
}

@test "login to a registry without auth, and a repository key" {
    start_registry plain
    run kayak login -u anyone --password-stdin "$REGISTRY/ns/repo" <<<"whatever"
    assert "$status" -eq 0 "login: $output"
    assert "$output" == "Login Succeeded!"
    run_kayak login --get-login "$REGISTRY/ns/repo"
    assert "$output" == "anyone"
    run_kayak 125 login --get-login "$REGISTRY"
    assert_error "not logged into $REGISTRY"
    run_kayak 125 login --get-login "$REGISTRY/ns/repo:tag"
    assert_error "contains tag or digest"
}

@test "pull uses the stored login; a registry blocked in registries.conf is refused" {
    skip_if_no_skopeo
    start_registry basic
    push_fixture busybox "$FIXTURE_BUSYBOX_REF"
    local ref=$REGISTRY/library/busybox:1.38.0-musl
    run_kayak 125 pull -q "$ref"
    run login_stdin "$REGISTRY"
    assert "$output" == "Login Succeeded!"
    # stdout alone: without a subuid range a warning about owners goes to stderr.
    run_kayak_split pull -q "$ref"
    assert "$output" == "$ref"

    printf '[[registry]]\nlocation = "%s"\nblocked = true\n' "$REGISTRY" >"$CONTAINERS_REGISTRIES_CONF"
    run_kayak 125 pull -q "$ref"
    assert_error "registry $REGISTRY is blocked in $CONTAINERS_REGISTRIES_CONF"
}
