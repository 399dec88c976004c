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

# median_ms CMD...: runs CMD $runs times (after a warm-up), prints the median in ms.
median_ms() {
    local times=() t0 t1
    "$@" >/dev/null 2>&1
    for ((i = 0; i < runs; i++)); do
        t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
        times+=($(((t1 - t0) / 1000000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

k_load() { rm -rf "$work/k-root"; sync; k load -i "$work/nginx.tar"; }
k_save() { k save -o "$work/k-out.tar" localhost/debian-apps:nginx-latest; }
p_load() { rm -rf "$work/p-root" "$work/p-run"; sync; p load -q -i "$work/nginx.tar"; }
p_save() { rm -f "$work/p-out.tar"; p save -q -o "$work/p-out.tar" localhost/debian-apps:nginx-latest; }

report() {  # name kayak_ms podman_ms goal
    if [ -n "$3" ]; then
        printf '%-8s kayak %6s ms   podman %6s ms   ratio %s (goal <= %s)\n' "$1" "$2" "$3" \
            "$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" "$4"
    else
        printf '%-8s kayak %6s ms   (podman not installed)\n' "$1" "$2"
    fi
}

kl=$(median_ms k_load); pl=
ks=$(median_ms k_save); ps=
for i in $(seq 1 50); do k tag localhost/debian-apps:nginx-latest "bench/tag$i:v$i"; done
ki=$(median_ms k images)
if ((have_podman)); then
    pl=$(median_ms p_load)
    ps=$(median_ms p_save)
    for i in $(seq 1 50); do p tag localhost/debian-apps:nginx-latest "bench/tag$i:v$i"; done
    pi=$(median_ms p images)
fi
report load "$kl" "$pl" 0.5
report save "$ks" "$ps" 0.5
report images "$ki" "${pi:-}" 0.1
