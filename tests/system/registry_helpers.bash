# -*- bash -*-
# Registry fixtures for the system tests: Debian's docker-registry (plain
# HTTP, htpasswd basic auth, TLS with a CA made here, client certificates,
# bearer tokens from tests/system/registry/token_server.py), a
# fault-injecting proxy (registry/fault_proxy.py) and a search endpoint
# (registry/search_server.py). Every server listens on 127.0.0.1 on a free
# port, is waited for by polling, and is stopped in teardown.
#
# Use:   load helpers
#        load registry_helpers
# This file defines teardown() as registry_teardown + basic_teardown; a test
# file with its own teardown must call registry_teardown itself.
#
#   start_registry [MODE] [TOKEN-SERVER-ARGS...]
#       MODE: plain (default), basic, tls, mtls, token, or a '+' join such as
#       basic+tls or token+tls. Exports
#         REGISTRY             127.0.0.1:PORT
#         REGISTRY_URL         http(s)://127.0.0.1:PORT
#         REGISTRY_MODE, REGISTRY_DIR (config, storage, log), REGISTRY_LOG
#         REGISTRY_USER, REGISTRY_PASSWORD  (basic and token)
#         REGISTRY_CERTS_DIR   (tls) a certs.d directory holding
#                              127.0.0.1:PORT/ca.crt (+ client.cert/.key
#                              for mtls); the same files are also under
#                              $TEST_HOME/.config/containers/certs.d
#         REGISTRY_CA          (tls) the CA certificate
#         TEST_HOME            a home directory inside the test dir, for
#                              `HOME=$TEST_HOME run_kayak ...`
#         TOKEN_SERVER, TOKEN_SERVER_URL, TOKEN_SERVER_LOG, TOKEN_SERVICE  (token)
#       TOKEN-SERVER-ARGS go to token_server.py (e.g. --anonymous=none).
#       Calling it again starts another registry and re-exports everything;
#       save the variables first to use two.
#   start_fault_proxy [--fault SPEC]...
#       A proxy in front of $REGISTRY_URL; exports PROXY (127.0.0.1:PORT),
#       PROXY_URL, PROXY_LOG. See registry/fault_proxy.py for SPECs.
#   proxy_faults SPEC...        replace the proxy's faults (none: clear)
#   proxy_requests [FILTER]     the proxy's log, one "METHOD PATH STATUS FAULT"
#                               line per request (FILTER: a grep -E regex)
#   start_search_server [ARGS...]
#       registry/search_server.py; exports SEARCH_SERVER, SEARCH_URL,
#       SEARCH_LOG, SEARCH_DATA (the data file, to compute expectations from).
#   push_fixture SUBDIR REF [NAME:TAG]
#       copy the OCI layout fixture SUBDIR and put REF from it into
#       $REGISTRY as NAME:TAG (default library/REF when REF has a tag, else
#       library/SUBDIR:REF), with skopeo and the registry's credentials/CA.
#   registry_curl PATH [CURL-ARGS...]
#       curl $REGISTRY_URL$PATH with the CA, client cert and credentials of
#       the current registry (a bearer token fetched first in token mode;
#       set REGISTRY_SCOPE for the scope). Output: the body.
#   registry_token SCOPE...    a token from the token server (basic creds)
#   registry_skopeo CMD ARGS... skopeo inspect/list-tags with the registry's CA/creds
#   skip_if_no_registry, skip_if_no_openssl, skip_if_no_htpasswd

REGISTRY_FIXTURES=$KAYAK_TESTS_DIR/registry
# Seconds a fixture may take to start; generous for a loaded 2-core box.
REGISTRY_START_TIMEOUT=${REGISTRY_START_TIMEOUT:-60}
REGISTRY_TEST_USER=kayaktester
# Not a secret: test-only credentials for a registry that lives for one test.
REGISTRY_TEST_PASSWORD='t3st:Pa$$ w0rd'

teardown() {
    registry_teardown
    basic_teardown
}

# ------------------------------------------------------------- skipping

skip_if_no_registry() {
    command -v docker-registry >/dev/null ||
        skip "docker-registry is not installed (Debian package docker-registry)"
}
skip_if_no_openssl() {
    command -v openssl >/dev/null || skip "openssl is not installed"
}
skip_if_no_htpasswd() {
    command -v htpasswd >/dev/null || _python_has_bcrypt ||
        skip "no bcrypt for htpasswd files (install apache2-utils)"
}
_python_has_bcrypt() {
    python3 -W ignore -c 'import crypt, sys; sys.exit(crypt.METHOD_BLOWFISH not in crypt.methods)' 2>/dev/null
}

