"""What the registry test servers share: a threaded HTTP server bound to
127.0.0.1 on a port the kernel picks (no race with other tests), the port
written to a file once the socket listens (the bats helpers poll for it),
optional TLS, a JSON-lines request log, and a clean stop on SIGTERM.

Standard library only: the tests run as unprivileged users too."""

import argparse
import json
import os
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # A restarted fixture may reuse a port still in TIME_WAIT.
    allow_reuse_address = True
    # Clients that connect while the machine is busy must not be refused.
    request_queue_size = 64


class RequestLog:
    """Appends one JSON object per line; tests read the file while the
    server runs, so every record is flushed as it is written."""

    def __init__(self, path):
        self._lock = threading.Lock()
        self._file = open(path, "a", encoding="utf-8") if path else None
        self._records = []

    def write(self, **record):
        record.setdefault("time", round(time.time(), 3))
        with self._lock:
            self._records.append(record)
            if self._file:
                self._file.write(json.dumps(record, sort_keys=True) + "\n")
                self._file.flush()

    def records(self):
        with self._lock:
            return list(self._records)


class Handler(BaseHTTPRequestHandler):
    # Keep-alive like a real registry; every response must therefore carry
    # Content-Length or chunked encoding (send_body does that).
    protocol_version = "HTTP/1.1"
    server_version = "kayak-test-fixture/1"
    # A stuck client must not keep a thread forever.
    timeout = 120

    def log_message(self, fmt, *args):  # stderr goes to the fixture's log file
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def send_body(self, status, body=b"", content_type="application/json", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, value, headers=()):
        self.send_body(status, json.dumps(value, indent=None) + "\n", headers=headers)

    def send_registry_error(self, status, code, message, headers=()):
        self.send_json(status, {"errors": [{"code": code, "message": message, "detail": None}]},
                       headers=headers)

    def read_request_body(self):
        """The request body, Content-Length or chunked."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass   # trailers
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""


def add_server_arguments(parser: argparse.ArgumentParser):
    parser.add_argument("--port", type=int, default=0, help="port (default: one the kernel picks)")
    parser.add_argument("--port-file", help="write the port here once listening")
    parser.add_argument("--log", help="JSON-lines request log")
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--tls-key", help="... and this key")


def serve(handler_class, args, **attributes):
    """Binds, publishes the port, serves until SIGTERM/SIGINT. attributes are
    set on the server object (handlers reach them as self.server.NAME)."""
    server = Server(("127.0.0.1", args.port), handler_class)
    scheme = "http"
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    server.request_log = RequestLog(args.log)
    for name, value in attributes.items():
        setattr(server, name, value)
    port = server.server_address[1]

    def stop(signum, frame):
        # shutdown() waits for serve_forever, so it must run on another thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.port_file:
        # Atomic: the helper must never read a half-written port.
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    sys.stderr.write("listening on %s://127.0.0.1:%d\n" % (scheme, port))
    sys.stderr.flush()
    server.serve_forever(poll_interval=0.2)
    server.server_close()
