#!/usr/bin/env python3
"""Prints the words of one Exec line (KEY) of a unit file, NUL-separated,
as systemd reads them: double-quoted words with backslash escapes, %% and
$$ undoubled, and %t / %n replaced by the given runtime dir and unit name.
Usage: unit_exec.py UNITFILE KEY RUNTIME_DIR UNIT_NAME"""
import sys

path, key, runtime_dir, unit_name = sys.argv[1:5]
line = None
for raw in open(path):
    if raw.startswith(key + "="):
        line = raw[len(key) + 1:].rstrip("\n")
        break
if line is None:
    sys.exit("no %s= in %s" % (key, path))

words, word, i, quoted, have = [], "", 0, False, False
while i < len(line):
    c = line[i]
    if c == "\\" and i + 1 < len(line):
        nxt = line[i + 1]
        word += {"n": "\n", "t": "\t"}.get(nxt, nxt)
        i += 2
        have = True
        continue
    if c == '"':
        quoted = not quoted
        have = True
    elif c in " \t" and not quoted:
        if have:
            words.append(word)
        word, have = "", False
    elif c == "%" and i + 1 < len(line):
        nxt = line[i + 1]
        word += {"%": "%", "t": runtime_dir, "n": unit_name}[nxt]
        i += 1
        have = True
    elif c == "$" and line[i + 1:i + 2] == "$":
        word += "$"
        i += 1
        have = True
    else:
        word += c
        have = True
    i += 1
if have:
    words.append(word)
sys.stdout.write("\0".join(words))
