# SPDX-License-Identifier: Apache-2.0
"""on_tty.py: run a command on a pseudo-terminal and answer its prompt.

    python3 on_tty.py ANSWER CMD [ARGS...]

Waits for the command to print "Type 'yes'", types ANSWER and a newline,
copies everything the command printed to stdout, and exits with the
command's exit status (tests only).
"""
import os
import pty
import sys
import time


def main():
    answer, cmd = sys.argv[1], sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    seen, answered, deadline = b"", False, time.time() + 60
    while time.time() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not answered and b"Type 'yes'" in seen:
            os.write(fd, answer.encode() + b"\n")
            answered = True
    sys.stdout.write(seen.decode(errors="replace"))
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
