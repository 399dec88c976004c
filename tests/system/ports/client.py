#!/usr/bin/env python3
"""Host-side clients for the port tests (127.0.0.1 only).

  client.py udp PORT TEXT          send TEXT, print the reply (5 s timeout)
  client.py upload PORT BYTES      send BYTES random bytes, shut the write
                                   side, read the reply to the end; print
                                   "<sha256 of what was sent> <reply>"
  client.py download PORT          read to the end; print "<sha256> <length>"
  client.py hold PORT [ADDR]       listen on ADDR:PORT until killed (default
                                   0.0.0.0; an IPv6 ADDR is IPv6 only)
  client.py reset PORT             connect and read: print "reset" when the
                                   connection is reset, else what arrived
  client.py abort PORT N           N times: connect, read a little, close
                                   with a reset (SO_LINGER 0)
  client.py bindable PORT          exit 0 when 0.0.0.0:PORT can be listened
                                   on now (with SO_REUSEADDR, as servers do)
"""
import hashlib
import os
import socket
import struct
import sys
import time


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=60)


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1)
        # The first datagram may reach the forwarder before the server
        # listens; UDP does not retry, so we do.
        for _ in range(10):
            s.sendto(sys.argv[3].encode(), ("127.0.0.1", port))
            try:
                print(s.recv(65536).decode())
                return 0
            except socket.timeout:
                continue
        print("no reply", file=sys.stderr)
        return 1
    if mode == "upload":
        total = int(sys.argv[3])
        digest = hashlib.sha256()
        s = connect(port)
        chunk = os.urandom(1 << 20)
        sent = 0
        while sent < total:
            part = chunk[: min(len(chunk), total - sent)]
            s.sendall(part)
            digest.update(part)
            sent += len(part)
        s.shutdown(socket.SHUT_WR)
        reply = b""
        while True:
            data = s.recv(65536)
            if not data:
                break
            reply += data
        print(digest.hexdigest(), reply.decode().split()[0] if reply.strip() else "<empty>")
        return 0
    if mode == "download":
        digest = hashlib.sha256()
        length = 0
        s = connect(port)
        while True:
            data = s.recv(1 << 20)
            if not data:
                break
            digest.update(data)
            length += len(data)
        print(digest.hexdigest(), length)
        return 0
    if mode == "hold":
        address = sys.argv[3] if len(sys.argv) > 3 else "0.0.0.0"
        if ":" in address:
            s = socket.socket(socket.AF_INET6)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        else:
            s = socket.socket()
        s.bind((address, port))
        s.listen()
        print("listening", flush=True)
        time.sleep(3600)
    if mode == "reset":
        # The reset may come before connect() has returned.
        try:
            print(connect(port).recv(100).decode() or "<eof>")
        except ConnectionResetError:
            print("reset")
        return 0
    if mode == "abort":
        for _ in range(int(sys.argv[3])):
            s = connect(port)
            s.recv(65536)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        return 0
    if mode == "bindable":
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("0.0.0.0", port))
            s.listen()
        except OSError as e:
            print(e, file=sys.stderr)
            return 1
        return 0
    return 2


sys.exit(main())
