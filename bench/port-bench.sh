#!/usr/bin/env bash
# Published ports, kayak vs podman (when installed) in the same run:
#   req/s   HTTP requests per second through -p HOST:80 to the nginx image of
#           shared/images/debian-apps (wrk when installed, else a bounded
#           loop of curl processes, which mostly measures curl's start-up),
#           with 1 connection (each request waits for the last: what the
#           path adds to a request's latency), with 32 (as many requests
#           as the machine can serve: nginx and wrk share its cores), and
#           with 32 that each make a new connection per request (what a
#           loop of curl, or clients without keep-alive, do)
#   MB/s    1000 MiB sent from a container (busybox nc handing the
#           connection to dd bs=1M) through -p, against the same transfer
#           (the host's busybox, same command) over plain loopback
# Goals (issue 5): req/s >= 2x podman's; throughput within 20% of plain
# loopback. Only 127.0.0.1 is contacted. Each tool uses its default
# network: the comparison that matters is rootless, so run it as a user
# (as root podman uses its rootful bridge and kernel NAT): --as USER does
# that from root, copying what it needs to a directory USER can read.
#
# How podman is run: bench/containers-common.sh.
#
# Usage: bench/port-bench.sh [--as USER] [SECONDS]
#        (default 5 s per wrk run; KAYAK_BINARY, KAYAK_TEST_IMAGES;
#        PORT_BENCH_LOADS: the wrk loads, connection counts with ":close"
#        for a new connection per request, default "1 32 32:close")
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kayak=${KAYAK_BINARY:-$repo/build/kayak}
images=$(realpath "${KAYAK_TEST_IMAGES:-$repo/../shared/images}")
[ -x "$kayak" ] || { echo "bench: $kayak not built (meson setup build && ninja -C build)" >&2; exit 1; }

if [[ ${1:-} == --as ]]; then
    user=${2:?--as needs a user name}
    shift 2
    [[ $EUID == 0 ]] || { echo "bench: --as needs root" >&2; exit 1; }
    copy=$(mktemp -d /tmp/kayak-port-bench.XXXXXX)
    trap 'rm -rf "$copy" 2>/dev/null || unshare --map-root-user --map-auto rm -rf "$copy"' EXIT
    mkdir -p "$copy/bench" "$copy/contrib" "$copy/build"
    cp "$repo/bench/port-bench.sh" "$repo/bench/containers-common.sh" "$copy/bench/"
    cp "$repo/contrib/busybox-image.sh" "$copy/contrib/"
    cp "$kayak" "$copy/build/kayak"
    chown -R "$user" "$copy"
    # The user's own runtime dir, as a login would give it (podman wants one).
    uid=$(id -u "$user")
    runtime_dir=/tmp/kayak-port-bench-run-$uid
    mkdir -p "$runtime_dir" && chown "$user" "$runtime_dir" && chmod 700 "$runtime_dir"
    runuser -u "$user" -- env -i PATH="$PATH" HOME="$copy" XDG_RUNTIME_DIR="$runtime_dir" \
        KAYAK_TEST_IMAGES="$images" PORT_BENCH_LOADS="${PORT_BENCH_LOADS:-}" bash "$copy/bench/port-bench.sh" "$@"
    exit $?
fi
seconds=${1:-5}
mebibytes=1000
read -ra loads <<< "${PORT_BENCH_LOADS:-1 32 32:close}"
command -v wrk >/dev/null || loads=(1:close)

source "$repo/bench/containers-common.sh"
server_pid=
cleanup() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null
    clean_work
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])'; }

wait_http() {
    local i
    for i in $(seq 200); do
        curl --noproxy '*' -fs -o /dev/null --max-time 2 "http://127.0.0.1:$1/" && return 0
        sleep 0.1
    done
    echo "bench: nothing answers on port $1" >&2
    return 1
}

# req_per_s PORT LOAD: requests per second against http://127.0.0.1:PORT/
# with LOAD connections ("32", or "32:close": a new one per request).
req_per_s() {
    if command -v wrk >/dev/null; then
        local connections=${2%%:*} close=()
        [[ $2 == *:close ]] && close=(-H "Connection: close")
        local threads=$((connections < 2 ? connections : 2))
        wrk -t"$threads" -c"$connections" "${close[@]}" -d"${seconds}s" "http://127.0.0.1:$1/" |
            awk '/^Requests\/sec:/ {printf "%d\n", $2}'
    else
        local n=300 start end
        start=$(date +%s%N)
        for _ in $(seq $n); do curl --noproxy '*' -fs -o /dev/null "http://127.0.0.1:$1/"; done
        end=$(date +%s%N)
        echo $((n * 1000000000 / (end - start)))
    fi
}

