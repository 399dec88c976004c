#!/usr/bin/env bash
# Install what kayak needs to build, run and test, from Debian's packages.
# Only packages that are missing are installed, so a second run is quiet
# and needs no network.
#
#   contrib/install-deps.sh          build and runtime dependencies
#   contrib/install-deps.sh --test   also interop, registry and benchmark
#                                    tools (skopeo, podman, hyperfine,
#                                    zsh and fish for the completion tests,
#                                    docker-registry, htpasswd, openssl, curl)
set -euo pipefail

build_deps=(meson ninja-build g++ pkg-config
            libseccomp-dev libcap-dev libyajl-dev libarchive-dev
            libcurl4-openssl-dev libfmt-dev doctest-dev libssl-dev
            libtomlplusplus-dev go-md2man)
# busybox-static makes the default image; python3 builds hostile tars in the
# system tests; util-linux gives runuser and script; passwd gives useradd.
# go-md2man converts the man pages (skip with meson -Dman=false).
# libcurl4 is loaded at run time by the commands that talk to registries.
runtime_deps=(uidmap busybox-static fuse-overlayfs passt slirp4netns
              tar gzip zstd xz-utils bzip2 libcurl4)
# The registry tests run Debian's docker-registry, make its htpasswd file
# (apache2-utils), their certificates (openssl) and check it with curl.
# man-db renders the converted man pages in the man-rendering test; gcc and
# libc6-dev build the static helpers some system tests mount into containers;
# python3-yaml checks the CI recipes in contrib/ci; systemd gives
# systemd-analyze, which checks generated and example units.
test_deps=(bats python3 util-linux passwd docker-registry apache2-utils openssl curl man-db gcc libc6-dev python3-yaml)
extra_deps=(skopeo podman hyperfine zsh fish wrk systemd)

want=("${build_deps[@]}" "${runtime_deps[@]}" "${test_deps[@]}")
case "${1:-}" in
    --test) want+=("${extra_deps[@]}") ;;
    "") ;;
    -h|--help) sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--test]" >&2; exit 2 ;;
esac

missing=()
for pkg in "${want[@]}"; do
    # dpkg -s succeeds for removed-but-configured packages too; ask for the
    # status word instead.
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [[ $status == installed ]] || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

if ((EUID == 0)); then
    sudo=()
elif command -v sudo >/dev/null; then
    sudo=(sudo)
else
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: run this script as root or install sudo" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y)
"${apt[@]}" update >/dev/null
"${apt[@]}" install --no-install-recommends "${missing[@]}" >/dev/null