# ------------------------------------------------------------- processes

_fixture_state() {
    [[ -n ${TEST_DIR:-} ]] || die "registry fixtures need TEST_DIR (basic_setup)"
    mkdir -p "$TEST_DIR/registry-fixtures"
    echo "$TEST_DIR/registry-fixtures"
}

# _fixture_spawn LOG CMD...: start CMD in the background with its output in
# LOG and fd 3 closed (bats waits for fd 3 otherwise); remember its PID for
# teardown. Sets FIXTURE_PID.
_fixture_spawn() {
    local log=$1; shift
    "$@" </dev/null >"$log" 2>&1 3>&- &
    FIXTURE_PID=$!
    echo "$FIXTURE_PID" >>"$(_fixture_state)/pids"
}

# _pid_alive PID: running and not a zombie.
_pid_alive() {
    local state
    state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
    [[ -n $state && $state != Z && $state != X ]]
}

_fixture_stop() {
    local pid=$1 i
    # (|| true: wait reports the signal that ended it; set -e is on in tests)
    _pid_alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 50; i++)); do
        _pid_alive "$pid" || break
        sleep 0.1
    done
    _pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
}

# registry_teardown: stop every fixture this test started.
registry_teardown() {
    local pids=${TEST_DIR:-}/registry-fixtures/pids pid
    [[ -n ${TEST_DIR:-} && -f $pids ]] || return 0
    while read -r pid; do
        [[ -n $pid ]] && _fixture_stop "$pid"
    done <"$pids"
    rm -f "$pids"
}

# _fail_fixture NAME LOG MESSAGE: fail the test with the fixture's log.
_fail_fixture() {
    {
        echo "# $1: $3; its log ($2):"
        sed 's/^/#   /' "$2" 2>/dev/null | tail -40
    } >&2
    die "$1: $3"
}

# _wait_http URL PID [CURL-ARGS...]: poll until URL answers any HTTP status;
# fails when PID dies or after REGISTRY_START_TIMEOUT.
_wait_http() {
    local url=$1 pid=$2; shift 2
    local deadline=$((SECONDS + REGISTRY_START_TIMEOUT)) code
    while ((SECONDS < deadline)); do
        _pid_alive "$pid" || return 1
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "$url" 2>/dev/null) || true
        [[ -n $code && $code != 000 ]] && return 0
        sleep 0.1
    done
    return 2
}

# _start_python_server NAME SCRIPT ARGS...: start a fixture server that
# picks its own port; sets FIXTURE_PORT, FIXTURE_PID, FIXTURE_DIR.
_start_python_server() {
    local name=$1 script=$2; shift 2
    local dir
    dir=$(_fixture_state)/$name.$RANDOM$RANDOM
    mkdir -p "$dir"
    _fixture_spawn "$dir/stderr" python3 "$REGISTRY_FIXTURES/$script" \
        --port-file "$dir/port" --log "$dir/requests.jsonl" "$@"
    local deadline=$((SECONDS + REGISTRY_START_TIMEOUT))
    while [[ ! -s $dir/port ]]; do
        _pid_alive "$FIXTURE_PID" || _fail_fixture "$name" "$dir/stderr" "exited while starting"
        ((SECONDS < deadline)) || _fail_fixture "$name" "$dir/stderr" "not listening after ${REGISTRY_START_TIMEOUT}s"
        sleep 0.1
    done
    FIXTURE_PORT=$(<"$dir/port")
    FIXTURE_DIR=$dir
}

