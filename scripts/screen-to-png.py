#!/usr/bin/env python3
"""Draws a terminal screen captured with `tmux capture-pane -p -e` as a PNG.

Usage: screen-to-png.py CAPTURE.txt OUT.png

Cells are 8×16 pixels; "▀" and "▄" are drawn as exact half cells (the preview), other
characters with DejaVu Sans Mono, CJK with Droid Sans Fallback (Debian fonts-dejavu-core,
fonts-droid-fallback). Needs ImageMagick.
"""
import os
import re
import subprocess
import sys
import unicodedata

CW, CH = 8, 16
DEFAULT_FG, DEFAULT_BG = (229, 229, 229), (0, 0, 0)
BASIC = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
         (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
         (255, 0, 255), (0, 255, 255), (255, 255, 255)]
MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
CJK = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"


def palette(i):
    if i < 16:
        return BASIC[i]
    if i < 232:
        i -= 16
        levels = [0, 95, 135, 175, 215, 255]
        return (levels[i // 36], levels[(i // 6) % 6], levels[i % 6])
    v = 8 + 10 * (i - 232)
    return (v, v, v)


def apply_sgr(params, state):
    p = [int(x) if x else 0 for x in params.split(";")] if params else [0]
    i = 0
    while i < len(p):
        c = p[i]
        if c == 0:
            state.update(fg=None, bg=None, bold=False)
        elif c == 1:
            state["bold"] = True
        elif c == 22:
            state["bold"] = False
        elif c in (38, 48) and i + 1 < len(p):
            key = "fg" if c == 38 else "bg"
            if p[i + 1] == 2:
                state[key] = tuple(p[i + 2:i + 5])
                i += 4
            elif p[i + 1] == 5:
                state[key] = palette(p[i + 2])
                i += 2
        elif c == 39:
            state["fg"] = None
        elif c == 49:
            state["bg"] = None
        elif 30 <= c <= 37:
            state["fg"] = BASIC[c - 30]
        elif 40 <= c <= 47:
            state["bg"] = BASIC[c - 40]
        elif 90 <= c <= 97:
            state["fg"] = BASIC[c - 90 + 8]
        elif 100 <= c <= 107:
            state["bg"] = BASIC[c - 100 + 8]
        i += 1


def main(src, out):
    lines = open(src, encoding="utf-8").read().split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    state = {"fg": None, "bg": None, "bold": False}
    cells = []
    for line in lines:
        row, col = [], 0
        for m in re.finditer(r"\x1b\[([0-9;]*)m|(.)", line):
            if m.group(1) is not None or m.group(2) is None:
                apply_sgr(m.group(1), state)
                continue
            ch = m.group(2)
            wide = unicodedata.east_asian_width(ch) in ("W", "F")
            row.append((ch, state["fg"] or DEFAULT_FG, state["bg"] or DEFAULT_BG, state["bold"], wide))
            col += 2 if wide else 1
            if wide:
                row.append(None)
        cells.append(row)
    cols = max((len(r) for r in cells), default=1)
    mvg = []
    for y, row in enumerate(cells):
        for x, cell in enumerate(row):
            if cell is None:
                continue
            ch, fg, bg, bold, wide = cell
            w = CW * (2 if wide else 1)
            x0, y0 = x * CW, y * CH
            mvg.append(f"fill rgb{bg} rectangle {x0},{y0} {x0 + w - 1},{y0 + CH - 1}")
            if ch == "▀":
                mvg.append(f"fill rgb{fg} rectangle {x0},{y0} {x0 + w - 1},{y0 + CH // 2 - 1}")
            elif ch == "▄":
                mvg.append(f"fill rgb{fg} rectangle {x0},{y0 + CH // 2} {x0 + w - 1},{y0 + CH - 1}")
            elif ch != " ":
                font = CJK if wide else MONO
                text = ch.replace("\\", "\\\\").replace("'", "\\'")
                for dx in ((0, 1) if bold else (0,)):
                    mvg.append(f"font '{font}' font-size 14 fill rgb{fg} text {x0 + dx},{y0 + 12} '{text}'")
    # Several -draw arguments: one argument may hold at most 128 KiB on Linux, and
    # ImageMagick's default policy forbids reading the primitives from a file.
    args, chunk = [], []
    for primitive in mvg:
        chunk.append(primitive)
        if sum(len(c) + 1 for c in chunk) > 100_000:
            args += ["-draw", "\n".join(chunk)]
            chunk = []
    if chunk:
        args += ["-draw", "\n".join(chunk)]
    subprocess.run(["convert", "-size", f"{cols * CW}x{len(cells) * CH}", "xc:black"] + args + [out], check=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    for font, package in ((MONO, "fonts-dejavu-core"), (CJK, "fonts-droid-fallback")):
        if not os.path.exists(font):
            sys.exit(f"screen-to-png: the font {font} is missing: apt-get install {package}")
    main(sys.argv[1], sys.argv[2])
