"""The pack's index: where a reader starts, one page per language with a switch between them.

``index.html`` is in the pack's first language (French for the conference plan), and
``index.<lang>.html`` in each other language present (``index.en.html``, ``index.ar.html``;
Arabic right to left). Each report is a card: a readable thumbnail (its first chart laid out
for a small picture), its title, a one-line summary (its first key message, see
:mod:`.outline`) and links to the web page, the print PDF and the PowerPoint deck. No
internal ids, parameters or build warnings: those are in ``manifest.json``. A report that
failed says so, its error folded away. Colours meet WCAG AA contrast; the cards reflow to
one column at phone width.

Every text that comes from a report (title, summary, error) is escaped; links are relative,
so the folder can be copied to a USB stick and opened anywhere.
"""

from __future__ import annotations

import html
import urllib.parse
from datetime import datetime
from pathlib import Path

from .. import __version__, atomic
from ..i18n import LANGS, _, text_direction

esc = html.escape

#: Each language's name in that language (the switch shows them so).
AUTONYMS = {"fr": "Français", "en": "English", "ar": "العربية"}

_CSS = """
:root{--ink:#1b1b1b;--muted:#595959;--rule:#c8c8c8;--accent:#8a1c2b;--link:#0b5394;--bad:#a4201b}
*{box-sizing:border-box}
body{font-family:"Noto Sans","Noto Sans Arabic","DejaVu Sans",Arial,sans-serif;max-width:72rem;margin:0 auto;
  padding:1rem 1.25rem 2rem;color:var(--ink);background:#fff;line-height:1.45}
header{border-bottom:2px solid var(--accent);padding-bottom:.6rem;margin-bottom:1.2rem}
h1{color:var(--accent);margin:.2rem 0 .3rem;font-size:1.7rem;line-height:1.25}
.lead{margin:0;color:var(--muted)}
nav.langs ul{list-style:none;display:flex;flex-wrap:wrap;gap:.4rem;margin:0 0 .6rem;padding:0}
nav.langs a{display:inline-block;padding:.3rem .8rem;border:1px solid var(--link);border-radius:1rem;color:var(--link);
  text-decoration:none;min-height:2.75rem;line-height:2.1rem}
nav.langs a[aria-current=page]{background:var(--link);color:#fff}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:1rem;list-style:none;margin:0;padding:0}
.card{border:1px solid var(--rule);border-radius:6px;background:#fff;display:flex;flex-direction:column;overflow:hidden}
.card img,.card .thumb{display:block;width:100%;height:auto;aspect-ratio:16/9;object-fit:contain;background:#fff;
  border-bottom:1px solid var(--rule)}
.card .thumb{display:flex;align-items:center;justify-content:center;color:var(--muted);font-size:.9rem;background:#f4f4f4}
.card .body{padding:.7rem .8rem .8rem;display:flex;flex-direction:column;gap:.4rem;flex:1}
.card h2{font-size:1.1rem;margin:0;line-height:1.3}
.card h2 a{color:var(--ink);text-decoration:underline;text-decoration-thickness:1px;text-underline-offset:2px}
.summary{margin:0;font-size:.92rem}
.links{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem .9rem;margin:auto 0 0;padding:.3rem 0 0;font-size:.92rem}
.links a{color:var(--link)}
.card.failed{border-color:var(--bad)}
.status{color:var(--bad);font-weight:700;margin:0}
details{font-size:.85rem} pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.3rem 0}
footer{margin-top:2rem;color:var(--muted);font-size:.85rem}
a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
@media (max-width:40rem){body{padding:.75rem} h1{font-size:1.4rem} .cards{grid-template-columns:1fr}}
"""


def page_name(lang: str, first: str) -> str:
    """``index.html`` for the pack's first language, ``index.<lang>.html`` for the others."""
    return "index.html" if lang == first else f"index.{lang}.html"


def _href(rel: str) -> str:
    return esc(urllib.parse.quote(rel), quote=True)


def _output(entry: dict, suffix: str) -> str | None:
    """The report's page (``.html``), PDF or deck, when this run wrote it."""
    want = Path(entry.get("output", "")).with_suffix(suffix).as_posix()
    return want if want in entry.get("outputs", []) else None