_free_port() {
    python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ------------------------------------------------------------- PKI

# registry_pki: a directory with a CA (ca.crt, ca.key), a server certificate
# for IP:127.0.0.1 and DNS:localhost signed by it (server.crt, server.key),
# a client certificate (client.cert, client.key), and a self-signed RSA key
# pair for signing tokens (token.crt, token.key). Made once per bats run.
registry_pki() {
    local pki=${BATS_RUN_TMPDIR:?}/registry-pki
    if [[ ! -f $pki/done ]]; then
        local tmp
        tmp=$(mktemp -d "$pki.XXXXXX")
        _make_pki "$tmp" >"$tmp.log" 2>&1 ||
            _fail_fixture openssl "$tmp.log" "could not make the test certificates"
        touch "$tmp/done"
        mv -T "$tmp" "$pki" 2>/dev/null || rm -rf "$tmp"
    fi
    echo "$pki"
}

# _make_pki DIR (a subshell: it changes directory; && chains because
# set -e does not apply in the || context it is called in).
_make_pki() (
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    cd "$1" &&
    openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 3 \
        -subj "/CN=kayak test CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" &&
    openssl req "${ec[@]}" -keyout server.key -out server.csr -subj "/CN=127.0.0.1" &&
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
        "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=serverAuth" >server.ext &&
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
        -days 3 -extfile server.ext -out server.crt &&
    openssl req "${ec[@]}" -keyout client.key -out client.csr -subj "/CN=kayak test client" &&
    printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=clientAuth" >client.ext &&
    openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
        -days 3 -extfile client.ext -out client.cert &&
    openssl req -x509 -newkey rsa:2048 -nodes -keyout token.key -out token.crt -days 3 \
        -subj "/CN=kayak test token signer" &&
    chmod 644 ./*.key
)

# ------------------------------------------------------------- registry

_htpasswd_file() {  # _htpasswd_file FILE USER PASSWORD
    if command -v htpasswd >/dev/null; then
        htpasswd -Bbn "$2" "$3" >"$1" || die "htpasswd failed"
    else
        python3 -W ignore -c 'import crypt, sys
print("%s:%s" % (sys.argv[1], crypt.crypt(sys.argv[2], crypt.mksalt(crypt.METHOD_BLOWFISH))))' \
            "$2" "$3" >"$1" || die "could not make a bcrypt hash"
    fi
}

start_registry() {
    local mode=${1:-plain}
    (($#)) && shift
    local -a token_args=("$@")
    skip_if_no_registry
    local want_basic= want_tls= want_mtls= want_token= part
    local IFS_save=$IFS
    IFS=+
    for part in $mode; do
        case $part in
            plain) ;;
            basic) want_basic=1 ;;
            tls)   want_tls=1 ;;
            mtls)  want_tls=1 want_mtls=1 ;;
            token) want_token=1 ;;
            *) IFS=$IFS_save; die "start_registry: unknown mode part '$part' in '$mode'" ;;
        esac
    done
    IFS=$IFS_save
    [[ -n $want_basic && -n $want_token ]] && die "start_registry: basic and token exclude each other"

    local dir
    dir=$(_fixture_state)/registry.$RANDOM$RANDOM
    mkdir -p "$dir/storage"
    local pki= scheme=http
    local -a curl_args=()
    if [[ -n $want_tls || -n $want_token ]]; then
        skip_if_no_openssl
        pki=$(registry_pki)
    fi
    [[ -n $want_tls ]] && scheme=https curl_args+=(--cacert "$pki/ca.crt")
    [[ -n $want_mtls ]] && curl_args+=(--cert "$pki/client.cert" --key "$pki/client.key")

    unset REGISTRY_USER REGISTRY_PASSWORD REGISTRY_CERTS_DIR REGISTRY_CA
    unset TOKEN_SERVER TOKEN_SERVER_URL TOKEN_SERVER_LOG TOKEN_SERVICE
    local auth_yaml=
    if [[ -n $want_basic ]]; then
        skip_if_no_htpasswd
        _htpasswd_file "$dir/htpasswd" "$REGISTRY_TEST_USER" "$REGISTRY_TEST_PASSWORD"
        auth_yaml="auth:
  htpasswd:
    realm: kayak-test-registry
    path: $dir/htpasswd"
        export REGISTRY_USER=$REGISTRY_TEST_USER REGISTRY_PASSWORD=$REGISTRY_TEST_PASSWORD
    fi
    if [[ -n $want_token ]]; then
        printf '%s:%s\n' "$REGISTRY_TEST_USER" "$REGISTRY_TEST_PASSWORD" >"$dir/token-users"
        _start_python_server token-server token_server.py --key "$pki/token.key" \
            --users "$dir/token-users" --issuer kayak-test-issuer "${token_args[@]}"
        export TOKEN_SERVER=127.0.0.1:$FIXTURE_PORT
        export TOKEN_SERVER_URL=http://$TOKEN_SERVER
        export TOKEN_SERVER_LOG=$FIXTURE_DIR/requests.jsonl
        export TOKEN_SERVICE=kayak-test-registry
        auth_yaml="auth:
  token:
    realm: $TOKEN_SERVER_URL/token
    service: $TOKEN_SERVICE
    issuer: kayak-test-issuer
    rootcertbundle: $pki/token.crt"
        export REGISTRY_USER=$REGISTRY_TEST_USER REGISTRY_PASSWORD=$REGISTRY_TEST_PASSWORD
    fi

    local attempt port pid rc
    for attempt in 1 2 3 4 5; do
        port=$(_free_port)
        {
            echo "version: 0.1"
            echo "log:"
            echo "  level: info"
            echo "  accesslog:"
            echo "    disabled: false"
            echo "storage:"
            echo "  filesystem:"
            echo "    rootdirectory: $dir/storage"
            echo "  delete:"
            echo "    enabled: true"
            echo "  maintenance:"
            echo "    uploadpurging:"
            echo "      enabled: false"
            echo "http:"
            echo "  addr: 127.0.0.1:$port"
            echo "  secret: kayak-test-$RANDOM$RANDOM"
            if [[ -n $want_tls ]]; then
                echo "  tls:"
                echo "    certificate: $pki/server.crt"
                echo "    key: $pki/server.key"
                [[ -n $want_mtls ]] && printf '    clientcas:\n      - %s\n' "$pki/ca.crt"
            fi
            [[ -n $auth_yaml ]] && echo "$auth_yaml"
        } >"$dir/config.yml"
        # docker-registry takes REGISTRY_* variables as configuration
        # (REGISTRY_LOG would replace the log section): hide ours.
        local -a unset_env=()
        local var
        for var in $(compgen -e); do
            [[ $var == REGISTRY_* ]] && unset_env+=(-u "$var")
        done
        _fixture_spawn "$dir/log" env "${unset_env[@]}" docker-registry serve "$dir/config.yml"
        pid=$FIXTURE_PID
        rc=0
        _wait_http "$scheme://127.0.0.1:$port/v2/" "$pid" "${curl_args[@]}" || rc=$?
        ((rc == 0)) && break
        _fixture_stop "$pid"
        # Another process took the port between our probe and the bind.
        grep -q 'address already in use' "$dir/log" && continue
        _fail_fixture docker-registry "$dir/log" \
            "$( ((rc == 2)) && echo "no answer after ${REGISTRY_START_TIMEOUT}s" || echo "exited while starting")"
    done
    ((rc == 0)) || _fail_fixture docker-registry "$dir/log" "no free port after $attempt attempts"

    export REGISTRY=127.0.0.1:$port REGISTRY_PORT=$port
    export REGISTRY_URL=$scheme://$REGISTRY
    export REGISTRY_MODE=$mode REGISTRY_DIR=$dir REGISTRY_LOG=$dir/log
    export TEST_HOME=$TEST_DIR/home
    mkdir -p "$TEST_HOME"
    if [[ -n $want_tls ]]; then
        export REGISTRY_CA=$pki/ca.crt
        export REGISTRY_CERTS_DIR=$TEST_DIR/certs.d
        local certs
        for certs in "$REGISTRY_CERTS_DIR" "$TEST_HOME/.config/containers/certs.d"; do
            mkdir -p "$certs/$REGISTRY"
            cp "$pki/ca.crt" "$certs/$REGISTRY/ca.crt"
            if [[ -n $want_mtls ]]; then
                cp "$pki/client.cert" "$certs/$REGISTRY/client.cert"
                cp "$pki/client.key" "$certs/$REGISTRY/client.key"
            fi
        done
    fi
    _REGISTRY_CURL_ARGS=("${curl_args[@]}")
}

# registry_token SCOPE...: a bearer token for the scopes, fetched with the
# registry's test credentials (anonymously when REGISTRY_USER is empty).
registry_token() {
    [[ -n ${TOKEN_SERVER_URL:-} ]] || die "registry_token: no token server (start_registry token)"
    local -a args=(-sS --max-time 30 -G --data-urlencode "service=$TOKEN_SERVICE")
    local scope
    for scope in "$@"; do args+=(--data-urlencode "scope=$scope"); done
    [[ -n ${REGISTRY_USER:-} ]] && args+=(-u "$REGISTRY_USER:$REGISTRY_PASSWORD")
    curl "${args[@]}" "$TOKEN_SERVER_URL/token" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

registry_curl() {
    local path=$1; shift
    local -a args=(-sS --max-time 60 "${_REGISTRY_CURL_ARGS[@]}")
    if [[ -n ${TOKEN_SERVER_URL:-} ]]; then
        args+=(-H "Authorization: Bearer $(registry_token ${REGISTRY_SCOPE:-})")
    elif [[ -n ${REGISTRY_USER:-} ]]; then
        args+=(-u "$REGISTRY_USER:$REGISTRY_PASSWORD")
    fi
    curl "${args[@]}" "$@" "$REGISTRY_URL$path"
}

# ------------------------------------------------------------- pushing

# _skopeo_dest_args: skopeo copy options for writing to the current registry.
_skopeo_dest_args() {
    if [[ $REGISTRY_URL == https://* ]]; then
        echo "--dest-tls-verify=true"
        echo "--dest-cert-dir=$REGISTRY_CERTS_DIR/$REGISTRY"
    else
        echo "--dest-tls-verify=false"
    fi
    [[ -n ${REGISTRY_USER:-} ]] && echo "--dest-creds=$REGISTRY_USER:$REGISTRY_PASSWORD"
    return 0
}

push_fixture() {
    local subdir=$1 ref=$2 dest=${3:-}
    skip_if_no_skopeo
    [[ -n ${REGISTRY:-} ]] || die "push_fixture: no registry (start_registry first)"
    if [[ -z $dest ]]; then
        if [[ $ref == *:* ]]; then dest=library/$ref; else dest=library/$subdir:$ref; fi
    fi
    local src args
    src=$(fixture "$subdir")
    mapfile -t args < <(_skopeo_dest_args)
    echo "# push_fixture: skopeo copy oci:$src:$ref docker://$REGISTRY/$dest"
    # A private HOME: skopeo keeps a blob cache and looks for auth files
    # there, which must not leak between tests or into the user's home.
    local out
    out=$(env HOME="$TEST_DIR/skopeo-home" XDG_RUNTIME_DIR= \
        timeout 300 skopeo --insecure-policy --tmpdir "$TEST_DIR" copy --quiet --retry-times 2 \
        "${args[@]}" "oci:$src:$ref" "docker://$REGISTRY/$dest" 2>&1) ||
        die "push_fixture: skopeo copy to $REGISTRY/$dest failed: $out"
}

# ------------------------------------------------------------- proxy

start_fault_proxy() {
    [[ -n ${REGISTRY_URL:-} ]] || die "start_fault_proxy: no registry (start_registry first)"
    local -a args=(--upstream "$REGISTRY_URL")
    [[ -n ${REGISTRY_CA:-} ]] && args+=(--upstream-ca "$REGISTRY_CA")
    _start_python_server fault-proxy fault_proxy.py "${args[@]}" "$@"
    export PROXY=127.0.0.1:$FIXTURE_PORT
    export PROXY_URL=http://$PROXY
    export PROXY_LOG=$FIXTURE_DIR/requests.jsonl
}

proxy_faults() {
    local -a args=(-sS --max-time 30 -G -o /dev/null -w '%{http_code}')
    local spec
    if (($#)); then
        for spec in "$@"; do args+=(--data-urlencode "set=$spec"); done
    else
        args+=(--data-urlencode "clear=1")
    fi
    local code
    code=$(curl "${args[@]}" "$PROXY_URL/_proxy/faults") || die "proxy_faults: curl failed"
    [[ $code == 200 ]] || die "proxy_faults $*: the proxy answered $code"
}

proxy_requests() {
    [[ -f ${PROXY_LOG:-} ]] || return 0
    python3 -c 'import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(r["method"], r["path"], r["status"], r.get("fault") or "-",
          "range=" + (r.get("range") or "-"), "auth=" + ("yes" if r.get("auth") else "no"))' \
        "$PROXY_LOG" | { if [[ -n ${1:-} ]]; then grep -E -- "$1" || true; else cat; fi; }
}

# ------------------------------------------------------------- search

start_search_server() {
    _start_python_server search-server search_server.py "$@"
    export SEARCH_SERVER=127.0.0.1:$FIXTURE_PORT
    export SEARCH_URL=http://$SEARCH_SERVER
    export SEARCH_LOG=$FIXTURE_DIR/requests.jsonl
    export SEARCH_DATA=$REGISTRY_FIXTURES/search_data.json
    local a prev=
    for a in "$@"; do
        [[ $prev == --data ]] && SEARCH_DATA=$a
        [[ $a == --data=* ]] && SEARCH_DATA=${a#--data=}
        prev=$a
    done
}

# registry_skopeo COMMAND ARGS...: skopeo inspect/list-tags/delete against the
# current registry with its CA and credentials (an independent client, to
# check what kayak wrote). Output in $output, status in $status.
registry_skopeo() {
    local cmd=$1; shift
    local -a args=()
    if [[ $REGISTRY_URL == https://* ]]; then
        args+=(--tls-verify=true "--cert-dir=$REGISTRY_CERTS_DIR/$REGISTRY")
    else
        args+=(--tls-verify=false)
    fi
    [[ -n ${REGISTRY_USER:-} ]] && args+=("--creds=$REGISTRY_USER:$REGISTRY_PASSWORD")
    run env HOME="$TEST_DIR/skopeo-home" XDG_RUNTIME_DIR= \
        timeout 120 skopeo --insecure-policy "$cmd" "${args[@]}" "$@"
    _log_output
}
