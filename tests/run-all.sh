#!/usr/bin/env bash
# Install what is missing, build kayak, and run every test suite:
#
#   unit            doctest binaries (meson test --suite unit)
#   system/root     bats system tests as root
#   system/sub      the same as user kayak-sub, which has a subuid/subgid range
#   system/nosub    the same as user kayak-nosub, which has none
#
# Run as root, it creates the two users when they are missing. Run as
# anyone else, it runs the system tests once, as that user.
#
# The last line is "N passed, N failed" summed over all suites; the exit
# status is 1 when anything failed or a suite could not run.
#
# Options:
#   --no-install     do not call contrib/install-deps.sh
#   --build-dir DIR  build into DIR (default: build)
#   --unit-only      run only the unit tests
#   --system-only    skip the unit tests
#   --filter REGEX   run only the bats tests whose name matches REGEX
#   --users LIST     system suites to run as root, comma-separated from
#                    root,sub,nosub (default: all three)
# Env: KAYAK_TEST_IMAGES (fixture images, default ../shared/images beside
# the repository), KAYAK_SUITE_TIMEOUT (seconds per bats suite, default 1800).
set -euo pipefail
umask 022

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

install=1
build_dir=build
run_unit=1
run_system=1
filter=
users=root,sub,nosub
while (($#)); do
    case $1 in
        --no-install)  install=0; shift ;;
        --build-dir)   build_dir=${2:?}; shift 2 ;;
        --unit-only)   run_system=0; shift ;;
        --system-only) run_unit=0; shift ;;
        --filter)      filter=${2:?}; shift 2 ;;
        --users)       users=${2:?}; shift 2 ;;
        -h|--help)     sed -n '2,26s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "run-all: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

images=${KAYAK_TEST_IMAGES:-$repo/../shared/images}
suite_timeout=${KAYAK_SUITE_TIMEOUT:-1800}
sub_user=kayak-sub
nosub_user=kayak-nosub

say() { printf '==> %s\n' "$*" >&2; }

# ---------------------------------------------------------------- results
declare -a summary_lines=()
total_passed=0
total_failed=0
total_skipped=0

record() {  # record NAME PASSED FAILED SKIPPED [NOTE]
    local line
    line=$(printf '%-22s %4d passed, %d failed, %d skipped' "$1:" "$2" "$3" "$4")
    [[ -n ${5:-} ]] && line+="  ($5)"
    summary_lines+=("$line")
    total_passed=$((total_passed + $2))
    total_failed=$((total_failed + $3))
    total_skipped=$((total_skipped + $4))
}

# fatal STEP NOTE: a step everything else needs failed; report it and stop,
# still ending with the summary line.
fatal() {
    record "$1" 0 1 0 "$2"
    printf '%s\n' "${summary_lines[@]}"
    echo "0 passed, 1 failed"
    exit 1
}

# ---------------------------------------------------------------- set-up
if ((install)); then
    say "installing missing packages"
    contrib/install-deps.sh --test || fatal install "contrib/install-deps.sh failed"
fi

say "building into $build_dir"
if [[ ! -f $build_dir/build.ninja ]]; then
    meson setup "$build_dir" >/dev/null || fatal build "meson setup $build_dir failed"
fi
# The binary first: without it nothing can be tested. Then everything else
# (the unit-test binaries); if only those fail, the system tests still run.
build_log=$(cd "$build_dir" && pwd)/run-all-build.log
show_build_errors() {
    { grep -v '^\[[0-9]*/[0-9]*\] ' "$build_log" | tail -60; } >&2 || true
}
if ! ninja -C "$build_dir" kayak >"$build_log" 2>&1; then
    show_build_errors
    fatal build "kayak did not build, see $build_log"
fi
unit_built=1
if ! ninja -C "$build_dir" >"$build_log" 2>&1; then
    show_build_errors
    unit_built=0
fi
kayak_bin=$(cd "$build_dir" && pwd)/kayak

# ---------------------------------------------------------------- unit
# Counts doctest test cases, read from each binary's summary line in meson's
# JSON log. A binary that died before printing its summary counts as one
# failure, so a crash is never silent.
run_unit_suite() {
    say "unit tests"
    local rc=0
    meson test -C "$build_dir" --suite unit --print-errorlogs >&2 || rc=$?
    local log=$build_dir/meson-logs/testlog.json
    if [[ ! -f $log ]]; then
        record unit 0 1 0 "meson test wrote no log"
        return
    fi
    local counts
    counts=$(python3 - "$log" <<'PY'
import json, re, sys
passed = failed = skipped = 0
summary = re.compile(r"\[doctest\] test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed(?:\s*\|\s*(\d+) skipped)?")
for line in open(sys.argv[1]):
    t = json.loads(line)   # only --suite unit ran, so every entry counts
    m = summary.search(t.get("stdout", "") or "")
    ok = t.get("result") == "OK"
    if m:
        passed += int(m.group(2)); failed += int(m.group(3)); skipped += int(m.group(4) or 0)
        if not ok and int(m.group(3)) == 0:
            failed += 1          # e.g. crashed after the summary
    else:
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
print(passed, failed, skipped)
PY
) || counts="0 1 0"
    local p f s
    read -r p f s <<<"$counts"
    if ((rc != 0 && f == 0)); then f=1; fi
    record unit "$p" "$f" "$s"
}

