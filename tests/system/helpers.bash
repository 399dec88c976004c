# -*- bash -*-
# Shared set-up for kayak's system tests (bats). Each test gets a fresh
# store (KAYAK_ROOT) and runtime dir (KAYAK_RUNROOT) in its own temp dir,
# removed in teardown.
#
# Env:
#   KAYAK_BINARY       binary under test (default: ../../build/kayak)
#   KAYAK_TEST_IMAGES  fixture images (default: ../shared/images beside the repo)
#   KAYAK_CONTRIB      contrib scripts (default: ../../contrib)
#   KAYAK_TIMEOUT      seconds one kayak command may take (default 120)

bats_require_minimum_version 1.5.0

KAYAK_TESTS_DIR=$(cd "$BATS_TEST_DIRNAME" && pwd)
KAYAK_BINARY=${KAYAK_BINARY:-$KAYAK_TESTS_DIR/../../build/kayak}
KAYAK_TEST_IMAGES=${KAYAK_TEST_IMAGES:-$KAYAK_TESTS_DIR/../../../shared/images}
KAYAK_CONTRIB=${KAYAK_CONTRIB:-$KAYAK_TESTS_DIR/../../contrib}
KAYAK_TIMEOUT=${KAYAK_TIMEOUT:-120}
export KAYAK_BINARY KAYAK_TEST_IMAGES KAYAK_CONTRIB

# Who we are. kayak-sub style users have a subordinate ID range in
# /etc/subuid and /etc/subgid (and newuidmap to use it).
IS_ROOTLESS=
HAS_SUBUID=
if (($(id -u) != 0)); then
    IS_ROOTLESS=1
    if grep -qE "^($(id -un)|$(id -u)):" /etc/subuid 2>/dev/null &&
       grep -qE "^($(id -un)|$(id -u)):" /etc/subgid 2>/dev/null &&
       command -v newuidmap >/dev/null; then
        HAS_SUBUID=1
    fi
fi

NL=$'\n'

# Image references the tests use again and again.
BUSYBOX_REF=kayak/busybox:latest
FIXTURE_BUSYBOX_REF=busybox:1.38.0-musl

# ------------------------------------------------------------- set-up

basic_setup() {
    TEST_DIR=$(mktemp -d "${BATS_TMPDIR:-/tmp}/kayak-test.XXXXXX")
    export KAYAK_ROOT=$TEST_DIR/root
    export KAYAK_RUNROOT=$TEST_DIR/runroot
    # A sentinel outside the store: hostile input must never touch it.
    SENTINEL_DIR=$TEST_DIR/outside
    mkdir -p "$SENTINEL_DIR"
    echo "untouched" > "$SENTINEL_DIR/sentinel"
    cd "$TEST_DIR" || return 1
}

basic_teardown() {
    cd / || true
    [[ -n ${TEST_DIR:-} && -d $TEST_DIR ]] || return 0
    # Rootless stores hold files owned by subordinate IDs that the caller
    # cannot delete from outside; remove them from a user namespace with
    # the same mapping.
    if ! rm -rf "$TEST_DIR" 2>/dev/null; then
        if [[ -n $HAS_SUBUID ]]; then
            unshare --map-root-user --map-auto -- rm -rf "$TEST_DIR" 2>/dev/null || true
        fi
        chmod -R u+rwX "$TEST_DIR" 2>/dev/null || true
        rm -rf "$TEST_DIR" 2>/dev/null || echo "# teardown: could not remove $TEST_DIR" >&3
    fi
}

setup() { basic_setup; }
teardown() { basic_teardown; }

# ------------------------------------------------------------- running kayak

# kayak ARGS...: the binary under test, with a time limit.
kayak() {
    timeout --kill-after=10 "$KAYAK_TIMEOUT" "$KAYAK_BINARY" "$@"
}

# run_kayak [EXPECTED_STATUS] ARGS...
# Runs kayak (stdout and stderr together in $output, lines in $lines) and
# fails the test unless it exits with EXPECTED_STATUS (default 0; "?" for
# any). Prints the command and its output so a failure explains itself.
run_kayak() {
    local expected=0
    case ${1:-} in
        [0-9]|[0-9][0-9]|[0-9][0-9][0-9]|'?') expected=$1; shift ;;
    esac
    _kayak_expected=$expected
    _log_command "$@"
    unset stderr stderr_lines
    run $(_expect_127 "$expected") kayak "$@"
    _log_output
    _check_status "$expected" "$@"
}

