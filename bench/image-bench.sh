#!/usr/bin/env bash
# Times kayak and (when installed) podman on the same image work in the same
# run, and prints medians and the ratio kayak/podman:
#   load    the nginx image of shared/images/debian-apps as a docker-archive
#   save    the same image to a docker-archive
#   images  listing a store that holds the image under 50 tags
# Goals (issue 2): load and save <= 0.5x podman, images <= 0.1x.
#
# Usage: bench/image-bench.sh [RUNS]   (default 5; KAYAK_BINARY, KAYAK_TEST_IMAGES)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-5}
kayak=${KAYAK_BINARY:-$repo/build/kayak}
images=${KAYAK_TEST_IMAGES:-$repo/../shared/images}
[ -x "$kayak" ] || { echo "bench: $kayak not built (meson setup build && ninja -C build)" >&2; exit 1; }

work=$(mktemp -d /var/tmp/kayak-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
k() { "$kayak" --root "$work/k-root" --runroot "$work/k-run" "$@"; }
have_podman=0
if command -v podman >/dev/null; then
    have_podman=1
    p() { podman --root "$work/p-root" --runroot "$work/p-run" --storage-driver overlay "$@"; }
fi

# The archive both tools load: made once by kayak from the OCI layout.
k pull -q "oci:$images/debian-apps:nginx-latest" >/dev/null
k save -o "$work/nginx.tar" localhost/debian-apps:nginx-latest
echo "archive: $(du -h "$work/nginx.tar" | cut -f1) ($(tar -tf "$work/nginx.tar" | grep -c layer.tar) layers)"

# median_ms CMD...: runs CMD $runs times (after a warm-up), prints the median
# in ms; $before runs untimed before each run. Timed with bash's
# $EPOCHREALTIME, not `date`: two forks of date cost a few ms, as much as a
# whole `images` and the same for both tools, which would pull every ratio
# towards 1.
median_ms() {
    local times=() t0 t1
    "$@" >/dev/null 2>&1
    for ((i = 0; i < runs; i++)); do
        $before
        t0=${EPOCHREALTIME/./}; "$@" >/dev/null 2>&1; t1=${EPOCHREALTIME/./}
        times+=($((t1 - t0)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p" |
        awk '{ printf "%.1f", $1 / 1000 }'
}

# Each load goes into a new, empty store; the stores are removed after all
# runs. Removing the previous store just before a load would time the
# removal, and on ext4 without a journal every file created in the next 60 s
# then skips over the recently freed inodes one by one (recently_deleted()
# in the inode allocator): ~230 us per create instead of ~15, for whichever
# tool happens to allocate from those groups. `sync` before each run
# (untimed, next_store) starts from a clean page cache; the one after it
# makes each tool pay for writing back its own data.
load_n=0
before=:
next_store() { load_n=$((load_n + 1)); sync; }
k_load() {
    "$kayak" --root "$work/k-load$load_n" --runroot "$work/k-run$load_n" load -i "$work/nginx.tar" && sync
}
# Both tools save the image they loaded from the same archive (the same
# work); kayak's first store holds it pulled from the OCI layout with
# gzip-compressed layers, which a docker-archive must hold uncompressed.
k_save() {
    rm -f "$work/k-out.tar"
    "$kayak" --root "$work/k-load1" --runroot "$work/k-run1" save -o "$work/k-out.tar" localhost/debian-apps:nginx-latest
}
p_load() {
    podman --root "$work/p-load$load_n" --runroot "$work/p-run$load_n" --storage-driver overlay \
        load -q -i "$work/nginx.tar" && sync
}
p_save() { rm -f "$work/p-out.tar"; p save -q -o "$work/p-out.tar" localhost/debian-apps:nginx-latest; }

report() {  # name kayak_ms podman_ms goal
    if [ -n "$3" ]; then
        printf '%-8s kayak %6s ms   podman %6s ms   ratio %s (goal <= %s)\n' "$1" "$2" "$3" \
            "$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" "$4"
    else
        printf '%-8s kayak %6s ms   (podman not installed)\n' "$1" "$2"
    fi
}

kl=$(before=next_store median_ms k_load); pl=
ks=$(median_ms k_save); ps=
for i in $(seq 1 50); do k tag localhost/debian-apps:nginx-latest "bench/tag$i:v$i"; done
ki=$(median_ms k images)
if ((have_podman)); then
    pl=$(before=next_store median_ms p_load)
    p load -q -i "$work/nginx.tar" >/dev/null
    ps=$(median_ms p_save)
    for i in $(seq 1 50); do p tag localhost/debian-apps:nginx-latest "bench/tag$i:v$i"; done
    pi=$(median_ms p images)
fi
report load "$kl" "$pl" 0.5
report save "$ks" "$ps" 0.5
report images "$ki" "${pi:-}" 0.1
