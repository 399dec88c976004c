#!/usr/bin/env python3
"""A fault-injecting reverse proxy in front of a registry.

Forwards every request to --upstream (Host header kept, so the registry's
upload Locations point back at the proxy), streaming bodies and passing
Range through. Faults, each NAME[:COUNT][@REGEX] (COUNT: how many matching
requests it hits, default 1, "*" for all; REGEX: searched in the request
path, default: blob GETs /v2/.../blobs/sha256:...):

  drop          send the headers and half the body, then cut the connection
  500           answer 500 (registry error JSON) instead of forwarding
  429           answer 429 Too Many Requests with Retry-After: 1
  503           answer 503 Service Unavailable
  flip          forward, but flip one byte in the middle of the body
                (default count "*": verification must fail however often
                the client retries)
  ignore-range  drop the Range header, so the upstream answers 200 in full
                (default count "*")
  redirect      answer 307 to the same path on http://localhost:PORT/_redirected
                (another host name for the same proxy, as a CDN would be);
                that request is served from upstream with the Authorization
                of the redirecting request, and logs whether the client sent
                one itself

Faults come from --fault (repeatable) or at run time from the control
endpoint: GET /_proxy/faults?set=SPEC&set=SPEC (replaces), ?add=SPEC,
?clear=1; it answers the current list. GET /_proxy/log returns the request
log (also written to --log as JSON lines): method, path, range, status,
bytes (body bytes sent), fault (what was done), auth (whether an
Authorization header came in)."""

import argparse
import http.client
import re
import socket
import ssl
import sys
import threading
from urllib.parse import parse_qs, urlsplit

import fixture_server

BLOB_GET = r"^/v2/.+/blobs/sha256:[0-9a-f]{64}$"
DEFAULT_COUNTS = {"flip": None, "ignore-range": None}   # None: unlimited
KINDS = {"drop", "500", "429", "503", "flip", "ignore-range", "redirect"}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate", "content-length"}


class Fault:
    def __init__(self, spec: str):
        self.spec = spec
        rest, _, regex = spec.partition("@")
        kind, _, count = rest.partition(":")
        if kind not in KINDS:
            raise ValueError("unknown fault %r (one of %s)" % (kind, ", ".join(sorted(KINDS))))
        self.kind = kind
        self.remaining = (None if count == "*" else int(count)) if count else DEFAULT_COUNTS.get(kind, 1)
        self.pattern = re.compile(regex or BLOB_GET)

    def describe(self):
        return {"kind": self.kind, "remaining": self.remaining, "match": self.pattern.pattern}


class Faults:
    def __init__(self, specs):
        self.lock = threading.Lock()
        self.faults = [Fault(s) for s in specs]

    def take(self, kinds, method, path):
        """The first armed fault of one of `kinds` matching the request; uses
        one of its count."""
        with self.lock:
            for fault in self.faults:
                if fault.kind not in kinds or fault.remaining == 0:
                    continue
                if fault.kind in ("drop", "flip", "ignore-range", "redirect") and method != "GET":
                    continue
                if not fault.pattern.search(path):
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                return fault.kind
        return None


