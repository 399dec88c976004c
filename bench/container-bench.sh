#!/usr/bin/env bash
# Times kayak and (when installed) podman on the same container work in the
# same run, and prints medians and the ratio kayak/podman:
#   run     run --rm --network none BUSYBOX true
#   run-net run --rm BUSYBOX true with the default network (kayak: pasta when
#           installed; podman: its rootless default, slirp4netns in 4.3,
#           asked for by name when the bench runs as root)
#   exec    exec into a running container (true)
#   ps      ps -a with 100 containers in the store
#   commit  commit of a container that changed one file
# and the peak RSS of kayak's `run` (GNU time's maximum resident set size).
# Goals (issue 3): run, exec and ps <= 0.1x podman; commit <= 0.5x; run's
# peak RSS <= 10 MB.
# How podman is run: bench/containers-common.sh.
#
# Usage: bench/container-bench.sh [RUNS]   (default 10; KAYAK_BINARY, KAYAK_TEST_IMAGES)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-10}
kayak=${KAYAK_BINARY:-$repo/build/kayak}
images=$(realpath "${KAYAK_TEST_IMAGES:-$repo/../shared/images}")
[ -x "$kayak" ] || { echo "bench: $kayak not built (meson setup build && ninja -C build)" >&2; exit 1; }

source "$repo/bench/containers-common.sh"
trap clean_work EXIT

image=localhost/busybox:1.38.0-musl
k pull -q "oci:$images/busybox:busybox:1.38.0-musl" >/dev/null
k tag busybox:1.38.0-musl "$image" 2>/dev/null || true
if ((have_podman)); then
    p pull -q "oci:$images/busybox:busybox:1.38.0-musl" >/dev/null
    p tag "$(p images -q | head -1)" "$image"
fi

# median_ms CMD...: runs CMD $runs times (after a warm-up), prints the
# median wall time in ms with two decimals. Timed with bash's
# $EPOCHREALTIME (microseconds), not two forks of `date` per run, which
# cost a few ms each time and would pull every ratio towards 1.
median_ms() {
    local times=() t0 t1
    "$@" >/dev/null 2>&1
    for ((i = 0; i < runs; i++)); do
        t0=${EPOCHREALTIME/./}; "$@" >/dev/null 2>&1; t1=${EPOCHREALTIME/./}
        times+=($((t1 - t0)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p" |
        awk '{ printf "%.2f", $1 / 1e3 }'
}

report() {  # name kayak_ms podman_ms [goal]
    if [ "$2" = n/a ]; then
        printf '%-8s kayak: command not built yet\n' "$1"
    elif [ -n "$3" ]; then
        printf '%-8s kayak %8s ms   podman %8s ms   ratio %s%s\n' "$1" "$2" "$3" \
            "$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')" "${4:+ (goal <= $4)}"
    else
        printf '%-8s kayak %8s ms   (podman not installed)\n' "$1" "$2"
    fi
}

# run
kr=$(median_ms k run --rm --network none "$image" true)
pr=
((have_podman)) && pr=$(median_ms p run --rm --network none "${ulimits[@]}" "$image" true)

# run with the default network
krn=$(median_ms k run --rm "$image" true)
prn=
if ((have_podman)); then
    podman_net=()
    [ "$(id -u)" = 0 ] && podman_net=(--network slirp4netns)
    prn=$(median_ms p run --rm "${podman_net[@]}" "${ulimits[@]}" "$image" true)
fi

# exec
ke=n/a pe=
if k exec --help >/dev/null 2>&1; then
    k run -d --name bench-exec --network none "$image" sleep 1000 >/dev/null
    ke=$(median_ms k exec bench-exec true)
fi
if ((have_podman)); then
    p run -d --name bench-exec --network none "${ulimits[@]}" "$image" sleep 1000 >/dev/null
    pe=$(median_ms p exec bench-exec true)
fi

# commit
k run --name bench-commit --network none "$image" sh -c 'echo changed > /etc/motd' >/dev/null
kc=$(median_ms k commit bench-commit)
pc=
if ((have_podman)); then
    p run --name bench-commit --network none "${ulimits[@]}" "$image" sh -c 'echo changed > /etc/motd' >/dev/null
    pc=$(median_ms p commit -q bench-commit)
fi

# ps -a with 100 containers
for i in $(seq 1 98); do k create --network none "$image" true >/dev/null; done
kp=$(median_ms k ps -a)
pp=
if ((have_podman)); then
    for i in $(seq 1 98); do p create --network none "${ulimits[@]}" "$image" true >/dev/null; done
    pp=$(median_ms p ps -a)
fi

rss_kb=$( { /usr/bin/time -f '%M' "$kayak" --root "$work/k-root" --runroot "$work/k-run" \
    run --rm --network none "$image" true >/dev/null; } 2>&1 | tail -1)

report run "$kr" "$pr" 0.1
report run-net "$krn" "$prn"
report exec "$ke" "$pe" 0.1
report ps "$kp" "$pp" 0.1
report commit "$kc" "$pc" 0.5
printf 'run peak RSS: %s kB (goal <= 10240 kB)\n' "$rss_kb"
