#!/usr/bin/env python3
"""Every command shown in README.md and docs/*.md runs, or is listed.

A command is a line starting with "$ " inside a fenced code block, or any
line of a ```sh block; a line ending in a backslash continues on the next
one. Lines after a "$ " command, up to the next one or the end of the
block, are the output the page shows for it.

Each page's commands run in document order (later ones use the files of
earlier ones) in a fresh scratch directory prepared like a user's
checkout: the repository's scenarios/, tools/, tests/ and user/ linked in,
build/ linking the build directory, `nimbus` on PATH resolving to the
build's binary, HOME inside the scratch directory. Each runs under bash
with a timeout and must exit with status 0.

Shown output is compared with the command's stdout (stderr is progress
and notices; it is printed only when a command fails):
- exactly, by default: everything such a block shows comes from the
  simulator or a file tool, so it is the same on every machine;
- by shape when the block is marked <!-- example output --> on the line
  above the fence (its output holds figures of the machine: wall time,
  events/s, seeds per minute): every number is replaced by N on both
  sides, so wording, units and line count must still match;
- not at all when the page shows no output under the command.

A command that cannot run here (QEMU boots, interactive sessions, a
window, a build or a long sweep) or that another test already runs as
written (the session tests and the x86 tests) is listed in not_run.txt as
`page :: reason :: command`. The test fails when a command fails or prints
something else, and when a listed command is no longer on its page (a
stale manifest).

Usage: commands.py NIMBUS SOURCE_DIR BINARY_DIR
"""
import os
import re
import shutil
import subprocess
import sys

TIMEOUT_S = 120
LINKED = ("scenarios", "tools", "tests", "user")
SHELL_FENCES = ("sh", "bash", "shell")
EXAMPLE_MARK = "<!-- example output -->"


class Command:
    def __init__(self, page, line, text, shape_only):
        self.page, self.line, self.text = page, line, text
        self.shown = []          # output lines the page shows
        self.shape_only = shape_only


def join_continued(lines, i):
    """The command starting at lines[i] with its continuation lines, and
    the index after it. Continuations are joined with one space."""
    parts = [lines[i]]
    while parts[-1].endswith("\\") and i + 1 < len(lines):
        i += 1
        parts[-1] = parts[-1][:-1].rstrip()
        parts.append(lines[i].strip())
    return " ".join(parts), i + 1


def block_commands(page, start, lang, body, shape_only):
    """The commands of one fenced block whose first body line is `start`."""
    cmds, i = [], 0
    while i < len(body):
        line = body[i]
        if lang in SHELL_FENCES:
            if line.strip():
                text, after = join_continued(body, i)
                cmds.append(Command(page, start + i, text.strip(), False))
                i = after
                continue
        elif line.startswith("$ "):
            text, after = join_continued(body, i)
            cmds.append(Command(page, start + i, text[2:], shape_only))
            i = after
            continue
        elif cmds:
            cmds[-1].shown.append(line)
        i += 1
    return cmds


def page_commands(path, page):
    lines = open(path, encoding="utf-8").read().split("\n")
    cmds, i = [], 0
    while i < len(lines):
        # A fence may be indented (a block inside a list item); its body
        # loses the same indentation.
        fence = re.match(r"^( *)```(\w*)\s*$", lines[i])
        if not fence:
            i += 1
            continue
        indent = len(fence.group(1))
        end = i + 1
        while end < len(lines) and not lines[end].lstrip().startswith("```"):
            end += 1
        body = [l[indent:] if l[:indent].isspace() else l for l in lines[i + 1:end]]
        above = next((l for l in reversed(lines[:i]) if l.strip()), "")
        cmds += block_commands(page, i + 2, fence.group(2), body,
                               above.strip() == EXAMPLE_MARK)
        i = end + 1
    return cmds


def read_manifest(path):
    """{(page, command): reason} from not_run.txt; '#' lines are comments."""
    listed = {}
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split(" :: ", 2)
        if len(fields) != 3 or not all(f.strip() for f in fields):
            sys.exit(f"{path}:{n}: expected 'page :: reason :: command'")
        listed[(fields[0], fields[2])] = fields[1]
    return listed


def prepare_scratch(work, nimbus, src, bin_dir):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "home"))
    os.makedirs(os.path.join(work, ".bin"))
    for name in LINKED:
        os.symlink(os.path.join(src, name), os.path.join(work, name))
    os.symlink(bin_dir, os.path.join(work, "build"))
    os.symlink(nimbus, os.path.join(work, ".bin", "nimbus"))
    env = dict(os.environ, HOME=os.path.join(work, "home"),
               PATH=os.path.join(work, ".bin") + os.pathsep + os.environ["PATH"])
    return env


def shape(lines):
    return [re.sub(r"\d+(\.\d+)?", "N", l) for l in lines]


def run_command(cmd, work, env):
    """None when the command behaves as the page says, else why not."""
    try:
        done = subprocess.run(["bash", "-c", cmd.text], cwd=work, env=env,
                              capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return f"no exit within {TIMEOUT_S} s"
    if done.returncode != 0:
        return f"exit status {done.returncode}; stderr:\n{done.stderr}"
    if not cmd.shown:
        return None
    got = done.stdout.split("\n")
    if got and got[-1] == "":
        got.pop()
    want = cmd.shown
    if cmd.shape_only:
        got, want = shape(got), shape(want)
    if got == want:
        return None
    what = "the shape of what" if cmd.shape_only else "what"
    return (f"prints other than {what} the page shows\n--- page\n"
            + "\n".join(want) + "\n--- run\n" + "\n".join(got))


def main():
    nimbus, src, bin_dir = (os.path.realpath(a) for a in sys.argv[1:4])
    listed = read_manifest(os.path.join(src, "tests", "docs", "not_run.txt"))
    pages = ["README.md"] + sorted("docs/" + f for f in os.listdir(os.path.join(src, "docs"))
                                   if f.endswith(".md"))
    failures, seen = [], set()
    for page in pages:
        cmds = page_commands(os.path.join(src, page), page)
        work = os.path.join(bin_dir, "test-runs", "docs-commands", page.replace("/", "-"))
        env = prepare_scratch(work, nimbus, src, bin_dir)
        ran = 0
        for cmd in cmds:
            if (page, cmd.text) in listed:
                seen.add((page, cmd.text))
                continue
            ran += 1
            why = run_command(cmd, work, env)
            if why:
                failures.append(f"{page}:{cmd.line}: `{cmd.text}`: {why}")
        print(f"{page}: {len(cmds)} commands, {ran} run, {len(cmds) - ran} listed in not_run.txt")
    for page, text in sorted(set(listed) - seen):
        failures.append(f"tests/docs/not_run.txt: `{text}` is no longer on {page} (stale entry)")
    for failure in failures:
        print("FAIL: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
