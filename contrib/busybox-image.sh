#!/usr/bin/env bash
# Make kayak's default image from the host's static busybox (Debian's
# busybox-static), so demos and tests need no network.
#
#   contrib/busybox-image.sh --rootfs FILE
#       write the root filesystem as a tar to FILE ("-" for stdout)
#   contrib/busybox-image.sh [--kayak PATH] [REF]
#       build the rootfs and import it with `kayak import` as REF
#       (default kayak/busybox:latest) with CMD ["sh"]
#
# The tar is reproducible (fixed mtimes, uid/gid 0, sorted names), so the
# same busybox always gives the same layer digest.
# Env: BUSYBOX (default /bin/busybox), KAYAK (default kayak in PATH).
set -euo pipefail
umask 022

busybox=${BUSYBOX:-/bin/busybox}
kayak=${KAYAK:-kayak}
rootfs_out=
ref=kayak/busybox:latest

while (($#)); do
    case $1 in
        --rootfs) rootfs_out=${2:?--rootfs needs a file}; shift 2 ;;
        --kayak)  kayak=${2:?--kayak needs a path}; shift 2 ;;
        -h|--help) sed -n '2,14s/^# \{0,1\}//p' "$0"; exit 0 ;;
        -*) echo "busybox-image: unknown option $1" >&2; exit 2 ;;
        *)  ref=$1; shift ;;
    esac
done

if [[ ! -x $busybox ]]; then
    echo "busybox-image: $busybox not found (apt-get install busybox-static)" >&2
    exit 1
fi
if ! "$busybox" --list >/dev/null 2>&1; then
    echo "busybox-image: $busybox is not a busybox binary" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kayak-busybox.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{bin,dev,etc,home,proc,root,sys,tmp,usr,var}
chmod 1777 "$root/tmp"
chmod 700 "$root/root"
cp "$busybox" "$root/bin/busybox"
chmod 755 "$root/bin/busybox"
for applet in $("$busybox" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$root/bin/$applet"
done
cat > "$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/home:/bin/false
PASSWD
cat > "$root/etc/group" <<'GROUP'
root:x:0:
nobody:x:65534:
GROUP
chmod 644 "$root/etc/passwd" "$root/etc/group"

make_tar() {
    # Top-level names rather than "." so entries read "bin/sh", as in
    # Docker's layers.
    local names
    names=$(cd "$root" && echo *)
    # shellcheck disable=SC2086
    tar -C "$root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
        --format=gnu -cf "$1" $names
}

if [[ -n $rootfs_out ]]; then
    make_tar "$rootfs_out"
    exit 0
fi

make_tar "$work/rootfs.tar"
"$kayak" import -c 'CMD ["sh"]' -m "busybox from the host" \
    "$work/rootfs.tar" "$ref"