# ---------------------------------------------------------------- system
# run_bats NAME [USER]: runs tests/system with bats --tap as USER (or as
# the caller), streams the TAP output, and records the counts.
run_bats() {
    local name=$1 user=${2:-} tap rc=0
    tap=$(mktemp)
    local -a bats_args=(--tap)
    [[ -n $filter ]] && bats_args+=(--filter "$filter")

    if [[ -z $user ]]; then
        say "system tests as $(id -un)"
        KAYAK_BINARY=$kayak_bin KAYAK_TEST_IMAGES=$images \
            timeout --kill-after=30 "$suite_timeout" \
            bats "${bats_args[@]}" tests/system </dev/null 2>&1 | tee "$tap" || rc=$?
    else
        say "system tests as $user"
        local home
        home=$(getent passwd "$user" | cut -d: -f6)
        # A clean environment as `su` would give: no XDG_RUNTIME_DIR, the
        # user's HOME, a plain PATH; the copies in $stage, not the repo.
        (cd "$stage" && timeout --kill-after=30 "$suite_timeout" \
            runuser -u "$user" -- env -i \
                HOME="$home" USER="$user" LOGNAME="$user" SHELL=/bin/bash \
                PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
                LANG=C.UTF-8 TERM=dumb CI="${CI:-}" \
                KAYAK_BINARY="$stage/bin/kayak" \
                KAYAK_TEST_IMAGES="$stage/images" \
                KAYAK_CONTRIB="$stage/contrib" \
                bats "${bats_args[@]}" "$stage/system" </dev/null 2>&1) | tee "$tap" || rc=$?
    fi

    local planned passed failed skipped note=
    planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -1)
    skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$tap" || true)
    passed=$(( $(grep -cE '^ok [0-9]+' "$tap" || true) - skipped ))
    failed=$(grep -cE '^not ok [0-9]+' "$tap" || true)
    rm -f "$tap"
    # Tests that never reported (bats died, timeout) count as failed.
    if [[ -n $planned ]] && ((passed + failed + skipped < planned)); then
        note="$((planned - passed - failed - skipped)) did not report"
        failed=$((planned - passed - skipped))
    fi
    if ((rc != 0 && failed == 0)); then
        note="bats exited with status $rc"
        failed=1
    fi
    record "$name" "$passed" "$failed" "$skipped" "$note"
}

# Users for the rootless suites. Debian's useradd hands out a subuid range
# by itself; -K ..._COUNT=0 stops that so we decide who gets one.
ensure_user() {
    local user=$1 want_range=$2
    if ! getent passwd "$user" >/dev/null; then
        useradd -m -s /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$user"
    fi
    local f
    for f in /etc/subuid /etc/subgid; do
        touch "$f"
        if ((want_range)); then
            grep -q "^$user:" "$f" || echo "$user:$(free_subid_start "$f"):65536" >> "$f"
        else
            sed -i "/^$user:/d" "$f"
        fi
    done
}

# The first start >= 100000 past every range already in FILE.
free_subid_start() {
    awk -F: 'BEGIN { next_free = 100000 }
             NF == 3 && $2 + $3 > next_free { next_free = $2 + $3 }
             END { print next_free }' "$1"
}

# Copies of the binary, the tests and the fixtures that the test users can
# read: the clone itself may sit in a directory they cannot enter.
stage=
stage_for_users() {
    stage=$(mktemp -d /tmp/kayak-tests.XXXXXX)
    chmod 755 "$stage"
    mkdir -p "$stage/bin" "$stage/contrib"
    cp "$kayak_bin" "$stage/bin/kayak"
    # The Quadlet generator goes beside kayak (480-quadlet.bats looks there).
    local generator=$build_dir/src/quadlet/kayak-quadlet-generator
    [[ -x $generator ]] && cp "$generator" "$stage/bin/"
    cp -r tests/system "$stage/system"
    cp -r contrib/. "$stage/contrib/"
    if [[ -d $images ]]; then
        cp -r --no-preserve=mode,ownership "$images" "$stage/images"
    else
        mkdir "$stage/images"
    fi
    chmod -R a+rX "$stage"
}
cleanup() { [[ -n $stage ]] && rm -rf "$stage"; }
trap cleanup EXIT

if ((run_unit)); then
    if ((unit_built)); then
        run_unit_suite
    else
        record unit 0 1 0 "the unit tests did not build, see $build_log"
    fi
fi

if ((run_system)); then
    if ((EUID != 0)); then
        say "not root: running the system tests only as $(id -un);" \
            "as root this script also runs them as $sub_user and $nosub_user"
        run_bats "system/$(id -un)"
    else
        [[ ,$users, == *,root,* ]] && run_bats system/root
        if [[ ,$users, == *,sub,* || ,$users, == *,nosub,* ]]; then
            stage_for_users
            # Rootless pasta and slirp4netns open /dev/net/tun in the
            # container's namespaces; some machines ship it 0600 (normal
            # systems have 0666). Without it every rootless container warns
            # that it gets loopback only.
            if [[ -c /dev/net/tun && $(stat -c %a /dev/net/tun) != 666 ]]; then
                say "making /dev/net/tun usable by every user (chmod 0666, as on most systems)"
                chmod 0666 /dev/net/tun
            fi
            if [[ ,$users, == *,sub,* ]]; then
                ensure_user "$sub_user" 1
                run_bats "system/$sub_user" "$sub_user"
            fi
            if [[ ,$users, == *,nosub,* ]]; then
                ensure_user "$nosub_user" 0
                run_bats "system/$nosub_user" "$nosub_user"
            fi
        fi
    fi
fi

echo
printf '%s\n' "${summary_lines[@]}"
((total_skipped)) && echo "$total_skipped skipped"
echo "$total_passed passed, $total_failed failed"
((total_failed == 0))
