#!/usr/bin/env python3
"""Drive a command on a fresh pseudo-terminal, like a person at a shell.

usage: pty_session.py [STEP...] -- COMMAND [ARG...]

Steps run in order:
  expect:REGEX   wait (up to 20 s) until the output so far matches REGEX
  send:TEXT      type TEXT; \\n, \\r, \\xNN escapes are understood
  sleep:SECONDS  pause
  eof            type ctrl-d at the start of a line
Then the command's remaining output is read until it exits. The output
(carriage returns removed) goes to stdout; the exit status is the
command's. The last line on stderr says whether the terminal was left in
its original (cooked, echoing) mode: "terminal: restored" or
"terminal: RAW".
"""
import os
import pty
import re
import select
import sys
import termios
import time


def decode(text):
    return text.encode().decode("unicode_escape").encode("latin-1")


def main():
    args = sys.argv[1:]
    if "--" not in args:
        sys.exit(__doc__)
    split = args.index("--")
    steps, command = args[:split], args[split + 1:]

    pid, master = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)

    output = bytearray()

    def read_some(timeout):
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(master, 65536)
        except OSError:
            return False
        if not data:
            return False
        output.extend(data)
        return True

    for step in steps:
        kind, _, value = step.partition(":")
        if kind == "expect":
            deadline = time.time() + 20
            pattern = re.compile(value.encode())
            while not pattern.search(output):
                if time.time() > deadline:
                    sys.stdout.write(output.decode(errors="replace").replace("\r", ""))
                    sys.exit(f"pty_session: timed out waiting for {value!r}")
                if not read_some(0.1):
                    break
        elif kind == "send":
            os.write(master, decode(value))
        elif kind == "eof":
            os.write(master, b"\x04")
        elif kind == "sleep":
            end = time.time() + float(value)
            while time.time() < end:
                read_some(0.05)
        else:
            sys.exit(f"pty_session: unknown step {step!r}")

    # The terminal mode as the command left it (read before it exits and
    # the pty goes away).
    deadline = time.time() + 60
    status = None
    attrs = None
    while status is None:
        try:
            attrs = termios.tcgetattr(master)
        except termios.error:
            pass
        alive = read_some(0.05)
        done, raw_status = os.waitpid(pid, os.WNOHANG)
        if done:
            status = raw_status
        elif not alive:
            _, status = os.waitpid(pid, 0)
        elif time.time() > deadline:
            os.kill(pid, 9)
            sys.exit("pty_session: the command did not exit")
    while read_some(0.05):
        pass
    try:
        attrs = termios.tcgetattr(master)
    except termios.error:
        pass
    sys.stdout.write(output.decode(errors="replace").replace("\r", ""))
    sys.stdout.flush()
    if attrs is not None:
        lflag = attrs[3]
        cooked = bool(lflag & termios.ICANON) and bool(lflag & termios.ECHO)
        # On a line of its own, whatever the session printed last (a prompt).
        print("\nterminal: restored" if cooked else "\nterminal: RAW", file=sys.stderr)
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