# run_kayak_split [EXPECTED_STATUS] ARGS...: as run_kayak, but stdout in
# $output/$lines and stderr in $stderr/$stderr_lines.
run_kayak_split() {
    local expected=0
    case ${1:-} in
        [0-9]|[0-9][0-9]|[0-9][0-9][0-9]|'?') expected=$1; shift ;;
    esac
    _kayak_expected=$expected
    _log_command "$@"
    run $(_expect_127 "$expected") --separate-stderr kayak "$@"
    _log_output
    [[ -n $stderr ]] && printf '#! %s\n' "${stderr_lines[@]}"
    _check_status "$expected" "$@"
}

# bats warns (BW01) about any exit status 127 that `run` was not told to
# expect; commands that must not be found say so.
_expect_127() { [[ $1 == 127 ]] && echo -127; return 0; }

_log_command() { echo "# \$ kayak $*"; }
_log_output() { [[ -n $output ]] && printf '# %s\n' "${lines[@]}"; return 0; }

_check_status() {
    local expected=$1; shift
    if [[ $status -eq 124 || $status -eq 137 ]] && [[ $expected != "$status" ]]; then
        die "kayak $* timed out after ${KAYAK_TIMEOUT}s"
    fi
    [[ $expected == '?' || $status -eq $expected ]] ||
        die "exit status is $status, expected $expected: kayak $*"
}

# ------------------------------------------------------------- assertions

die() {
    echo "#/vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv" >&2
    echo "#| FAIL: $*" >&2
    echo "#\\^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^" >&2
    false
}

# assert ACTUAL OP EXPECTED [MESSAGE]   with OP one of == != =~ !~ -eq -ne -lt -gt
# assert EXPECTED [MESSAGE]             shorthand for: assert "$output" == EXPECTED
assert() {
    local actual op expected message
    if (($# >= 3)) && [[ $2 =~ ^(==|!=|=~|!~|-eq|-ne|-lt|-le|-gt|-ge)$ ]]; then
        actual=$1 op=$2 expected=$3 message=${4:-}
    else
        actual=$output op='==' expected=$1 message=${2:-}
    fi
    local ok=
    case $op in
        '==') [[ $actual == "$expected" ]] && ok=1 ;;
        '!=') [[ $actual != "$expected" ]] && ok=1 ;;
        '=~') [[ $actual =~ $expected ]] && ok=1 ;;
        '!~') [[ ! $actual =~ $expected ]] && ok=1 ;;
        *)    test "$actual" "$op" "$expected" && ok=1 ;;
    esac
    [[ -n $ok ]] && return 0
    {
        echo "#/vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
        echo "#|     FAIL: ${message:-assert $op}"
        echo "#| expected: $op '${expected//$'\n'/$'\n'#|           }'"
        echo "#|   actual:    '${actual//$'\n'/$'\n'#|           }'"
        echo "#\\^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
    } >&2
    false
}

# assert_line_count N [MESSAGE]: $output has exactly N lines.
assert_line_count() {
    assert "${#lines[@]}" -eq "$1" "${2:-number of lines in output}"
}

# assert_contains NEEDLE [HAYSTACK]: fixed-string containment.
assert_contains() {
    local haystack=${2-$output}
    [[ $haystack == *"$1"* ]] && return 0
    die "output does not contain '$1':"$'\n'"$haystack"
}

assert_not_contains() {
    local haystack=${2-$output}
    [[ $haystack != *"$1"* ]] && return 0
    die "output unexpectedly contains '$1':"$'\n'"$haystack"
}

# assert_error MESSAGE_REGEX: the last kayak call failed with the exit
# status it was run expecting (125 when that was '?': rm and rmi exit 1 or 2
# for some failures, as podman's) and printed "Error: ..." matching
# MESSAGE_REGEX (on stderr after run_kayak_split, else anywhere in the output).
assert_error() {
    local text=${stderr-$output} want=${_kayak_expected:-125}
    [[ $want == '?' || $want == 0 ]] && want=125
    assert "$status" -eq "$want" "exit status"
    assert "$text" =~ "(^|$NL)Error: " "an 'Error: ' line"
    [[ -z ${1:-} ]] || assert "$text" =~ "$1"
}

# assert_sentinel_intact: nothing outside the store was changed.
assert_sentinel_intact() {
    assert "$(cat "$SENTINEL_DIR/sentinel")" == "untouched" "sentinel content"
    assert "$(stat -c %h "$SENTINEL_DIR/sentinel")" == 1 "sentinel link count"
    assert "$(ls -A "$SENTINEL_DIR")" == "sentinel" "files beside the sentinel"
}

# assert_store_empty: no image, tag or layer is visible after a failed load.
assert_store_empty() {
    run_kayak images -a -q
    assert "" "no images after failed load"
    local d leftovers=
    for d in layers images; do
        [[ -d $KAYAK_ROOT/$d ]] || continue
        leftovers+=$(find "$KAYAK_ROOT/$d" -mindepth 1 -maxdepth 1 ! -name '.*' -printf '%P\n')
    done
    assert "$leftovers" == "" "layer or image records left in the store"
}

