# Sourced by the benches that run containers (container-bench, port-bench):
# a work dir with a store for each tool, `k` (kayak) and, when podman and
# runc are installed, `p` (podman) on it, the ulimits podman's containers
# need here, and `clean_work` for the EXIT trap.
#
# podman runs with runc and cgroupfs (crun refuses hybrid cgroups), without
# events, and its containers with explicit nofile/nproc ulimits: podman's
# defaults lie above this machine's hard limits and its runtime fails to
# start otherwise. Needs $kayak.

work=$(mktemp -d /var/tmp/kayak-bench.XXXXXX)
k() { "$kayak" --root "$work/k-root" --runroot "$work/k-run" "$@"; }
have_podman=0
if command -v podman >/dev/null && command -v runc >/dev/null; then
    have_podman=1
    p() {
        podman --root "$work/p-root" --runroot "$work/p-run" --storage-driver overlay \
            --runtime runc --cgroup-manager cgroupfs --events-backend none "$@"
    }
fi
ulimits=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

# Removes every container of both tools, then the work dir (rootless, its
# files may belong to subordinate IDs: removed from a user namespace).
clean_work() {
    k rm -f --all >/dev/null 2>&1 || true
    ((have_podman)) && { p rm -f --all >/dev/null 2>&1 || true; }
    rm -rf "$work" 2>/dev/null || { unshare --map-root-user --map-auto rm -rf "$work" 2>/dev/null || true; }
}
