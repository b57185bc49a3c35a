"""Right-to-left text in plotly figures (Arabic).

plotly.js lays every text out left to right, so a line mixing Arabic with numbers or Latin
("20.9 مليون") comes out in the wrong order in the browser and in static images. Wrapping each
drawn line that contains Arabic in the Unicode isolates RLI ... PDI makes it a right-to-left
run. Used by the HTML chart block and by static export.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Arabic letters (Arabic, Supplement, Extended-A, presentation forms): strong right-to-left.
_ARABIC = re.compile("[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_BR = re.compile(r"(<br\s*/?>)", re.IGNORECASE)
RLI, PDI = "\u2067", "\u2069"
#: Subtrees that hold data or metadata, not text drawn on the chart.
_NOT_DRAWN = {"meta", "customdata", "ids", "locations", "uid", "template"}



def _isolate_line(line: str) -> str:
    # a line that merely starts with an isolate of its own (a Latin title in an Arabic
    # citation, FSI ... PDI) is still wrapped: only a line wrapped here before is left alone
    if not _ARABIC.search(line) or (line.startswith(RLI) and line.endswith(PDI)):
        return line
    return f"{RLI}{line}{PDI}"


def _isolate_text(text: str) -> str:
    parts = _BR.split(text)  # line breaks stay outside the isolates: plotly starts a new line there
    return "".join(p if _BR.fullmatch(p) else _isolate_line(p) for p in parts)


def bidi_isolate(obj):
    """A copy of a figure dict (or any JSON-like value) in which every drawn line of text
    containing Arabic is wrapped in RLI ... PDI, so it is laid out right to left.

    Metadata, custom data and location codes are left untouched; lines already starting
    with a bidi control are not wrapped twice.
    """
    if isinstance(obj, str):
        return _isolate_text(obj) if _ARABIC.search(obj) else obj
    if isinstance(obj, Mapping):
        return {k: (v if k in _NOT_DRAWN else bidi_isolate(v)) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [bidi_isolate(v) for v in obj]
    return obj


def is_rtl(fig: dict) -> bool:
    """True for a figure made for an Arabic (right-to-left) report."""
    meta = (fig.get("layout") or {}).get("meta")
    ts = meta.get("traffickstats") if isinstance(meta, Mapping) else None
    return isinstance(ts, Mapping) and (ts.get("dir") == "rtl" or ts.get("lang") == "ar")


_OPENERS = ("\u2066", "\u2067", "\u2068")  # LRI, RLI, FSI


def balance_isolates(lines: list[str]) -> list[str]:
    """Wrapped lines whose isolates stay whole: a line that ends inside an isolate (a Latin
    title cut by the wrap) closes it, and the next line opens it again, so each line of an
    Arabic footnote lays its runs out on its own (a line is a paragraph for plotly.js)."""
    out, still_open = [], []
    for line in lines:
        stack = list(still_open)
        for ch in line:
            if ch in _OPENERS:
                stack.append(ch)
            elif ch == PDI and stack:
                stack.pop()
        out.append("".join(still_open) + line + PDI * len(stack))
        still_open = stack
    return out
