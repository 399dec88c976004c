#!/usr/bin/env python3
"""Write layer tars and image archives for kayak's system tests.

Tests need archives that no well-behaved tool would write: layers that try
to escape the extraction directory, configs whose diff_ids lie, truncated
JSON. This script writes them byte by byte with the standard library only.

  mkarchive.py layer OUT KIND [--target PATH]
      KIND is one of the names in LAYERS below; PATH is the file outside
      the store that a hostile layer aims at (the test's sentinel).

  mkarchive.py image OUT --layer FILE [--layer FILE...] [--tag REF...]
               [--format docker|podman|docker25|oci-archive|oci-dir]
               [--compress-layers gzip|bzip2|xz|zstd]
               [--corrupt diffid|layercount|blobdigest|json|missing-layer|
                          missing-config|config-json]
               [--cmd JSON] [--created TIME]
      Wrap layer tars into an image archive. Prints the image ID (the
      config digest) unless --corrupt makes it meaningless.

  mkarchive.py digest FILE
      Print sha256:<hex> of FILE.
"""

import argparse
import bz2
import gzip
import hashlib
import io
import json
import lzma
import os
import subprocess
import sys
import tarfile

FIXED_MTIME = 1700000000


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------- layers

class Layer:
    """A layer tar built in memory, entry by entry."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.tar = tarfile.open(fileobj=self.buf, mode="w", format=tarfile.PAX_FORMAT)

    def _info(self, name, kind, mode, uid=0, gid=0):
        ti = tarfile.TarInfo(name)
        ti.type = kind
        ti.mode = mode
        ti.uid, ti.gid = uid, gid
        ti.uname = ti.gname = ""
        ti.mtime = FIXED_MTIME
        return ti

    def dir(self, name, mode=0o755, uid=0, gid=0):
        self.tar.addfile(self._info(name, tarfile.DIRTYPE, mode, uid, gid))

    def file(self, name, data=b"", mode=0o644, uid=0, gid=0, xattrs=None):
        if isinstance(data, str):
            data = data.encode()
        ti = self._info(name, tarfile.REGTYPE, mode, uid, gid)
        ti.size = len(data)
        if xattrs:
            ti.pax_headers = {"SCHILY.xattr." + k: v for k, v in xattrs.items()}
        self.tar.addfile(ti, io.BytesIO(data))

    def symlink(self, name, target, uid=0, gid=0):
        ti = self._info(name, tarfile.SYMTYPE, 0o777, uid, gid)
        ti.linkname = target
        self.tar.addfile(ti)

    def hardlink(self, name, target):
        ti = self._info(name, tarfile.LNKTYPE, 0o644)
        ti.linkname = target
        self.tar.addfile(ti)

    def device(self, name, kind, major, minor, mode=0o666):
        ti = self._info(name, kind, mode)
        ti.devmajor, ti.devminor = major, minor
        self.tar.addfile(ti)

    def fifo(self, name):
        self.tar.addfile(self._info(name, tarfile.FIFOTYPE, 0o644))

    def bytes(self):
        self.tar.close()
        return self.buf.getvalue()


def dotdots(target):
    """A relative path from any layer directory to TARGET: enough ../ to
    reach / from any depth, then the absolute path."""
    return "../" * 64 + target.lstrip("/")


def layer_plain(target):
    l = Layer()
    l.dir("etc")
    l.file("etc/hello", "hello from a layer\n")
    l.dir("bin")
    l.file("bin/tool", "#!/bin/sh\necho tool\n", mode=0o755)
    return l


def layer_second(target):
    l = Layer()
    l.dir("etc")
    l.file("etc/second", "second layer\n")
    return l


def layer_attrs(target):
    """What extraction must preserve: modes, setuid/setgid, mtimes,
    hardlinks and symlinks inside the layer, xattrs, an empty file."""
    l = Layer()
    l.dir("data", mode=0o750)
    l.file("data/setuid", "x", mode=0o4755)
    l.file("data/setgid", "x", mode=0o2755)
    l.file("data/private", "secret", mode=0o600)
    l.file("data/linked", "one inode, two names\n")
    l.hardlink("data/linked2", "data/linked")
    l.symlink("data/rel-link", "linked")
    l.symlink("data/abs-link", "/data/linked")
    l.file("data/empty", "")
    l.file("data/xattr", "x", xattrs={"user.kayak": "yes"})
    return l


def layer_owners(target):
    """Files owned by IDs other than 0, inside a 65536 range."""
    l = Layer()
    l.dir("owned", mode=0o755)
    l.file("owned/by42", "owned by 42:42\n", uid=42, gid=42)
    l.dir("owned/dir1000", mode=0o755, uid=1000, gid=1000)
    l.file("owned/root", "owned by root\n")
    return l


def layer_bigid(target):
    """A file owned by an ID outside any 65536 range."""
    l = Layer()
    l.file("bigid", "owned by 200000\n", uid=200000, gid=200000)
    return l


def layer_devices(target):
    l = Layer()
    l.dir("dev")
    l.device("dev/null2", tarfile.CHRTYPE, 1, 3)
    l.device("dev/loop99", tarfile.BLKTYPE, 7, 99, mode=0o660)
    l.fifo("dev/fifo")
    l.file("dev/regular", "still here\n")
    return l


def layer_whiteouts(target):
    """A layer that deletes etc/hello from a lower layer and makes bin
    opaque (the layout layer_plain provides)."""
    l = Layer()
    l.dir("etc")
    l.file("etc/.wh.hello", "")
    l.dir("bin")
    l.file("bin/.wh..wh..opq", "")
    l.file("bin/new", "new\n")
    return l


# Hostile layers: each tries to reach TARGET (a file outside the store).

def layer_abs(target):
    l = Layer()
    l.file(target, "overwritten via an absolute path\n")
    l.file("ok", "fine\n")
    return l


def layer_dotdot(target):
    l = Layer()
    l.file(dotdots(target), "overwritten via ../\n")
    l.file("ok", "fine\n")
    return l


def layer_symlink_abs(target):
    """A symlink to the target's directory, then a file written through it."""
    l = Layer()
    l.symlink("escape", os.path.dirname(target))
    l.file("escape/" + os.path.basename(target), "overwritten through a symlink\n")
    l.file("escape/new-file", "created through a symlink\n")
    return l


