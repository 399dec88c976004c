#!/usr/bin/env python3
"""What `search` should print for the search server's data, computed
independently of kayak: tab-separated rows (header first) for the test's
docker_table helper.

  expected_search.py --data FILE --term T [--registry R] [--limit N]
                     [--filter stars=N|is-official=B|is-automated=B]...
                     [--no-trunc] [--catalog]

--table lays the rows out as Docker's tables do (Go's tabwriter: cells
padded to the widest cell of the column, in characters, plus 3, at least
10; the last cell of a line unpadded) instead of printing them with tabs.

Without --catalog the rows follow /v1/search (name or description holds the
term, case-insensitive; the server answers at most n = limit results, then
the filters apply). With --catalog they follow the catalog fallback (sorted
repository names containing the term, no description or stars). Names are
prefixed with --registry unless it is docker.io."""

import argparse
import json
import sys
import unicodedata


def width(ch):
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def ellipsis(text, max_width=45):
    if sum(width(c) for c in text) <= max_width:
        return text
    out, used = "", 0
    for c in text:
        if used + width(c) > max_width - 1:
            break
        out += c
        used += width(c)
    return out + "…"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--term", required=True)
    p.add_argument("--registry", default="docker.io")
    p.add_argument("--limit", type=int, default=25)
    p.add_argument("--filter", action="append", default=[])
    p.add_argument("--no-trunc", action="store_true")
    p.add_argument("--catalog", action="store_true")
    p.add_argument("--table", action="store_true")
    a = p.parse_args()
    data = json.load(open(a.data, encoding="utf-8"))
    prefix = "" if a.registry == "docker.io" else a.registry + "/"
    if a.catalog:
        repos = [{"name": n, "description": "", "star_count": 0, "is_official": False,
                  "is_automated": False} for n in sorted(data["tags"]) if a.term in n]
    else:
        t = a.term.lower()
        repos = [r for r in data["repositories"]
                 if t in r["name"].lower() or t in r["description"].lower()][:a.limit]
    def keep(r):
        for f in a.filter:
            k, v = f.split("=", 1)
            if k == "stars" and r["star_count"] < int(v):
                return False
            if k == "is-official" and r["is_official"] != (v == "true"):
                return False
            if k == "is-automated" and r["is_automated"] != (v == "true"):
                return False
        return True
    rows = [r for r in repos if keep(r)][:a.limit]
    out = ["NAME\tDESCRIPTION\tSTARS\tOFFICIAL\tAUTOMATED"]
    for r in rows:
        desc = r["description"].replace("\n", " ").replace("\r", " ")
        if not a.no_trunc:
            desc = ellipsis(desc)
        out.append("\t".join([prefix + r["name"], desc, str(r["star_count"]),
                              "[OK]" if r["is_official"] else "", "[OK]" if r["is_automated"] else ""]))
    if a.table:
        out = tabwrite([line.split("\t") for line in out])
    sys.stdout.write("\n".join(out) + "\n")


def tabwrite(rows):
    widths = {}
    for cells in rows:
        for i, cell in enumerate(cells[:-1]):
            widths[i] = max(widths.get(i, 10), len(cell) + 3)
    return ["".join(c.ljust(widths[i]) for i, c in enumerate(cells[:-1])) + cells[-1] for cells in rows]


if __name__ == "__main__":
    main()