# assert_aufs_whiteouts DIR: DIR, the layer of `mkarchive layer whiteouts`,
# as the fuse-overlayfs and vfs drivers store it: the .wh. entries as empty
# regular files.
assert_aufs_whiteouts() {
    local f
    for f in etc/.wh.hello bin/.wh..wh..opq; do
        [[ -f $1/$f && ! -s $1/$f ]] || die "$f is not an empty file in the layer"
    done
    [[ ! -e $1/etc/hello ]] || die "etc/hello appeared in the whiteout layer"
    assert "$(ls -A "$1/bin" | sort | tr '\n' ' ')" == ".wh..wh..opq new " "bin/ in the layer"
}

# ------------------------------------------------------------- skipping

skip_if_not_root()  { [[ -z $IS_ROOTLESS ]] || skip "${1:-needs root}"; }
skip_if_rootless()  { [[ -z $IS_ROOTLESS ]] || skip "${1:-not for rootless}"; }
skip_if_root()      { [[ -n $IS_ROOTLESS ]] || skip "${1:-rootless only}"; }
skip_if_no_subuid() { [[ -z $IS_ROOTLESS || -n $HAS_SUBUID ]] || skip "${1:-needs a subuid range}"; }
skip_if_no_podman() {
    command -v podman >/dev/null || skip "podman is not installed"
}
skip_if_no_skopeo() {
    command -v skopeo >/dev/null || skip "skopeo is not installed"
}

# ------------------------------------------------------------- fixtures

# fixture NAME: copy NAME (file or dir under KAYAK_TEST_IMAGES) into the
# test's dir, once per test, and print the copy's path. Fixtures are
# shared and read-only, so tests only ever use copies.
fixture() {
    local src=$KAYAK_TEST_IMAGES/$1 dst=$TEST_DIR/fixtures/$1
    if [[ ! -e $dst ]]; then
        [[ -e $src ]] || die "fixture $src not found (set KAYAK_TEST_IMAGES)"
        mkdir -p "$(dirname "$dst")"
        cp -R --no-preserve=mode,ownership "$src" "$dst"
    fi
    echo "$dst"
}

# busybox_rootfs: path of a rootfs tar made from the host's busybox by
# contrib/busybox-image.sh (built once per bats run).
busybox_rootfs() {
    local tar=$BATS_RUN_TMPDIR/busybox-rootfs.tar
    if [[ ! -s $tar ]]; then
        "$KAYAK_CONTRIB/busybox-image.sh" --rootfs "$tar.tmp" >&2 &&
            mv "$tar.tmp" "$tar" || die "busybox-image.sh failed"
    fi
    echo "$tar"
}

# make_busybox_image [REF]: import the host busybox as REF
# (default kayak/busybox:latest) with CMD ["sh"], as the README does.
make_busybox_image() {
    local ref=${1:-$BUSYBOX_REF}
    run_kayak import -c 'CMD ["sh"]' "$(busybox_rootfs)" "$ref"
}

# load_fixture_busybox: pull the upstream busybox fixture from its OCI
# layout into the store as busybox:latest (and busybox:1.38.0-musl).
load_fixture_busybox() {
    run_kayak pull "oci:$(fixture busybox):$FIXTURE_BUSYBOX_REF"
    run_kayak tag "$FIXTURE_BUSYBOX_REF" busybox:latest
}

# mkarchive ARGS...: tests/system/mkarchive.py, which writes layer tars and
# image archives (good and hostile) byte by byte. See its --help.
mkarchive() {
    python3 "$KAYAK_TESTS_DIR/mkarchive.py" "$@"
}

# image_id REF: the full image ID (sha256:...) of REF.
image_id() {
    kayak image inspect -f '{{.Id}}' "$1"
}

# human_size BYTES: Docker's size rendering (decimal units, 3 significant
# digits), e.g. 1982256 -> 1.98MB.
human_size() {
    local size=$1 i=0
    local -a units=(B kB MB GB TB PB)
    local value=$size
    while ((i < 5)) && [[ $(awk -v v="$value" 'BEGIN { print (v >= 1000) }') == 1 ]]; do
        value=$(awk -v v="$value" 'BEGIN { printf "%.10f", v / 1000 }')
        i=$((i + 1))
    done
    LC_ALL=C printf '%.3g%s\n' "$value" "${units[$i]}"
}

