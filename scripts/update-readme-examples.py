#!/usr/bin/env python3
"""Refreshes the command output shown in README.md from the last `make demo` run.

`make demo` writes its transcript to build/demo/demo.log. Each fenced block in the README whose
first line is "$ sightline ..." matching a demo step gets that step's output. Run after changing
what a command prints: `make demo && scripts/update-readme-examples.py`.
"""
import re
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
log = (root / "build/demo/demo.log").read_text(encoding="utf-8")
log = re.sub(r"\x1b\[[0-9;]*m", "", log)

steps = {}
current = None
for line in log.splitlines():
    if line.startswith("$ sightline "):
        current = line
        steps[current] = []
    elif current is not None:
        steps[current].append(line)
for key, lines in steps.items():
    while lines and not lines[-1].strip():
        lines.pop()

readme = (root / "README.md").read_text(encoding="utf-8").split("\n")
out, changed, i = [], 0, 0
while i < len(readme):
    line = readme[i]
    out.append(line)
    i += 1
    if not line.startswith("```"):
        continue
    # A fenced block: collect it up to the closing fence.
    body = []
    while i < len(readme) and readme[i] != "```":
        body.append(readme[i])
        i += 1
    if body and body[0] in steps:
        # A block may hold several commands; refresh each one the transcript has.
        rebuilt, cmd, kept = [], None, []
        def flush():
            if cmd is None:
                return
            rebuilt.append(cmd)
            rebuilt.extend(steps.get(cmd, kept))
        for b in body:
            if b.startswith("$ sightline "):
                flush()
                if rebuilt:
                    rebuilt.append("")
                cmd, kept = b, []
            else:
                kept.append(b)
        while kept and not kept[-1].strip():
            kept.pop()
        flush()
        changed += rebuilt != body
        body = rebuilt
    out.extend(body)
(root / "README.md").write_text("\n".join(out), encoding="utf-8")
print(f"README.md: {changed} example block(s) refreshed", file=sys.stderr)