class ProxyHandler(fixture_server.Handler):
    def do_GET(self):
        if self.path.startswith("/_proxy/"):
            return self.control()
        self.forward()

    def forward(self):
        try:
            self.proxy()
        except (ConnectionError, http.client.HTTPException, OSError) as e:
            self.log(status=502, fault="upstream-error: %s" % e, bytes=0)
            try:
                self.send_registry_error(502, "UNKNOWN", "proxy: upstream failed: %s" % e)
            except OSError:
                pass

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = forward

    def control(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path == "/_proxy/log":
            return self.send_json(200, self.server.request_log.records())
        if url.path != "/_proxy/faults":
            return self.send_json(404, {"error": "no such control endpoint"})
        faults = self.server.faults
        try:
            new = [Fault(s) for s in query.get("set", []) + query.get("add", [])]
        except ValueError as e:
            return self.send_json(400, {"error": str(e)})
        with faults.lock:
            if "set" in query or "clear" in query:
                faults.faults = []
            faults.faults.extend(new)
            state = [f.describe() for f in faults.faults]
        self.send_json(200, state)

    def log(self, **record):
        record.setdefault("method", self.command)
        record.setdefault("path", self.path)
        record.setdefault("range", self.headers.get("Range"))
        record.setdefault("auth", "Authorization" in self.headers)
        self.server.request_log.write(**record)

    def upstream_connection(self):
        up = self.server.upstream
        if up.scheme == "https":
            context = ssl.create_default_context(cafile=self.server.upstream_ca)
            return http.client.HTTPSConnection(up.hostname, up.port, timeout=120, context=context)
        return http.client.HTTPConnection(up.hostname, up.port or 80, timeout=120)

    def proxy(self):
        method, path = self.command, self.path
        faults = self.server.faults
        redirected = path.startswith("/_redirected/")
        if redirected:
            path = path[len("/_redirected"):]
        else:
            kind = faults.take({"500", "429", "503", "redirect"}, method, path)
            if kind == "500":
                self.log(status=500, fault="500", bytes=0)
                return self.send_registry_error(500, "UNKNOWN", "injected failure")
            if kind == "503":
                self.log(status=503, fault="503", bytes=0)
                return self.send_registry_error(503, "UNAVAILABLE", "injected failure")
            if kind == "429":
                self.log(status=429, fault="429", bytes=0)
                return self.send_registry_error(429, "TOOMANYREQUESTS", "injected rate limit",
                                                headers=[("Retry-After", "1")])
            if kind == "redirect":
                # Remembered so the redirected GET can reach a registry that
                # wants a token, as signed CDN URLs do without one.
                with faults.lock:
                    self.server.redirect_auth[path] = self.headers.get("Authorization")
                location = "http://localhost:%d/_redirected%s" % (self.server.server_address[1], path)
                self.log(status=307, fault="redirect", bytes=0)
                return self.send_body(307, b"", content_type=None, headers=[("Location", location)])

        body = self.read_request_body()
        # A list, not a dict: clients send Accept several times.
        headers = [(n, v) for n, v in self.headers.items() if n.lower() not in HOP_BY_HOP]
        drop = lambda name: [(n, v) for n, v in headers if n.lower() != name]
        fault = None
        if redirected:
            headers = drop("authorization")
            with faults.lock:
                auth = self.server.redirect_auth.get(path)
            if auth:
                headers.append(("Authorization", auth))
            fault = "redirected"
        if self.headers.get("Range") and faults.take({"ignore-range"}, method, path):
            headers = drop("range")
            fault = "ignore-range"
        if body or method in ("POST", "PUT", "PATCH"):
            headers.append(("Content-Length", str(len(body))))

        conn = self.upstream_connection()
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                conn.putheader(name, value)
            conn.endheaders(body or None)
            resp = conn.getresponse()
            self.relay(resp, method, path, fault)
        finally:
            conn.close()

    def relay(self, resp, method, path, fault):
        length = resp.getheader("Content-Length")
        length = int(length) if length is not None else None
        body_fault = None
        if method == "GET" and resp.status in (200, 206) and length:
            body_fault = self.server.faults.take({"drop", "flip"}, method, path)
        self.send_response(resp.status, resp.reason)
        for name, value in resp.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        chunked = length is None and method != "HEAD" and resp.status not in (204, 304)
        if length is not None:
            self.send_header("Content-Length", str(length))
        elif chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", "0")
        if body_fault == "drop":
            self.send_header("Connection", "close")
        self.end_headers()

        sent = 0
        cut_at = length // 2 if body_fault == "drop" else None
        flip_at = length // 2 if body_fault == "flip" else None
        while method != "HEAD":
            chunk = resp.read(65536)
            if not chunk:
                break
            if flip_at is not None and sent <= flip_at < sent + len(chunk):
                i = flip_at - sent
                chunk = chunk[:i] + bytes([chunk[i] ^ 0xFF]) + chunk[i + 1:]
            if cut_at is not None and sent + len(chunk) >= cut_at:
                self.wfile.write(chunk[:cut_at - sent])
                sent = cut_at
                self.wfile.flush()
                self.close_connection = True
                # Cut without a proper end: the client sees a short body.
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                break
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            else:
                self.wfile.write(chunk)
            sent += len(chunk)
        if chunked and body_fault != "drop":
            self.wfile.write(b"0\r\n\r\n")
        self.log(status=resp.status, fault=body_fault or fault, bytes=sent)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    fixture_server.add_server_arguments(parser)
    parser.add_argument("--upstream", required=True, help="http[s]://127.0.0.1:PORT of the registry")
    parser.add_argument("--upstream-ca", help="CA bundle for an https upstream")
    parser.add_argument("--fault", action="append", default=[], help="NAME[:COUNT][@REGEX]")
    args = parser.parse_args()
    fixture_server.serve(ProxyHandler, args, upstream=urlsplit(args.upstream),
                         upstream_ca=args.upstream_ca, faults=Faults(args.fault), redirect_auth={})


if __name__ == "__main__":
    sys.exit(main())
