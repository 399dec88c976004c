#!/usr/bin/env bash
# Times `kayak __complete`, what a shell runs when Tab completes a value,
# on a store with 50 containers (one running), 20 image names and 20
# volumes, and, when installed, podman's own `__complete` on the same line
# for comparison. Goal (issue 6): a few milliseconds.
#
# Usage: bench/completion-bench.sh   (KAYAK_BINARY; needs hyperfine)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kayak=${KAYAK_BINARY:-$repo/build/kayak}
[ -x "$kayak" ] || { echo "bench: $kayak not built (meson setup build && ninja -C build)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (contrib/install-deps.sh --test)" >&2; exit 1; }

work=$(mktemp -d /var/tmp/kayak-bench.XXXXXX)
export KAYAK_ROOT=$work/root KAYAK_RUNROOT=$work/run
k() { "$kayak" "$@"; }
cleanup() { k rm -f -a >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

KAYAK=$kayak "$repo/contrib/busybox-image.sh" >/dev/null
for i in $(seq 1 20); do k tag kayak/busybox "bench/img$i:v1"; k volume create "vol$i" >/dev/null; done
for i in $(seq 1 49); do k create --name "c$i" kayak/busybox true >/dev/null; done
k run -d --name web kayak/busybox sleep 600 >/dev/null

args=(-N --warmup 10 --export-markdown "$work/result.md")
for line in "exec ''" "start ''" "rmi ''" "volume rm ''" "ps --format '{{.'"; do
    args+=(-n "__complete $line" "$kayak __complete $line")
done
if command -v podman >/dev/null; then
    args+=(-n "podman __complete exec ''" "podman __complete exec ''")
fi
hyperfine "${args[@]}"
cat "$work/result.md"
