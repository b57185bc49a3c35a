"""What an executed report says about itself: its title, key messages, sources and charts.

The render engine knows no briefing; a notebook tells it these things through the metadata
of its outputs (``output.metadata["traffickstats"]``), a small convention any notebook can
follow:

- ``{"title": "Tunisie"}``: the page title (``briefing.page.title``);
- ``{"key_messages": [{"text": "...", "sources": ["BIT (2012), ..."], "refs": ["ILO12-01"]},
  ...]}``: the report's key messages in order, each with the citations and references it
  rests on (plain strings are accepted as messages without sources);
- ``{"sources": ["BIT (2012), ...", ...]}``: every source the report cites (its sources block);
- charts: the outputs carrying a plotly figure with ``layout.meta["traffickstats"]``
  (:func:`.figures.extract`).

The pack's index (one-line summary: the first key message), the PowerPoint deck (a key
messages slide; citations in the speaker notes) and the print dossier's cover read them here.
A notebook that says none of these still gets a deck, a cover and an index card.
All values are plain text: whoever writes them into HTML or a deck escapes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import figures

META = "traffickstats"
#: Longest text kept from a message, source or title (a runaway output cannot bloat a deck).
MAX_TEXT = 2000


@dataclass(frozen=True)
class KeyMessage:
    text: str
    sources: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()


@dataclass
class Outline:
    title: str | None = None
    lang: str | None = None
    messages: list[KeyMessage] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    charts: list[tuple[str, dict]] = field(default_factory=list)
    parameters: dict = field(default_factory=dict)

    @property
    def summary(self) -> str | None:
        """One line for the index: the first key message."""
        return self.messages[0].text if self.messages else None

    def citations(self) -> list[str]:
        """Every citation the report shows: its sources block, else those of its charts and
        messages, each once, in order."""
        found = list(self.sources)
        for _name, fig in self.charts:
            found += chart_meta(fig).get("citations") or []
        for m in self.messages:
            found += list(m.sources)
        return list(dict.fromkeys(c for c in found if c))


def _text(value) -> str:
    return str(value)[:MAX_TEXT] if value is not None else ""


def _strings(values) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)):
        return ()
    return tuple(_text(v) for v in values if isinstance(v, (str, int, float)) and str(v).strip())


def _message(item) -> KeyMessage | None:
    if isinstance(item, str):
        return KeyMessage(_text(item)) if item.strip() else None
    if isinstance(item, dict) and isinstance(item.get("text"), str) and item["text"].strip():
        return KeyMessage(_text(item["text"]), _strings(item.get("sources")), _strings(item.get("refs")))
    return None


def chart_meta(fig: dict) -> dict:
    """A figure's ``layout.meta["traffickstats"]`` (empty when it has none)."""
    meta = (fig.get("layout") or {}).get("meta") or {}
    ts = meta.get(META) if isinstance(meta, dict) else None
    return ts if isinstance(ts, dict) else {}


def read(nb) -> Outline:
    """The outline of an executed notebook (a notebook node)."""
    out = Outline(charts=figures.extract(nb))
    params = ((nb.get("metadata") or {}).get("papermill") or {}).get("parameters") or {}
    out.parameters = dict(params) if isinstance(params, dict) else {}
    lang = out.parameters.get("lang")
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = (output.get("metadata") or {}).get(META)
            if not isinstance(meta, dict):
                continue
            if meta.get("title") and out.title is None:
                out.title = _text(meta["title"])
            if isinstance(meta.get("key_messages"), list):
                out.messages += [m for m in map(_message, meta["key_messages"]) if m]
            out.sources += list(_strings(meta.get("sources")))
    if not lang and out.charts:
        lang = chart_meta(out.charts[0][1]).get("lang")
    out.lang = str(lang) if lang else None
    out.sources = list(dict.fromkeys(out.sources))
    return out


def read_file(path) -> Outline:
    import nbformat

    return read(nbformat.read(str(path), as_version=4))
