#!/usr/bin/env python3
"""A stand-in for systemd's notify socket: binds a datagram unix socket at
PATH and appends one JSON line per datagram to LOG ({"t": wall-clock ns
when it arrived, "pid": the sender's pid from SCM_CREDENTIALS, "msg": the
text}). Runs until killed."""
import json
import os
import socket
import sys
import time

path, log = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o777)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
open(log + ".ready", "w").close()
while True:
    data, ancdata, _flags, _addr = sock.recvmsg(65536, socket.CMSG_SPACE(12))
    pid = None
    for level, kind, payload in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = int.from_bytes(payload[0:4], "little")
    with open(log, "a") as out:
        out.write(json.dumps({"t": time.time_ns(), "pid": pid, "msg": data.decode(errors="replace")}) + "\n")