def layer_symlink_rel(target):
    l = Layer()
    l.symlink("escape", dotdots(os.path.dirname(target)))
    l.file("escape/" + os.path.basename(target), "overwritten through ../ symlink\n")
    l.file("escape/new-file", "created through a symlink\n")
    return l


def layer_symlink_file(target):
    """A symlink straight at the target file, then a regular file of the
    same name: extraction must replace the link, not write through it."""
    l = Layer()
    l.symlink("victim", target)
    l.file("victim", "overwritten through a file symlink\n")
    return l


def layer_symlink_chain(target):
    """Links that only escape when followed one after another."""
    l = Layer()
    l.dir("a")
    l.symlink("a/up", "..")
    l.symlink("a/b", "up/up/up/up/up/up/up/up/up/up/up/up/up/up/up/up")
    l.file("a/b" + os.path.dirname(target) + "/new-file", "created through a chain\n")
    l.file("a/b" + target, "overwritten through a chain\n")
    return l


def layer_hardlink_abs(target):
    l = Layer()
    l.hardlink("grab", target)
    l.file("ok", "fine\n")
    return l


def layer_hardlink_dotdot(target):
    l = Layer()
    l.hardlink("grab", dotdots(target))
    l.file("ok", "fine\n")
    return l


def layer_hardlink_symlink(target):
    """A hardlink whose target path goes through a symlink that escapes."""
    l = Layer()
    l.symlink("escape", os.path.dirname(target))
    l.hardlink("grab", "escape/" + os.path.basename(target))
    l.file("ok", "fine\n")
    return l


def layer_whiteout_dotdot(target):
    """Whiteouts whose names reach outside: '.wh...' names '..', and
    '../.wh.x' sits outside the layer."""
    l = Layer()
    l.dir("etc")
    l.file("etc/.wh..", "")
    l.file(".wh...", "")
    l.file(dotdots(os.path.dirname(target)) + "/.wh." + os.path.basename(target), "")
    l.file("ok", "fine\n")
    return l


LAYERS = {
    "plain": layer_plain,
    "second": layer_second,
    "attrs": layer_attrs,
    "owners": layer_owners,
    "bigid": layer_bigid,
    "devices": layer_devices,
    "whiteouts": layer_whiteouts,
    "abs": layer_abs,
    "dotdot": layer_dotdot,
    "symlink-abs": layer_symlink_abs,
    "symlink-rel": layer_symlink_rel,
    "symlink-file": layer_symlink_file,
    "symlink-chain": layer_symlink_chain,
    "hardlink-abs": layer_hardlink_abs,
    "hardlink-dotdot": layer_hardlink_dotdot,
    "hardlink-symlink": layer_hardlink_symlink,
    "whiteout-dotdot": layer_whiteout_dotdot,
}


