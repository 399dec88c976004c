#!/usr/bin/env python3
"""A misbehaving registry for the registry client's unit tests.

Serves one blob (the file given as argv[1]) under any digest, for any
repository; the first path component of the repository picks a fault:

  plain/x      served as asked (Range honoured)
  reset/x      the first answer stops halfway with a TCP reset
  norange/x    like reset, then Range is ignored (a full 200)
  flaky/x      500 twice, then served
  busy/x       429 with Retry-After: 1 once, then served
  corrupt/x    one byte flipped, always
  redirect/x   307 to http://localhost:PORT/storage/..., which refuses
               requests that carry Authorization
  auth/x       Bearer token from /token required (tokens expire after the
               first use, so the client must refresh on 401)
  missing/x    404 with a registry error body

/v2/paged/tags/list and /v2/_catalog answer in pages of two with Link
headers (relative URLs, as docker-registry sends them).

With a second argument "basic", every /v2/ path wants HTTP Basic
credentials kayak:s3cret (a Basic challenge otherwise).

GET /stats returns what was seen (per path: Range headers, Authorization).
Prints the port it listens on, then serves until killed.
"""
import json
import socket
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BLOB = open(sys.argv[1], "rb").read()
BASIC = len(sys.argv) > 2 and sys.argv[2] == "basic"
BASIC_GOOD = "Basic a2F5YWs6czNjcmV0"  # kayak:s3cret
LOCK = threading.Lock()
SEEN = {}          # path -> list of {"range":..., "auth":...}
COUNTS = {}        # (fault, path) -> requests so far
TOKENS = {}        # token -> uses left


def count(key):
    with LOCK:
        COUNTS[key] = COUNTS.get(key, 0) + 1
        return COUNTS[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, doc, headers=()):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def reset_after(self, data):
        self.send_response(200)
        self.send_header("Content-Length", str(len(BLOB)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def serve_blob(self, content, honour_range=True):
        rng = self.headers.get("Range")
        start = 0
        if rng and honour_range and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
        if start:
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(content) - 1, len(content)))
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(content) - start))
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content[start:])

    def record(self, path, form=""):
        query = self.path.split("?", 1)[1] if "?" in self.path else ""
        with LOCK:
            SEEN.setdefault(path, []).append(
                {"method": self.command, "query": query, "form": form,
                 "range": self.headers.get("Range", ""), "auth": self.headers.get("Authorization", "")})

    def do_POST(self):
        # OAuth2 at /token: a refresh token ("identity token") in a form.
        path = self.path.split("?")[0]
        form = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        self.record(path, form)
        fields = dict(item.split("=", 1) for item in form.split("&") if "=" in item)
        if path != "/token" or fields.get("grant_type") != "refresh_token" or fields.get("refresh_token") != "refresh-me":
            return self.send_json(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad refresh token"}]})
        token = "tok-%d" % count(("token", ""))
        with LOCK:
            TOKENS[token] = 1
        return self.send_json(200, {"access_token": token, "expires_in": 300})

    def paged(self, path):
        items = ["t%d" % i for i in range(1, 6)] if "tags" in path else ["r%d/x" % i for i in range(1, 6)]
        last = ""
        if "last=" in self.path:
            last = self.path.split("last=")[1].split("&")[0].replace("%2F", "/")
        start = items.index(last) + 1 if last else 0
        page = items[start:start + 2]
        headers = []
        if start + 2 < len(items):
            headers.append(("Link", '<%s?last=%s&n=2>; rel="next"' % (path, page[-1])))
        key = "tags" if "tags" in path else "repositories"
        return self.send_json(200, {key: page}, headers)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?")[0]
        self.record(path)
        if path == "/stats":
            with LOCK:
                return self.send_json(200, SEEN)
        if BASIC and path.startswith("/v2/") and self.headers.get("Authorization") != BASIC_GOOD:
            return self.send_json(401, {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]},
                                  [("WWW-Authenticate", 'Basic realm="fault"')])
        if path == "/v2/":
            return self.send_json(200, {})
        if path == "/token":
            token = "tok-%d" % count(("token", ""))
            with LOCK:
                TOKENS[token] = 1
            return self.send_json(200, {"token": token, "expires_in": 300})
        if path.startswith("/storage/"):
            if self.headers.get("Authorization"):
                return self.send_json(400, {"errors": [{"code": "DENIED", "message": "credentials leaked to storage"}]})
            return self.serve_blob(BLOB)
        if path in ("/v2/paged/tags/list", "/v2/_catalog"):
            return self.paged(path)
        parts = path.split("/")
        if len(parts) < 6 or parts[1] != "v2" or parts[4] != "blobs":
            return self.send_json(404, {"errors": [{"code": "NOT_FOUND", "message": "no such endpoint"}]})
        fault = parts[2]
        n = count((fault, path))
        if fault == "plain":
            return self.serve_blob(BLOB)
        if fault == "reset":
            if n == 1:
                return self.reset_after(BLOB[: len(BLOB) // 2])
            return self.serve_blob(BLOB)
        if fault == "norange":
            if n == 1:
                return self.reset_after(BLOB[: len(BLOB) // 2])
            return self.serve_blob(BLOB, honour_range=False)
        if fault == "flaky":
            if n <= 2:
                return self.send_json(500, {"errors": [{"code": "UNKNOWN", "message": "try again"}]})
            return self.serve_blob(BLOB)
        if fault == "busy":
            if n == 1:
                return self.send_json(429, {"errors": [{"code": "TOOMANYREQUESTS", "message": "slow down"}]},
                                      [("Retry-After", "1")])
            return self.serve_blob(BLOB)
        if fault == "corrupt":
            content = bytearray(BLOB)
            content[len(content) // 3] ^= 0x01
            return self.serve_blob(bytes(content))
        if fault == "redirect":
            self.send_response(307)
            self.send_header("Location", "http://localhost:%d/storage/%s" % (self.server.server_port, parts[-1]))
            self.send_header("Content-Length", "0")
            return self.end_headers()
        if fault == "auth":
            auth = self.headers.get("Authorization", "")
            token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
            with LOCK:
                ok = TOKENS.get(token, 0) > 0
                if ok:
                    TOKENS[token] -= 1
            if not ok:
                realm = "http://127.0.0.1:%d/token" % self.server.server_port
                return self.send_json(401, {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]},
                                      [("WWW-Authenticate",
                                        'Bearer realm="%s",service="fault",scope="repository:auth/x:pull"' % realm)])
            return self.serve_blob(BLOB)
        return self.send_json(404, {"errors": [{"code": "BLOB_UNKNOWN", "message": "blob unknown to registry"}]})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_port, flush=True)
server.serve_forever()
