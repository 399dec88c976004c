#!/usr/bin/env bash
# Times kayak and (when installed) podman pulling from the same local
# registry in the same run, each into an empty store, and prints medians of
# wall time and CPU time (user + sys, children included) and the ratios:
#   nginx          the nginx image of shared/images/debian-apps (45 MB + 3.6 MB gzip layers)
#   nginx+redis    nginx then redis (the base layer is shared: fetched once)
# Goal (issue 4): <= 0.5x podman's wall time and CPU time.
#
# Usage: bench/pull-bench.sh [RUNS]   (default 5; KAYAK_BINARY, KAYAK_TEST_IMAGES)
# Needs docker-registry and skopeo (Debian packages).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-5}
kayak=${KAYAK_BINARY:-$repo/build/kayak}
images=${KAYAK_TEST_IMAGES:-$repo/../shared/images}
[ -x "$kayak" ] || { echo "bench: $kayak not built (meson setup build && ninja -C build)" >&2; exit 1; }
command -v docker-registry >/dev/null || { echo "bench: docker-registry is not installed" >&2; exit 1; }
command -v skopeo >/dev/null || { echo "bench: skopeo is not installed" >&2; exit 1; }

work=$(mktemp -d /var/tmp/kayak-pull-bench.XXXXXX)
registry_pid=
cleanup() {
    [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/registry.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
EOF
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break
    sleep 0.1
done
reg=127.0.0.1:$port
cp -R "$images/debian-apps" "$work/layout"
for name in nginx redis; do
    HOME=$work/skopeo-home skopeo --insecure-policy copy --quiet --dest-tls-verify=false \
        "oci:$work/layout:$name-latest" "docker://$reg/library/$name:latest"
done

have_podman=0
command -v podman >/dev/null && have_podman=1

# measure CMD...: one run in a new, empty store (sync before, untimed, and
# after, timed: each tool pays for writing back its own data); prints
# "wall_ms cpu_ms".
measure() {
    sync
    local TIMEFORMAT='%R %U %S' t
    t=$( { time "$@" >/dev/null 2>&1; sync; } 2>&1 )
    awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' <<<"$t"
}
# median_pair CMD...: medians of wall and CPU over $runs runs (after a warm-up).
median_pair() {
    local walls=() cpus=() w c
    "$@" >/dev/null 2>&1 || true
    for ((i = 0; i < runs; i++)); do
        read -r w c < <(measure "$@")
        walls+=("$w"); cpus+=("$c")
    done
    echo "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")" \
         "$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")"
}

k_pull() {
    local s
    s=$(mktemp -d "$work/k.XXXXXX")
    for name in "$@"; do "$kayak" --root "$s" --runroot "$s.run" pull -q "$reg/library/$name" || return 1; done
}
p_pull() {
    local s
    s=$(mktemp -d "$work/p.XXXXXX")
    for name in "$@"; do
        podman --root "$s" --runroot "$s.run" --storage-driver overlay pull -q --tls-verify=false \
            "$reg/library/$name" || return 1
    done
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
report() {  # name kayak_wall kayak_cpu [podman_wall podman_cpu]
    if [ -n "${4:-}" ]; then
        printf '%-12s kayak %6s ms wall %6s ms cpu   podman %6s ms wall %6s ms cpu   ratio wall %s cpu %s (goal <= 0.5)\n' \
            "$1" "$2" "$3" "$4" "$5" "$(ratio "$2" "$4")" "$(ratio "$3" "$5")"
    else
        printf '%-12s kayak %6s ms wall %6s ms cpu   (podman not installed)\n' "$1" "$2" "$3"
    fi
}

read -r kw1 kc1 < <(median_pair k_pull nginx)
read -r kw2 kc2 < <(median_pair k_pull nginx redis)
pw1= pc1= pw2= pc2=
if ((have_podman)); then
    read -r pw1 pc1 < <(median_pair p_pull nginx)
    read -r pw2 pc2 < <(median_pair p_pull nginx redis)
fi
report nginx "$kw1" "$kc1" "$pw1" "$pc1"
report nginx+redis "$kw2" "$kc2" "$pw2" "$pc2"