# ----------------------------------------------------------------- images

def compress(data, how):
    if not how:
        return data
    if how == "gzip":
        return gzip.compress(data, mtime=0)
    if how == "bzip2":
        return bz2.compress(data)
    if how == "xz":
        return lzma.compress(data)
    if how == "zstd":
        return subprocess.run(["zstd", "-q", "-c"], input=data, check=True,
                              stdout=subprocess.PIPE).stdout
    raise SystemExit(f"unknown compression {how}")


def tamper(blob):
    """The same size, one byte different: in a file's content when the
    layer is a plain tar (so the tar stays valid), else the last byte."""
    i = blob.find(b"hello")
    if i < 0:
        i = len(blob) - 1
    return blob[:i] + bytes([blob[i] ^ 0x20]) + blob[i + 1:]


class ArchiveWriter:
    """A tar archive (or a directory for oci-dir) of named byte strings."""

    def __init__(self, out, as_dir):
        self.out, self.as_dir = out, as_dir
        if as_dir:
            os.makedirs(out, exist_ok=True)
        else:
            self.tar = tarfile.open(out, "w", format=tarfile.PAX_FORMAT)
        self.dirs = set()

    def add(self, name, data):
        if isinstance(data, str):
            data = data.encode()
        if self.as_dir:
            path = os.path.join(self.out, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
            return
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in self.dirs:
                self.dirs.add(d)
                ti = tarfile.TarInfo(d)
                ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, FIXED_MTIME
                self.tar.addfile(ti)
        ti = tarfile.TarInfo(name)
        ti.size, ti.mode, ti.mtime = len(data), 0o644, FIXED_MTIME
        self.tar.addfile(ti, io.BytesIO(data))

    def symlink(self, name, target):
        ti = tarfile.TarInfo(name)
        ti.type, ti.linkname, ti.mtime = tarfile.SYMTYPE, target, FIXED_MTIME
        self.tar.addfile(ti)

    def close(self):
        if not self.as_dir:
            self.tar.close()


def full_name(ref):
    """docker.io/library/busybox:latest for busybox:latest."""
    name = ref
    first = name.split("/")[0]
    if "/" not in name or not ("." in first or ":" in first or first == "localhost"):
        if "/" not in name:
            name = "library/" + name
        name = "docker.io/" + name
    return name


def make_config(diff_ids, args):
    cfg = {
        "architecture": "amd64",
        "os": "linux",
        "created": args.created,
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "Cmd": json.loads(args.cmd),
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": args.created, "created_by": "mkarchive.py layer %d" % i}
                    for i in range(len(diff_ids))],
    }
    return json.dumps(cfg, separators=(",", ":")).encode()


