"""Runs a command under a pseudo-terminal, as at a real terminal, and never types.

Usage: python3 _pty_run.py SECONDS UNTIL_REGEX|- GRACE_SECONDS -- COMMAND [ARG...]

Reads what the command prints for at most SECONDS. When UNTIL_REGEX (not "-")
appears, keeps reading GRACE_SECONDS more (a prompt printed later is seen too),
then sends SIGTERM to the command's process group. A command that asks a
question waits for an answer that never comes, until SECONDS. Prints one JSON
object: {"output": all text, "exit": exit status or null, "matched": bool,
"timed_out": bool}.
"""
import json
import os
import pty
import re
import select
import signal
import sys
import time


def main() -> None:
    seconds, until, grace = float(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    command = sys.argv[sys.argv.index("--") + 1:]
    pattern = None if until == "-" else re.compile(until)
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    output = b""
    deadline = time.monotonic() + seconds
    matched = False
    stop_at = None
    eof = False
    while time.monotonic() < (stop_at or deadline):
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                eof = True
                break
            output += chunk
            if pattern and not matched and pattern.search(output.decode("utf-8", "replace")):
                matched = True
                stop_at = min(deadline, time.monotonic() + grace)
    timed_out = not eof and not matched
    status = None
    if not eof:
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        end = time.monotonic() + 20
        while time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
        else:
            os.killpg(pid, signal.SIGKILL)
    _, raw = os.waitpid(pid, 0)
    status = os.waitstatus_to_exitcode(raw)
    print(json.dumps({
        "output": output.decode("utf-8", "replace"),
        "exit": status,
        "matched": matched,
        "timed_out": timed_out,
    }))


main()
