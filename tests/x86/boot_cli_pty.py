#!/usr/bin/env python3
"""boot_cli_pty.py - `nimbus boot` on a terminal, for boot_cli_console.sh.

  boot_cli_pty.py NIMBUS IMAGE OUT_DIR

Runs a 2-node cluster with its stdin and stdout on a pseudo-terminal, as
a user's shell would, and types into it: a command, the Up arrow and
Enter (the history gives the command back), lines edited with Left,
Backspace, Ctrl-A, Ctrl-E and Ctrl-K, bare 'help', then Ctrl-C. Checks what came back on the
terminal and that nimbus ended with 130 (SIGINT from the terminal's
Ctrl-C: the line editor leaves ISIG on). Everything the terminal showed is
written to OUT_DIR/pty.out. Exit status 0 when all held, 1 (with the
reason) when not.
"""
import os
import pty
import select
import sys
import time

NIMBUS, IMAGE, OUT = sys.argv[1:4]
PROMPT = b"nimbus boot> "
LIMIT_S = 60

pid, fd = pty.fork()
if pid == 0:
    os.execv(NIMBUS, [NIMBUS, "boot", "--nodes", "2", "--kernel", IMAGE, "--out", OUT + "/pty"])

seen = b""
log = open(OUT + "/pty.out", "wb")


def fail(why):
    log.close()
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    print("FAIL: " + why + " (the terminal's output is in " + OUT + "/pty.out)")
    sys.exit(1)


def wait_for(text, count=1, what=None):
    """Read the terminal until `text` has appeared `count` times in all."""
    global seen
    deadline = time.monotonic() + LIMIT_S
    while seen.count(text) < count:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            fail("no %r (%s) within %d s" % (text, what or "", LIMIT_S))
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            fail("the terminal closed before %r" % text)
        seen += data
        log.write(data)
        log.flush()


def typed(keys):
    os.write(fd, keys)


wait_for(PROMPT, what="the line editor's prompt")
wait_for(b"nimbus boot: node 0 ready")
wait_for(b"nimbus boot: node 1 ready")
time.sleep(1.5)  # as --exec does: the e1000 holds frames for a second

typed(b"0: ps\r")
wait_for(b"n0| no processes", 1, "the answer to 0: ps")
typed(b"\x1b[A\r")  # Up, Enter: 0: ps again, from the history
wait_for(b"n0| no processes", 2, "the answer to the Up arrow's 0: ps")
if b"^[[A" in seen:
    fail("the Up arrow was echoed as ^[[A")

typed(b"1: lodx\x7f\x1b[Da\r")  # Backspace over x, Left over d, insert a
wait_for(b"n1| load 0.00", 1, "the answer to the edited '1: load'")
# Ctrl-A: to the start, type "1: "; Ctrl-E: to the end, " junk"; Left x5,
# Ctrl-K: cut " junk" off again.
typed(b"peers\x011: \x05 junk\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x0b\r")
wait_for(b"n1| nimbus> peers", 1, "the echo of the edited '1: peers'")

typed(b"help\r")
wait_for(b"'<node>: <command>' types a command", 1, "bare help")
wait_for(b"migrate  PID NODE", 1, "the shell's command list after bare help")

typed(b"\x03")  # Ctrl-C
wait_for(b"nimbus boot: stopped 2 nodes")
_, status = os.waitpid(pid, 0)
log.close()
if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 130:
    print("FAIL: nimbus ended with wait status %d after Ctrl-C, wanted exit 130" % status)
    sys.exit(1)
print("pty: history, editing, bare help and Ctrl-C work on a terminal")
