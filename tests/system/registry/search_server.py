#!/usr/bin/env python3
"""A stand-in for a registry's search and listing endpoints.

  GET /v1/search?q=TERM&n=N&page=P   Docker Hub's JSON shape:
      {"num_pages", "num_results", "page_size", "query", "page",
       "results": [{"name", "description", "star_count", "is_official",
                    "is_automated"}]}
      results: the repositories of --data whose name or description holds
      TERM (case-insensitive), in the order of the data file; n defaults to
      25 and is capped at 100 as on Docker Hub.
  GET /v2/                          200 {} (a registry that answers the ping)
  GET /v2/_catalog?n=N&last=NAME    {"repositories": [...]}, sorted, paged
  GET /v2/NAME/tags/list?n=&last=   {"name", "tags": [...]}, paged
      Paging as the distribution spec says: at most min(n, --page-size)
      entries after `last`, and a Link: </v2/...?last=X&n=N>; rel="next"
      header while more remain.

--no-v1 makes /v1/search answer 404 (a registry without v1 search, so
clients fall back to the catalog). --users FILE (USER:PASSWORD lines)
requires Basic credentials on every endpoint (401 with a Basic challenge
otherwise). Requests are logged (--log, JSON lines: method, path, query,
user, status)."""

import argparse
import base64
import json
import math
import os
import sys
from urllib.parse import parse_qs, quote, urlsplit

import fixture_server

HERE = os.path.dirname(os.path.abspath(__file__))


class SearchHandler(fixture_server.Handler):
    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        user, ok = self.check_credentials()
        status = self.route(url.path, query) if ok else self.unauthorized()
        self.server.request_log.write(method="GET", path=url.path, query=query, user=user, status=status)

    do_HEAD = do_GET

    def check_credentials(self):
        users = self.server.users
        if not users:
            return None, True
        header = self.headers.get("Authorization", "")
        if not header.lower().startswith("basic "):
            return None, False
        try:
            user, _, password = base64.b64decode(header[6:].strip()).decode().partition(":")
        except Exception:
            return None, False
        return user, users.get(user) == password

    def unauthorized(self):
        self.send_registry_error(401, "UNAUTHORIZED", "authentication required",
                                 headers=[("WWW-Authenticate", 'Basic realm="kayak-test-search"')])
        return 401

    def route(self, path, query):
        data = self.server.data
        api = [("Docker-Distribution-API-Version", "registry/2.0")]
        if path == "/v1/search" and not self.server.no_v1:
            return self.search(query)
        if path in ("/v2", "/v2/"):
            self.send_json(200, {}, headers=api)
            return 200
        if path == "/v2/_catalog":
            names = sorted(data["tags"])
            page, link = self.paginate(names, query, "/v2/_catalog")
            self.send_json(200, {"repositories": page}, headers=api + link)
            return 200
        if path.startswith("/v2/") and path.endswith("/tags/list"):
            name = path[len("/v2/"):-len("/tags/list")]
            if name not in data["tags"]:
                self.send_registry_error(404, "NAME_UNKNOWN", "repository name not known to registry",
                                         headers=api)
                return 404
            tags = sorted(data["tags"][name])
            page, link = self.paginate(tags, query, "/v2/%s/tags/list" % name)
            self.send_json(200, {"name": name, "tags": page}, headers=api + link)
            return 200
        self.send_json(404, {"errors": [{"code": "NOT_FOUND", "message": "not found"}]})
        return 404

    def search(self, query):
        term = query.get("q", [""])[0]
        try:
            size = int(query.get("n", ["25"])[0] or 25)
            page = int(query.get("page", ["1"])[0] or 1)
        except ValueError:
            self.send_json(400, {"message": "bad n or page"})
            return 400
        size = max(1, min(size, 100))
        page = max(1, page)
        needle = term.lower()
        hits = [r for r in self.server.data["repositories"]
                if needle in r["name"].lower() or needle in r["description"].lower()]
        self.send_json(200, {
            "num_pages": max(1, math.ceil(len(hits) / size)),
            "num_results": len(hits),
            "page_size": size,
            "query": term,
            "page": page,
            "results": hits[(page - 1) * size:page * size],
        })
        return 200

    def paginate(self, items, query, path):
        limit = self.server.page_size
        if query.get("n", [""])[0]:
            limit = min(limit, max(0, int(query["n"][0])))
        last = query.get("last", [""])[0]
        if last:
            items = [i for i in items if i > last]
        page = items[:limit]
        link = []
        if len(items) > limit and page:
            link = [("Link", '<%s?last=%s&n=%d>; rel="next"' % (path, quote(page[-1], safe=""), limit))]
        return page, link


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    fixture_server.add_server_arguments(parser)
    parser.add_argument("--data", default=os.path.join(HERE, "search_data.json"),
                        help="JSON: {repositories: [...], tags: {name: [tag...]}}")
    parser.add_argument("--no-v1", action="store_true", help="no /v1/search (404)")
    parser.add_argument("--page-size", type=int, default=100, help="most entries per catalog/tags page")
    parser.add_argument("--users", help="file with USER:PASSWORD lines: require Basic auth")
    args = parser.parse_args()
    with open(args.data, encoding="utf-8") as f:
        data = json.load(f)
    users = {}
    if args.users:
        for line in open(args.users):
            name, sep, password = line.rstrip("\n").partition(":")
            if sep:
                users[name] = password
    fixture_server.serve(SearchHandler, args, data=data, no_v1=args.no_v1,
                         page_size=args.page_size, users=users)


if __name__ == "__main__":
    sys.exit(main())
