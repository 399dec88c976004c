#!/usr/bin/env bash
# From a fresh Debian/Ubuntu checkout to kayak's main job, without network
# (apart from apt-get for missing packages):
#   install what is missing, build, make an image from the host's static
#   busybox, tag it, save it, remove it, load it back and list it, then run
#   containers from it (rootless when you are not root).
#
# The image goes to your own store (~/.local/share/kayak, or
# /var/lib/kayak as root; KAYAK_ROOT overrides), so `build/kayak images`
# shows it afterwards.
#
# Options: --no-install (skip apt-get), --build-dir DIR (default: build)
set -euo pipefail
umask 022

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

install=1
build_dir=build
while (($#)); do
    case $1 in
        --no-install) install=0; shift ;;
        --build-dir)  build_dir=${2:?}; shift 2 ;;
        -h|--help)    sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "demo: unknown option $1" >&2; exit 2 ;;
    esac
done

bold='' dim='' plain=''
if [[ -t 2 ]]; then bold=$'\033[1m' dim=$'\033[2m' plain=$'\033[0m'; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain" >&2; }

if ((install)); then
    step "installing missing packages (contrib/install-deps.sh)"
    contrib/install-deps.sh
fi

step "building (meson setup $build_dir && ninja -C $build_dir)"
[[ -f $build_dir/build.ninja ]] || meson setup "$build_dir" >/dev/null
ninja -C "$build_dir" >/dev/null
kayak_bin=$(cd "$build_dir" && pwd)/kayak

work=$(mktemp -d "${TMPDIR:-/tmp}/kayak-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Show each kayak command as a user would type it, then run it.
kayak() {
    local shown=() arg
    for arg in "$@"; do
        if [[ $arg =~ ^[A-Za-z0-9_./:=@-]+$ ]]; then shown+=("$arg"); else shown+=("'$arg'"); fi
    done
    printf '%s$ kayak %s%s\n' "$dim" "${shown[*]}" "$plain" >&2
    "$kayak_bin" "$@"
}

step "making kayak/busybox:latest from $(command -v busybox || echo /bin/busybox) (contrib/busybox-image.sh)"
contrib/busybox-image.sh --rootfs "$work/rootfs.tar"
kayak import -c 'CMD ["sh"]' -m "busybox from the host" "$work/rootfs.tar" kayak/busybox:latest

step "tagging, saving, removing and loading it back"
kayak tag kayak/busybox:latest demo/busybox:v1
kayak save -o "$work/busybox.tar" kayak/busybox:latest demo/busybox:v1
tar -tf "$work/busybox.tar" | sed 's/^/    /'
kayak rmi demo/busybox:v1 kayak/busybox:latest
kayak load -i "$work/busybox.tar"

step "listing and inspecting"
kayak images
kayak image inspect -f '{{.Config.Cmd}}' kayak/busybox

step "running a container: its own hostname, user namespace and PID 1"
kayak run --rm kayak/busybox sh -c 'echo "hostname: $(hostname)"; id; echo "my pid: $$"; cat /proc/self/uid_map'

step "a container in the background: ps, logs, stop, rm"
kayak run -d --name demo-web kayak/busybox sh -c 'echo serving; exec sleep 600'
kayak ps
kayak logs demo-web
kayak stop -t 1 demo-web
kayak ps -a --filter name=demo-web
kayak rm demo-web

step "done: the image is in your store; try $build_dir/kayak run -it --rm kayak/busybox"
