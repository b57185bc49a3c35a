"""The pack's ``index.html``: bilingual (fr / en), one card per report, failures shown.

Every text that comes from a report (title, parameters, error message) is escaped; links
are relative so the folder can be copied to a USB stick and opened anywhere.
"""

from __future__ import annotations

import html
import urllib.parse
from datetime import datetime

from .. import __version__
from ..i18n import LANGS, _, text_direction

esc = html.escape

_CSS = """
body{font-family:"Noto Sans","Noto Sans Arabic","DejaVu Sans",Arial,sans-serif;max-width:72rem;margin:0 auto;padding:1.5rem 2rem;color:#1b1b1b}
h1{color:#8a1c2b;margin:0 0 .3rem;font-size:1.7rem} h1 span{display:block;font-size:1.2rem;color:#5b5b5b}
h2{border-bottom:1px solid #d0d0d0;margin-top:2rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:1rem;list-style:none;padding:0}
.card{border:1px solid #d0d0d0;border-radius:6px;padding:.6rem;background:#fff;break-inside:avoid}
.card img,.card .thumb{width:100%;height:9rem;object-fit:contain;background:#f6f6f6;display:flex;align-items:center;justify-content:center;color:#888;font-size:.85rem}
.card a{font-weight:600;color:#1b1b1b}
.card.failed{border-color:#b3261e;background:#fdf0ef}
.status{color:#b3261e;font-weight:700}
.error{white-space:pre-wrap;font-size:.8rem;overflow-wrap:anywhere}
.meta,footer{color:#5b5b5b;font-size:.8rem}
@page{size:A4;margin:15mm}
"""


def _href(rel: str) -> str:
    return esc(urllib.parse.quote(rel), quote=True)


def _card(entry: dict) -> str:
    lang = entry.get("lang") or "fr"
    title = entry.get("title") or entry.get("name") or ""
    html_out = next((o for o in entry.get("outputs", []) if o.endswith(".html")), None)
    thumb = entry.get("thumbnail")
    if thumb:
        pic = f'<img src="{_href(thumb)}" alt="{esc(title)}" loading="lazy">'
    else:
        pic = f'<div class="thumb">{esc(_("index.no_preview", lang))}</div>'
    link = f'<a href="{_href(html_out)}" hreflang="{esc(lang)}">{esc(title)}</a>' if html_out else f"<strong>{esc(title)}</strong>"
    others = [o for o in entry.get("outputs", []) if o != html_out and not o.endswith(".png")]
    extra = " · ".join(f'<a href="{_href(o)}">{esc(o.rsplit(".", 1)[-1].upper())}</a>' for o in others)
    params = ", ".join(f"{k}={v!r}" for k, v in entry.get("parameters", {}).items() if k not in ("lang", "glotip", "ctdc", "gsi"))
    body = [pic, f"<div>{link}</div>", f'<div class="meta">{esc(entry.get("name", ""))}{" · " + esc(params) if params else ""}</div>']
    if extra:
        body.append(f'<div class="meta">{extra}</div>')
    failed = entry.get("status") != "ok"
    if failed:
        label = f'{_("index.failed", "fr")} / {_("index.failed", "en")}'
        body.append(f'<div class="status">{esc(label)}</div><div class="error">{esc(str(entry.get("error") or ""))}</div>')
        if entry.get("executed"):
            body.append(f'<div class="meta"><a href="{_href(entry["executed"])}">{esc(entry["executed"])}</a></div>')
    for w in entry.get("warnings", []):
        body.append(f'<div class="meta">⚠ {esc(w)}</div>')
    return f'<li class="card{" failed" if failed else ""}" lang="{esc(lang)}" dir="{text_direction(lang)}">' + "".join(body) + "</li>"


def build(entries: list[dict], *, created: datetime, pack_warnings: list[str] = ()) -> str:
    """The index page for manifest ``entries`` (output paths relative to the pack folder)."""
    by_lang: dict[str, list[dict]] = {}
    for e in entries:
        by_lang.setdefault(e.get("lang") or "fr", []).append(e)
    order = [lang for lang in LANGS if lang in by_lang] + [lang for lang in by_lang if lang not in LANGS]
    sections = []
    for lang in order:
        heading = _(f"index.lang.{lang}", "fr") + " / " + _(f"index.lang.{lang}", "en")
        cards = "".join(_card(e) for e in by_lang[lang])
        sections.append(f'<section><h2 lang="fr">{esc(heading)}</h2><ul class="cards">{cards}</ul></section>')
    n_failed = sum(1 for e in entries if e.get("status") != "ok")
    summary = f"{len(entries) - n_failed} ok, {n_failed} " + esc(_("index.failed", "fr").lower() + " / " + _("index.failed", "en").lower())
    warn = "".join(f'<p class="meta">⚠ {esc(w)}</p>' for w in pack_warnings)
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{esc(_("index.title", "fr"))}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{esc(_("index.title", "fr"))}<span lang="en">{esc(_("index.title", "en"))}</span></h1>
<p>{esc(_("index.subtitle", "fr"))}<br><span lang="en">{esc(_("index.subtitle", "en"))}</span></p>
<p class="meta">{summary}</p>
{warn}
</header>
<main>
{"".join(sections)}
</main>
<footer>
{esc(_("index.created", "fr"))} / {esc(_("index.created", "en"))} {esc(created.strftime("%Y-%m-%d %H:%M UTC"))} · traffickstats {esc(__version__)}
</footer>
</body>
</html>
"""