def write_image(args):
    raw_layers = [open(p, "rb").read() for p in args.layer]
    blobs = [compress(d, args.compress_layers) for d in raw_layers]
    diff_ids = [sha256(d) for d in raw_layers]
    corrupt = args.corrupt
    if corrupt == "diffid":
        diff_ids[-1] = sha256(b"not the layer")
    elif corrupt == "layercount":
        diff_ids.append(sha256(b"a layer that is not there"))
    config = make_config(diff_ids, args)
    if corrupt == "config-json":
        config = b'{"architecture":"amd64","rootfs":{"type":"layers","diff_ids":['
    config_digest = sha256(config)
    config_hex = config_digest.split(":")[1]

    if args.format in ("docker", "podman"):
        w = ArchiveWriter(args.out, as_dir=False)
        layer_paths = []
        parent = ""
        for i, blob in enumerate(blobs):
            # Legacy v1 layer IDs: any stable hex will do for a reader.
            v1 = hashlib.sha256((parent + diff_ids[i] + str(i)).encode()).hexdigest()
            v1json = {"id": v1, "created": args.created}
            if parent:
                v1json["parent"] = parent
            if args.format == "docker":
                path = f"{v1}/layer.tar"
                w.add(f"{v1}/VERSION", "1.0")
                w.add(f"{v1}/json", json.dumps(v1json))
                w.add(path, blob)
            else:  # podman: the layer beside, the legacy name a symlink
                path = diff_ids[i].split(":")[1] + ".tar"
                w.add(path, blob)
                w.add(f"{v1}/VERSION", "1.0")
                w.add(f"{v1}/json", json.dumps(v1json))
                w.symlink(f"{v1}/layer.tar", "../" + path)
            layer_paths.append(path)
            parent = v1
        if corrupt == "missing-layer":
            layer_paths[-1] = "0" * 64 + "/layer.tar"
        config_name = config_hex + ".json"
        if corrupt != "missing-config":
            w.add(config_name, config)
        manifest = [{"Config": config_name, "RepoTags": args.tag or None,
                     "Layers": layer_paths}]
        manifest_bytes = json.dumps(manifest).encode()
        if corrupt == "json":
            manifest_bytes = b'[{"Config": "' + config_name.encode() + b'", "RepoTags": ['
        w.add("manifest.json", manifest_bytes)
        if args.tag:
            repos = {}
            for t in args.tag:
                name, _, tag = t.rpartition(":")
                repos.setdefault(name, {})[tag] = parent
            w.add("repositories", json.dumps(repos))
        w.close()
    else:  # oci-archive, oci-dir, docker25
        w = ArchiveWriter(args.out, as_dir=args.format == "oci-dir")
        w.add("oci-layout", '{"imageLayoutVersion":"1.0.0"}')
        media = "application/vnd.oci.image.layer.v1.tar"
        if args.compress_layers:
            media += "+" + {"gzip": "gzip", "zstd": "zstd"}.get(args.compress_layers,
                                                              args.compress_layers)
        descs = []
        for blob in blobs:
            d = sha256(blob)
            stored = blob
            if corrupt == "blobdigest":
                stored = tamper(blob)
            w.add("blobs/sha256/" + d.split(":")[1], stored)
            descs.append({"mediaType": media, "digest": d, "size": len(blob)})
        if corrupt == "missing-layer":
            descs[-1]["digest"] = "sha256:" + "0" * 64
        if corrupt != "missing-config":
            w.add("blobs/sha256/" + config_hex, config)
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": config_digest, "size": len(config)},
            "layers": descs,
        }).encode()
        if corrupt == "json":
            manifest = manifest[: len(manifest) // 2]
        manifest_digest = sha256(manifest)
        w.add("blobs/sha256/" + manifest_digest.split(":")[1], manifest)
        entries = []
        for t in args.tag or [None]:
            e = {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "digest": manifest_digest, "size": len(manifest)}
            if t and args.format == "docker25":
                # Docker 25+: full name for containerd, the tag for OCI.
                e["annotations"] = {"io.containerd.image.name": full_name(t),
                                    "org.opencontainers.image.ref.name": t.rpartition(":")[2]}
            elif t:
                e["annotations"] = {"org.opencontainers.image.ref.name": t}
            entries.append(e)
        if args.format == "docker25":
            # ... plus the legacy manifest.json, pointing into blobs/.
            w.add("manifest.json", json.dumps([{
                "Config": "blobs/sha256/" + config_hex,
                "RepoTags": args.tag or None,
                "Layers": ["blobs/sha256/" + d["digest"].split(":")[1] for d in descs],
            }]))
        w.add("index.json", json.dumps({"schemaVersion": 2, "manifests": entries}))
        w.close()
    print(config_digest)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="action", required=True)
    pl = sub.add_parser("layer")
    pl.add_argument("out")
    pl.add_argument("kind", choices=sorted(LAYERS))
    pl.add_argument("--target", default="/tmp/kayak-sentinel")
    pi = sub.add_parser("image")
    pi.add_argument("out")
    pi.add_argument("--layer", action="append", required=True)
    pi.add_argument("--tag", action="append")
    pi.add_argument("--format", default="docker",
                    choices=["docker", "podman", "docker25", "oci-archive", "oci-dir"])
    pi.add_argument("--compress-layers", choices=["gzip", "bzip2", "xz", "zstd"])
    pi.add_argument("--corrupt", choices=["diffid", "layercount", "blobdigest", "json",
                                          "missing-layer", "missing-config", "config-json"])
    pi.add_argument("--cmd", default='["sh"]')
    pi.add_argument("--created", default="2024-01-02T03:04:05Z")
    pd = sub.add_parser("digest")
    pd.add_argument("file")
    args = p.parse_args()

    if args.action == "layer":
        data = LAYERS[args.kind](os.path.abspath(args.target)).bytes()
        with open(args.out, "wb") as f:
            f.write(data)
    elif args.action == "image":
        write_image(args)
    else:
        print(sha256(open(args.file, "rb").read()))


if __name__ == "__main__":
    main()
