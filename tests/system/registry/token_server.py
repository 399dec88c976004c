#!/usr/bin/env python3
"""A bearer token server for docker-registry's `auth: token` mode.

GET /token?service=S&scope=repository:NAME:pull,push[&scope=...]  with
optional Basic credentials (Docker's and podman's flow), and POST /token
with an OAuth2 form (grant_type=password or refresh_token; Docker's flow
with identity tokens). Answers {"token", "access_token", "expires_in",
"issued_at"[, "refresh_token"]}: an RS256 JWT signed with --key (by calling
`openssl dgst -sha256 -sign`, as the standard library cannot sign RSA),
whose "kid" is the libtrust key ID of that key, which is how the registry
finds the key in its rootcertbundle.

Credentials: --users FILE with lines USER:PASSWORD. Authenticated users get
every action they ask for; anonymous callers get `pull` only, or nothing
with --anonymous=none (then 401). Wrong credentials: 401.

Control (for tests): GET /_control/set?expires_in=N&jwt_lifetime=N&anonymous=pull|none
changes settings at run time (jwt_lifetime is the JWT's own validity in
seconds, may be negative: the registry then rejects the token, which makes
the client fetch a new one); GET /_control/log returns the request log.
Every token request is logged (--log, JSON lines): method, service,
scopes, account, user (null when anonymous), granted, status."""

import argparse
import base64
import datetime
import hashlib
import json
import secrets
import subprocess
import sys
import threading
import time
from urllib.parse import parse_qs, urlsplit

import fixture_server


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def libtrust_key_id(key_path: str) -> str:
    """docker/libtrust's key ID: SHA-256 of the DER public key, the first 240
    bits in base32, in 12 groups of 4 separated by ':'."""
    der = subprocess.run(["openssl", "pkey", "-in", key_path, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    encoded = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode().rstrip("=")
    return ":".join(encoded[i:i + 4] for i in range(0, len(encoded), 4))


def parse_scope(scope: str):
    """"repository:library/busybox:pull,push" -> ("repository", "library/busybox", ["pull","push"]).
    The name may hold a port ("repository:127.0.0.1:5000/x:pull" does not
    occur, but names never hold ':' otherwise), so split type first and
    actions last."""
    kind, _, rest = scope.partition(":")
    name, _, actions = rest.rpartition(":")
    return kind, name, [a for a in actions.split(",") if a]


class Settings:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.expires_in = args.expires_in
        self.jwt_lifetime = args.jwt_lifetime
        self.anonymous = args.anonymous


class TokenHandler(fixture_server.Handler):
    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        if url.path == "/_control/set":
            return self.control_set(query)
        if url.path == "/_control/log":
            return self.send_json(200, self.server.request_log.records())
        if url.path != "/token":
            return self.send_json(404, {"details": "not found"})
        user, ok = self.basic_credentials()
        if not ok:
            return self.refuse("GET", query, user)
        self.issue("GET", query.get("service", [""])[0], query.get("scope", []),
                   query.get("account", [""])[0], user)

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path != "/token":
            return self.send_json(404, {"details": "not found"})
        form = parse_qs(self.read_request_body().decode(), keep_blank_values=True)
        first = lambda k: form.get(k, [""])[0]
        grant = first("grant_type")
        user = None
        if grant == "password":
            user = first("username")
            if self.server.users.get(user) != first("password"):
                return self.refuse("POST", form, user)
        elif grant == "refresh_token":
            user = self.server.refresh_tokens.get(first("refresh_token"))
            if user is None:
                return self.refuse("POST", form, None)
        else:
            return self.send_json(400, {"error": "unsupported_grant_type"})
        scopes = first("scope").split(" ") if first("scope") else []
        self.issue("POST", first("service"), scopes, user, user,
                   refresh=first("access_type") == "offline" or grant == "refresh_token")

    def control_set(self, query):
        s = self.server.settings
        with s.lock:
            if "expires_in" in query:
                s.expires_in = int(query["expires_in"][0])
            if "jwt_lifetime" in query:
                s.jwt_lifetime = int(query["jwt_lifetime"][0])
            if "anonymous" in query:
                s.anonymous = query["anonymous"][0]
            state = {"expires_in": s.expires_in, "jwt_lifetime": s.jwt_lifetime,
                     "anonymous": s.anonymous}
        self.send_json(200, state)

    def basic_credentials(self):
        """(user, ok): (None, True) when anonymous."""
        header = self.headers.get("Authorization", "")
        if not header.lower().startswith("basic "):
            return None, True
        try:
            user, _, password = base64.b64decode(header[6:].strip()).decode().partition(":")
        except Exception:
            return None, False
        return user, self.server.users.get(user) == password

    def refuse(self, method, query, user):
        self.server.request_log.write(method=method, path="/token", user=user, status=401,
                                      scopes=query.get("scope", []), granted=[])
        self.send_json(401, {"details": "incorrect username or password"},
                       headers=[("WWW-Authenticate", 'Basic realm="kayak-test-token"')])

    def issue(self, method, service, scopes, account, user, refresh=False):
        settings = self.server.settings
        with settings.lock:
            expires_in, lifetime, anonymous = settings.expires_in, settings.jwt_lifetime, settings.anonymous
        if user is None and anonymous == "none":
            return self.refuse(method, {"scope": scopes}, None)
        access = []
        for scope in scopes:
            kind, name, actions = parse_scope(scope)
            if user is None:
                actions = [a for a in actions if a == "pull"]
            access.append({"type": kind, "name": name, "actions": actions})
        now = int(time.time())
        claims = {
            "iss": self.server.issuer,
            "sub": user or "",
            "aud": service,
            "exp": now + lifetime,
            "nbf": now - 10,
            "iat": now,
            "jti": secrets.token_hex(8),
            "access": access,
        }
        header = {"typ": "JWT", "alg": "RS256", "kid": self.server.key_id}
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.server.key],
                                   input=signing_input.encode(), check=True,
                                   capture_output=True).stdout
        token = signing_input + "." + b64url(signature)
        body = {
            "token": token,
            "access_token": token,
            "expires_in": expires_in,
            "issued_at": datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
                                 .strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if refresh and user is not None:
            refresh_token = "refresh-" + secrets.token_hex(8)
            self.server.refresh_tokens[refresh_token] = user
            body["refresh_token"] = refresh_token
        self.server.request_log.write(method=method, path="/token", service=service, scopes=scopes,
                                      account=account or None, user=user, status=200,
                                      granted=access, jti=claims["jti"])
        self.send_json(200, body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    fixture_server.add_server_arguments(parser)
    parser.add_argument("--key", required=True, help="RSA private key (PEM) to sign with")
    parser.add_argument("--issuer", default="kayak-test-issuer")
    parser.add_argument("--users", help="file with USER:PASSWORD lines")
    parser.add_argument("--anonymous", choices=["pull", "none"], default="pull")
    parser.add_argument("--expires-in", type=int, default=300)
    parser.add_argument("--jwt-lifetime", type=int, default=300)
    args = parser.parse_args()
    users = {}
    if args.users:
        for line in open(args.users):
            name, sep, password = line.rstrip("\n").partition(":")
            if sep:
                users[name] = password
    fixture_server.serve(TokenHandler, args, key=args.key, key_id=libtrust_key_id(args.key),
                         issuer=args.issuer, users=users, settings=Settings(args),
                         refresh_tokens={})


if __name__ == "__main__":
    sys.exit(main())