def _card(entry: dict, lang: str) -> str:
    title = entry.get("title") or Path(entry.get("output", "")).stem
    rlang = entry.get("lang") or lang
    page = _output(entry, ".html")
    thumb = entry.get("thumbnail") if page else None
    pic = (f'<img src="{_href(thumb)}" alt="" loading="lazy" width="800" height="450">' if thumb
           else f'<div class="thumb" aria-hidden="true">{esc(_("index.no_preview", lang))}</div>')
    heading = f'<a href="{_href(page)}" hreflang="{esc(rlang)}">{esc(title)}</a>' if page else esc(title)
    body = [f"<h2>{heading}</h2>"]
    if entry.get("summary"):
        body.append(f'<p class="summary">{esc(str(entry["summary"]))}</p>')
    failed = entry.get("status") != "ok"
    if failed:
        body.append(f'<p class="status">{esc(_("index.failed", lang))}</p>')
        detail = f"<pre>{esc(str(entry.get('error') or ''))}</pre>"
        if entry.get("executed"):
            detail += f'<a href="{_href(entry["executed"])}">{esc(_("index.failed_notebook", lang))}</a>'
        body.append(f"<details><summary>{esc(_('index.error', lang))}</summary>{detail}</details>")
    links = [(_output(entry, ".pdf"), "index.link.pdf"), (_output(entry, ".pptx"), "index.link.pptx")]
    items = "".join(f'<li><a href="{_href(href)}">{esc(_(key, lang))}</a></li>' for href, key in links if href)
    if page and items:
        body.append(f'<ul class="links" aria-label="{esc(_("index.formats", lang))}">{items}</ul>')
    return (f'<li class="card{" failed" if failed else ""}" lang="{esc(rlang)}" dir="{text_direction(rlang)}">'
            f'{pic}<div class="body">{"".join(body)}</div></li>')


def _switch(lang: str, langs: list[str]) -> str:
    if len(langs) < 2:
        return ""
    items = []
    for other in langs:
        current = ' aria-current="page"' if other == lang else ""
        items.append(f'<li><a href="{esc(page_name(other, langs[0]))}" hreflang="{esc(other)}" lang="{esc(other)}"'
                     f'{current}>{esc(AUTONYMS.get(other, other))}</a></li>')
    return f'<nav class="langs" aria-label="{esc(_("index.switch", lang))}"><ul>{"".join(items)}</ul></nav>'


def build(entries: list[dict], *, lang: str, langs: list[str], created: datetime) -> str:
    """The index page in ``lang`` for manifest ``entries`` (paths relative to the pack)."""
    mine = [e for e in entries if (e.get("lang") or lang) == lang or not e.get("lang")]
    cards = "".join(_card(e, lang) for e in mine)
    when = created.strftime("%Y-%m-%d")
    return f"""<!DOCTYPE html>
<html lang="{esc(lang)}" dir="{text_direction(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(_("index.title", lang))}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
{_switch(lang, langs)}
<h1>{esc(_("index.title", lang))}</h1>
<p class="lead">{esc(_("index.subtitle", lang))}</p>
</header>
<main>
<ul class="cards">{cards}</ul>
</main>
<footer>
<p>{esc(_("index.created", lang))} {esc(when)} · traffickstats {esc(__version__)}</p>
</footer>
</body>
</html>
"""


def languages(entries: list[dict]) -> list[str]:
    """The pack's languages in catalogue order (fr, en, ar), then any other."""
    found = {e.get("lang") for e in entries if e.get("lang")}
    return [x for x in LANGS if x in found] + sorted(x for x in found if x not in LANGS) or ["fr"]


def write(out: Path, entries: list[dict], *, created: datetime) -> list[Path]:
    """Write one index page per language into the pack folder ``out``; return them (the
    first is ``index.html``). Pages of languages the pack no longer has are removed."""
    langs = languages(entries)
    written = []
    for lang in langs:
        path = Path(out) / page_name(lang, langs[0])
        atomic.write_text(path, build(entries, lang=lang, langs=langs, created=created))
        written.append(path)
    for stale in Path(out).glob("index.*.html"):
        if stale not in written:
            stale.unlink()
    return written