# on_a_terminal CMD...: run CMD with stdin, stdout and stderr on a fresh
# pseudo-terminal (via script(1)); output in $output, status in $status.
on_a_terminal() {
    local cmd
    printf -v cmd '%q ' "$@"
    run timeout 60 script -qefc "$cmd" /dev/null </dev/null
    # script(1) turns \n into \r\n.
    output=${output//$'\r'/}
    lines=()
    [[ -z $output ]] || mapfile -t lines <<<"$output"
    echo "# on a terminal: $*"
    _log_output
}

# ------------------------------------------------------------- Docker's formats

# human_duration SECONDS: Docker's rendering of an age (go-units
# HumanDuration), e.g. 90 -> "About a minute".
human_duration() {
    local s=$1 minutes hours
    if ((s < 1)); then echo "Less than a second"; return; fi
    if ((s == 1)); then echo "1 second"; return; fi
    if ((s < 60)); then echo "$s seconds"; return; fi
    minutes=$((s / 60))
    if ((minutes == 1)); then echo "About a minute"; return; fi
    if ((minutes < 60)); then echo "$minutes minutes"; return; fi
    hours=$(((s + 1800) / 3600))   # rounded, as Docker does
    if ((hours == 1)); then echo "About an hour"; return; fi
    if ((hours < 48)); then echo "$hours hours"; return; fi
    if ((hours < 24 * 7 * 2)); then echo "$((hours / 24)) days"; return; fi
    if ((hours < 24 * 30 * 2)); then echo "$((hours / 24 / 7)) weeks"; return; fi
    if ((hours < 24 * 365 * 2)); then echo "$((hours / 24 / 30)) months"; return; fi
    echo "$((s / 3600 / 24 / 365)) years"
}

# created_ago RFC3339: "N units ago" for a timestamp, as the CREATED
# column shows it.
created_ago() {
    echo "$(human_duration $(($(date +%s) - $(date -d "$1" +%s)))) ago"
}

# docker_table: read tab-separated rows on stdin and lay them out as
# Docker's tables do (Go tabwriter: cells padded to the widest cell of the
# column plus 3, at least 10; the last cell of a row is not padded).
docker_table() {
    awk -F'\t' '
        { n[NR] = NF
          for (i = 1; i <= NF; i++) {
              cell[NR, i] = $i
              if (i < NF && length($i) + 3 > w[i]) w[i] = length($i) + 3
          } }
        END { for (r = 1; r <= NR; r++) {
                  line = ""
                  for (i = 1; i <= n[r]; i++) {
                      if (i < n[r]) {
                          width = w[i] < 10 ? 10 : w[i]
                          line = line sprintf("%-" width "s", cell[r, i])
                      } else {
                          line = line cell[r, i]
                      }
                  }
                  print line
              } }'
}

# short_id sha256:HEX -> the first 12 hex digits, as IMAGE ID shows them.
short_id() {
    local id=${1#sha256:}
    echo "${id:0:12}"
}

# oci_image_id DIR REF: the config digest (= image ID) of REF in an OCI
# layout directory, read with python so the test does not trust kayak.
oci_image_id() {
    python3 - "$1" "$2" <<'PY'
import json, sys
d, ref = sys.argv[1], sys.argv[2]
idx = json.load(open(d + "/index.json"))
for m in idx["manifests"]:
    if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == ref:
        man = json.load(open(d + "/blobs/sha256/" + m["digest"].split(":")[1]))
        print(man["config"]["digest"])
        break
else:
    sys.exit("no " + ref + " in " + d)
PY
}

# pull_fixture SUBDIR REF NAME: pull REF from the OCI layout fixture
# SUBDIR (e.g. debian-apps nginx-latest) and tag it NAME.
pull_fixture() {
    local dir
    dir=$(fixture "$1")
    run_kayak pull "oci:$dir:$2"
    run_kayak tag "$(oci_image_id "$dir" "$2")" "$3"
}

# check_with_python CODE [ARGS...]: run python3 CODE with $output on stdin
# (for JSON checks with asserts); fails the test, showing python's
# complaint, unless it exits 0. Its own output replaces $output.
check_with_python() {
    local code=$1; shift
    run python3 -c "$code" "$@" <<<"$output"
    _log_output
    assert "$status" -eq 0 "python check"
}

# The pid of container NAME's monitor (its helpers and port forwarder,
# named kayak-ports, are its children).
kayak_monitor_pid() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["monitor_pid"])' \
        "$KAYAK_ROOT/containers/$(kayak inspect -f '{{.Id}}' "$1")/state.json"
}

# fetch URL [MAX_TIME]: the body of URL in $output (no proxy), retried for
# up to 10 s while the server starts, each try given MAX_TIME seconds
# (default 5); fails the test if it never answers.
fetch() {
    local i
    for i in $(seq 100); do
        if output=$(curl --noproxy '*' -fsS --max-time "${2:-5}" "$1" 2>/dev/null); then
            return 0
        fi
        sleep 0.1
    done
    die "no answer from $1"
}
