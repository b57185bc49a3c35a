"""How wide a chart text will be, so margins are reserved and lines wrapped before plotly draws.

plotly.js grows margins for axis labels (``automargin``) but not for annotations (our
footnote), and it wraps nothing: a French title or a three-citation footnote runs off the
figure unless we break it. We cannot measure in the browser from Python, so widths are
estimated from the advance widths of Noto Sans (the template's first font), measured once in
headless Chromium at 100 px (``getComputedTextLength`` of each printable ASCII character, in
regular and bold; Arabic letters average 0.42 em joined). Accented letters take the width of
their base letter; other characters a wide 0.6 em. Estimates round *up* (``SAFETY``): a margin
a few pixels too wide is harmless, one too narrow clips text.
"""

from __future__ import annotations

import html
import re
import unicodedata

#: Advance widths in hundredths of an em, characters 32 (space) to 126 (~), Noto Sans.
_REGULAR = [26, 27, 41, 65, 57, 83, 73, 22, 30, 30, 55, 57, 27, 32, 27, 37, 57, 57, 57, 57, 57, 57, 57,
            57, 57, 57, 27, 27, 57, 57, 57, 43, 90, 64, 65, 63, 73, 56, 52, 73, 74, 34, 27, 62, 52, 91,
            76, 78, 60, 78, 62, 55, 54, 73, 60, 93, 59, 57, 57, 33, 37, 33, 57, 44, 28, 56, 60, 46, 60,
            52, 34, 62, 62, 26, 26, 53, 26, 94, 62, 56, 60, 60, 41, 48, 36, 62, 51, 79, 53, 51, 47, 38,
            55, 38, 57]
_BOLD = [26, 29, 47, 65, 57, 90, 75, 27, 34, 34, 55, 57, 28, 32, 28, 41, 57, 57, 57, 57, 57, 57, 57, 57,
         57, 57, 28, 28, 57, 57, 57, 48, 90, 69, 67, 64, 74, 56, 55, 72, 76, 39, 33, 66, 56, 94, 81, 80,
         63, 80, 66, 55, 56, 76, 65, 97, 67, 62, 58, 33, 41, 33, 57, 41, 36, 60, 61, 49, 61, 55, 39, 63,
         66, 30, 30, 62, 30, 98, 66, 58, 61, 61, 45, 50, 43, 66, 57, 86, 58, 57, 49, 39, 55, 39, 57]
_ARABIC = re.compile("[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # where a line may break (not at a no-break space)
_ZERO_WIDTH = {"\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u200b"}
#: Estimates are multiplied by this: better a little room to spare than a clipped letter.
SAFETY = 1.06
#: Line height of plotly text, as a multiple of the font size (plotly.js uses 1.3).
LINE_HEIGHT = 1.3


def _char_em(ch: str, bold: bool) -> float:
    got = _EM.get((ch, bold))
    if got is None:
        got = _EM[(ch, bold)] = _measure(ch, bold)
    return got


#: Widths of the characters met so far, by (character, bold): a chart's texts use few.
_EM: dict[tuple[str, bool], float] = {}


def _measure(ch: str, bold: bool) -> float:
    table = _BOLD if bold else _REGULAR
    code = ord(ch)
    if 32 <= code <= 126:
        return table[code - 32] / 100
    if ch in _ZERO_WIDTH or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0.0
    if ch in "\u00a0\u202f\u2009":  # no-break and narrow spaces of French number formats
        return 0.26 if ch == "\u00a0" else 0.2
    if _ARABIC.match(ch):
        return 0.47 if bold else 0.43
    base = unicodedata.normalize("NFKD", ch)[:1]  # é -> e
    if base and 32 <= ord(base) <= 126:
        return table[ord(base) - 32] / 100
    return 0.6


def plain(text) -> str:
    """The characters plotly draws for a label: tags (``<b>``, ``<br>``) dropped, entities decoded."""
    return html.unescape(_TAG.sub("", "" if text is None else str(text)))


def text_width(text, size: float, bold: bool = False) -> float:
    """Estimated width in px of one line of ``text`` at ``size`` px (plotly markup allowed).

    For a text of several lines (``<br>``) the widest line counts.
    """
    lines = re.split(r"<br\s*/?>", "" if text is None else str(text), flags=re.IGNORECASE)
    widest = max(sum(_char_em(c, bold) for c in plain(line)) for line in lines)
    return widest * size * SAFETY


def line_count(text) -> int:
    """Lines plotly draws for a label: one more per ``<br>``."""
    return 1 + len(re.findall(r"<br\s*/?>", "" if text is None else str(text), flags=re.IGNORECASE))


def _fitting_prefix(word: str, max_px: float, size: float, bold: bool) -> int:
    """Length of the longest prefix of ``word`` no wider than ``max_px`` (at least 1).

    One pass over the characters: a 10,000-character word costs 10,000 steps, not 10,000².
    """
    limit = max_px / (size * SAFETY)
    total = 0.0
    for i, ch in enumerate(word):
        total += _char_em(ch, bold)
        if total > limit:
            return max(i, 1)
    return len(word)


def wrap_px(text: str, max_px: float, size: float, bold: bool = False) -> list[str]:
    """Words of ``text`` (plain, unescaped) greedily filled into lines no wider than ``max_px``.

    A single word wider than a line (a long URL) is cut, so nothing ever sticks out. Lines
    break at ASCII white space only: a no-break space (``20,9\u00a0millions``, ``1\u202f100``)
    keeps a number with its unit and its digits together.
    """
    text = str(text)
    if "<" in text or "&" in text:  # markup or entities: measure each candidate line whole
        return _wrap(text, max_px, size, bold, lambda line, em: text_width(line, size, bold))

    # Plain text: a line's width is the running sum of its characters' widths, added in the
    # order text_width adds them (the same float), so each word is measured once.
    def width(line: str, em: float) -> float:
        return em * size * SAFETY

    return _wrap(text, max_px, size, bold, width)


def _wrap(text: str, max_px: float, size: float, bold: bool, width) -> list[str]:
    """:func:`wrap_px` with ``width(line, em)``: the width of ``line`` whose characters'
    widths add up to ``em``."""
    space = _char_em(" ", bold)
    lines: list[str] = []
    current, current_em = "", 0.0
    for word in _SPACES.split(text):
        if not word:
            continue
        word_em = _em(word, 0, bold)
        while width(word, word_em) > max_px and len(word) > 1:
            if current:
                lines.append(current)
                current, current_em = "", 0.0
            cut = _fitting_prefix(word, max_px, size, bold)
            lines.append(word[:cut])
            word = word[cut:]
            word_em = _em(word, 0, bold)
        if current:
            candidate, candidate_em = f"{current} {word}", _em(word, current_em + space, bold)
        else:
            candidate, candidate_em = word, word_em
        if current and width(candidate, candidate_em) > max_px:
            lines.append(current)
            current, current_em = word, word_em
        else:
            current, current_em = candidate, candidate_em
    if current:
        lines.append(current)
    return lines or [""]


def _em(word: str, start: float, bold: bool) -> float:
    """``start`` plus the widths of ``word``'s characters, added one by one."""
    total = start
    for ch in word:
        total += _char_em(ch, bold)
    return total
