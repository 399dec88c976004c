#!/usr/bin/env python3
"""A stand-in for journald's native socket, for the journald log tests.

    fake_journal.py SOCKET OUTPUT

Binds a datagram socket at SOCKET and appends every entry it receives to
OUTPUT as one JSON object per line (field name -> value). It decodes both
forms of the native protocol: KEY=VALUE lines and the binary-safe
KEY\\n<le64 size><data>\\n, and entries passed as a memfd (SCM_RIGHTS).
Runs until killed.
"""
import array
import json
import os
import socket
import struct
import sys


def parse(data):
    fields = {}
    i = 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            key, value = line.split(b"=", 1)
            i = nl + 1
        else:
            key = line
            (size,) = struct.unpack("<Q", data[nl + 1:nl + 9])
            value = data[nl + 9:nl + 9 + size]
            if data[nl + 9 + size:nl + 10 + size] != b"\n":
                raise ValueError("binary field not ended by a newline")
            i = nl + 10 + size
        fields[key.decode()] = value.decode(errors="replace")
    return fields


def main():
    path, output = sys.argv[1], sys.argv[2]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    os.chmod(path, 0o666)
    while True:
        fds = array.array("i")
        data, ancdata, _, _ = sock.recvmsg(1 << 20, socket.CMSG_LEN(fds.itemsize))
        for level, kind, cdata in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(cdata[:len(cdata) - len(cdata) % fds.itemsize])
        for fd in fds:
            with os.fdopen(fd, "rb") as f:
                data = f.read()
        entry = parse(data)
        if fds:
            entry["_VIA_MEMFD"] = "1"
        with open(output, "a") as out:
            out.write(json.dumps(entry) + "\n")


if __name__ == "__main__":
    main()