# mb_per_s PORT: MB/s of reading to the end of a connection to PORT.
mb_per_s() {
    python3 - "$1" <<'PY'
import socket, sys, time
for attempt in range(100):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
        break
    except OSError:
        time.sleep(0.1)
start = time.monotonic()
total = 0
buf = bytearray(1 << 20)
while True:
    n = s.recv_into(buf)
    if not n:
        break
    total += n
elapsed = time.monotonic() - start
print(int(total / elapsed / 1e6) if total else 0)
PY
}

ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}' if b else 'n/a')" "$1" "$2"; }

image=localhost/debian-apps:nginx-latest
k pull -q "oci:$images/debian-apps:nginx-latest" >/dev/null
# podman names an image pulled from oci:DIR:REF after REF alone; loading
# kayak's save gives both tools the same name.
((have_podman)) && { k save "$image" | p load -q >/dev/null; }

# ---- requests per second through -p, per connection count
declare -A k_rps p_rps
kport=$(free_port)
k run -d --name bench-web -p "$kport:80" "$image" >/dev/null
wait_http "$kport"
for load in "${loads[@]}"; do k_rps[$load]=$(req_per_s "$kport" "$load"); done
k rm -f bench-web >/dev/null
if ((have_podman)); then
    pport=$(free_port)
    p run -d --name bench-web "${ulimits[@]}" -p "$pport:80" "$image" >/dev/null
    wait_http "$pport"
    for load in "${loads[@]}"; do p_rps[$load]=$(req_per_s "$pport" "$load"); done
    p rm -f bench-web >/dev/null
fi

# ---- 1000 MiB through -p vs the same transfer over plain loopback: busybox
# nc hands the accepted connection to dd, which sends 1 MiB blocks of
# zeros (head or cat would write 4 KiB at a time and be the bottleneck).
bulk_image=kayak/busybox:latest
KAYAK_ROOT=$work/k-root KAYAK_RUNROOT=$work/k-run "$repo/contrib/busybox-image.sh" --kayak "$kayak" >/dev/null
bulk=(nc -l -p 9000 -e dd if=/dev/zero bs=1048576 count=$mebibytes)
loop_mbs=
if command -v busybox >/dev/null; then
    lport=$(free_port)
    busybox "${bulk[@]/9000/$lport}" 2>/dev/null &
    server_pid=$!
    loop_mbs=$(mb_per_s "$lport")
    wait "$server_pid" 2>/dev/null || true
    server_pid=
fi

kport=$(free_port)
k run -d --name bench-bulk -p "$kport:9000" "$bulk_image" "${bulk[@]}" >/dev/null
k_mbs=$(mb_per_s "$kport")
k rm -f bench-bulk >/dev/null
p_mbs=
if ((have_podman)); then
    k save "$bulk_image" | p load -q >/dev/null
    pport=$(free_port)
    p run -d --name bench-bulk "${ulimits[@]}" -p "$pport:9000" "$bulk_image" "${bulk[@]}" >/dev/null
    p_mbs=$(mb_per_s "$pport")
    p rm -f bench-bulk >/dev/null
fi

echo "port-bench as $(id -un) ($(command -v wrk >/dev/null && echo "wrk ${seconds}s" || echo "curl loop"))," \
    "kayak network: $(k info --format '{{.NetworkHelper}}')"
printf '%-30s %10s %10s %8s\n' "" kayak podman ratio
# "32 conn", "32 conn, close": a new connection per request.
load_name() { echo "${1%%:*} conn${1#${1%%:*}}" | sed 's/:close/, close/'; }
for load in "${loads[@]}"; do
    kr=${k_rps[$load]} pr=${p_rps[$load]:-}
    printf '%-30s %10s %10s %8s\n' "req/s -p, $(load_name "$load")" "$kr" "${pr:--}" "$([[ -n $pr ]] && ratio "$kr" "$pr" || echo -)"
done
printf '%-30s %10s %10s %8s\n' "MB/s ${mebibytes} MiB through -p" "$k_mbs" "${p_mbs:--}" "$([[ -n $p_mbs ]] && ratio "$k_mbs" "$p_mbs" || echo -)"
if [[ -n $loop_mbs ]]; then
    printf '%-30s %10s\n' "MB/s same, plain loopback" "$loop_mbs"
    echo "throughput through -p / plain loopback: $(ratio "$k_mbs" "$loop_mbs") (goal >= 0.80)"
else
    echo "no busybox on the host: no plain-loopback figure"
fi
for load in "${loads[@]}"; do
    [[ -n ${p_rps[$load]:-} ]] &&
        echo "req/s kayak / podman, $(load_name "$load"): $(ratio "${k_rps[$load]}" "${p_rps[$load]}") (goal >= 2.00)"
done
exit 0
