"""One PowerPoint deck per report (python-pptx): what most delegations present with.

A deck is built from an executed report (its :mod:`.outline`) and is 16:9:

1. a title slide: the report's title and date;
2. the key messages (when the report has them), as many slides as they need, each message
   with its sources in the speaker notes;
3. one slide per chart: its finding as the slide title (real text: the outline view and a
   screen reader read it), the chart's picture, the sources in the slide's footer, and in the
   speaker notes the chart's title, its caveats, its full citations and its text
   description. The picture is the chart's 1920 x 1080 slide (``charts.restyle.for_slide``,
   the very PNG a pack writes), cropped by PowerPoint to what lies between its title and its
   footnote (``bands`` in the slide's metadata): the deck slide's own text says those, and
   the chart is not drawn a second time for the deck.

Text is set in the report language: Noto Sans (Noto Sans Arabic for Arabic script), with
the language tag on every run; Arabic paragraphs are right-to-left and right-aligned.
Every text is plain (python-pptx writes it as XML text, never markup); characters XML
cannot carry are dropped.

:func:`build` renders the pictures (through the kaleido server already open, if any) unless it
is given them (a pack's slide PNGs), and :func:`write` only assembles a deck from ready
pictures: a queue of exports can call either.
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from .. import atomic
from ..i18n import _, text_direction
from .outline import KeyMessage, Outline, chart_meta

#: 16:9 at PowerPoint's default widescreen size (13.333 x 7.5 in), in EMU.
EMU_PER_INCH = 914400
SLIDE_W, SLIDE_H = int(13.333 * EMU_PER_INCH), int(7.5 * EMU_PER_INCH)
MARGIN = int(0.45 * EMU_PER_INCH)
LATIN_FONT, ARABIC_FONT = "Noto Sans", "Noto Sans Arabic"
LANG_TAGS = {"fr": "fr-FR", "en": "en-GB", "ar": "ar-TN"}
INK, MUTED, ACCENT = "1A1A1A", "595959", "8A1C2B"
#: Sizes in points: slide title, subtitle (the chart's own title), body, footer.
TITLE_PT, SUBTITLE_PT, BODY_PT, SOURCE_PT, FOOTER_PT = 30, 18, 22, 13, 12
# characters XML 1.0 cannot hold (python-pptx would raise on them)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text) -> str:
    """Plain text a deck can hold: XML-invalid characters dropped."""
    return _NOT_XML.sub("", "" if text is None else str(text))


@dataclass
class ChartSlide:
    """One chart's slide: its picture (PNG bytes: the chart's 1920 x 1080 slide), the shares of
    the picture's height cropped at its top and bottom (``crop``: its title and footnote bands),
    and its words."""

    title: str
    picture: bytes
    subtitle: str = ""
    source: str = ""
    notes: list[str] = field(default_factory=list)
    crop: tuple[float, float] = (0.0, 0.0)


@dataclass
class DeckContent:
    lang: str
    title: str
    date: Date
    messages: list[KeyMessage] = field(default_factory=list)
    charts: list[ChartSlide] = field(default_factory=list)


# --- text ---------------------------------------------------------------------------------

def _lines_needed(text: str, width_emu: int, size_pt: float) -> int:
    from ..charts.textfit import wrap_px

    px = width_emu / EMU_PER_INCH * 96
    return len(wrap_px(clean(text), px, size_pt * 96 / 72))


def _style_run(run, lang: str, size_pt: float, colour: str = INK, bold: bool = False) -> None:
    from lxml import etree
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    font = run.font
    font.size, font.bold, font.name = Pt(size_pt), bold, LATIN_FONT
    font.color.rgb = RGBColor.from_string(colour)
    rpr = run._r.get_or_add_rPr()  # noqa: SLF001 - python-pptx has no API for these
    rpr.set("lang", LANG_TAGS.get(lang, lang))
    for tag, face in (("ea", LATIN_FONT), ("cs", ARABIC_FONT)):
        el = rpr.find(f"{{http://schemas.openxmlformats.org/drawingml/2006/main}}{tag}")
        if el is None:
            el = etree.SubElement(rpr, f"{{http://schemas.openxmlformats.org/drawingml/2006/main}}{tag}")
        el.set("typeface", face)


def _paragraph(frame, text: str, lang: str, size_pt: float, *, colour: str = INK, bold: bool = False,
               first: bool = False, space_after: float = 0, centre: bool = False):
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    p = frame.paragraphs[0] if first else frame.add_paragraph()
    rtl = text_direction(lang) == "rtl"
    p.alignment = PP_ALIGN.CENTER if centre else (PP_ALIGN.RIGHT if rtl else PP_ALIGN.LEFT)
    if rtl:
        p._p.get_or_add_pPr().set("rtl", "1")  # noqa: SLF001 - right-to-left paragraph
    if space_after:
        p.space_after = Pt(space_after)
    run = p.add_run()
    run.text = clean(text)
    _style_run(run, lang, size_pt, colour, bold)
    return p


def _box(slide, left, top, width, height, name: str):
    from pptx.enum.text import MSO_ANCHOR

    shape = slide.shapes.add_textbox(left, top, width, height)
    shape.name = name
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    return frame


def _title(slide, text: str, lang: str, size_pt: float, *, top=None, height=None) -> None:
    from pptx.enum.text import MSO_ANCHOR

    shape = slide.shapes.title
    shape.left, shape.width = MARGIN, SLIDE_W - 2 * MARGIN
    shape.top = MARGIN // 2 if top is None else top
    shape.height = int(1.0 * EMU_PER_INCH) if height is None else height
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.clear()
    _paragraph(frame, text, lang, size_pt, bold=True, first=True, colour=INK)


def _notes(slide, lines: list[str], lang: str) -> None:
    frame = slide.notes_slide.notes_text_frame
    frame.clear()
    for i, line in enumerate(x for x in lines if x):
        _paragraph(frame, line, lang, 12, first=i == 0)


# --- slides -------------------------------------------------------------------------------

def _title_slide(prs, content: DeckContent) -> None:
    from babel.dates import format_date

    from ..formatting import babel_locale

    slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only": a real title shape
    _title(slide, content.title, content.lang, 40, top=int(2.2 * EMU_PER_INCH), height=int(1.8 * EMU_PER_INCH))
    frame = _box(slide, MARGIN, int(4.2 * EMU_PER_INCH), SLIDE_W - 2 * MARGIN, int(1.2 * EMU_PER_INCH), "Date")
    day = format_date(content.date, format="long", locale=babel_locale(content.lang))
    _paragraph(frame, day, content.lang, 22, colour=MUTED, first=True)


def _message_pages(messages: list[KeyMessage], width: int, height: int) -> list[list[KeyMessage]]:
    """Messages in pages that fit ``height`` at the body size (never shrunk below it)."""
    pages, page, used = [], [], 0.0
    line_h = BODY_PT * 1.25 / 72 * EMU_PER_INCH
    for m in messages:
        need = _lines_needed(m.text, width, BODY_PT) * line_h + 0.25 * EMU_PER_INCH
        if page and used + need > height:
            pages.append(page)
            page, used = [], 0.0
        page.append(m)
        used += need
    return pages + ([page] if page else [])


def _message_slides(prs, content: DeckContent) -> None:
    lang = content.lang
    width = SLIDE_W - 2 * MARGIN
    top = int(1.5 * EMU_PER_INCH)
    height = SLIDE_H - top - MARGIN
    heading = _("section.key_messages", lang)
    for page in _message_pages(content.messages, width, height):
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        _title(slide, heading, lang, TITLE_PT)
        frame = _box(slide, MARGIN, top, width, height, "Key messages")
        notes = []
        for i, m in enumerate(page):
            _paragraph(frame, m.text, lang, BODY_PT, first=i == 0, space_after=14)
            cites = _("fmt.list_sep", lang).join(m.sources)
            notes += [m.text, _("deck.sources", lang, sources=cites) if cites else "",
                      _("deck.refs", lang, refs=", ".join(m.refs)) if m.refs else "", ""]
        _notes(slide, notes, lang)


def _chart_slide(prs, lang: str, chart: ChartSlide) -> None:
    from pptx.util import Emu

    slide = prs.slides.add_slide(prs.slide_layouts[5])
    width = SLIDE_W - 2 * MARGIN
    title_lines = _lines_needed(chart.title, width, TITLE_PT)
    title_h = int(min(title_lines, 3) * TITLE_PT * 1.25 / 72 * EMU_PER_INCH + 0.15 * EMU_PER_INCH)
    _title(slide, chart.title, lang, TITLE_PT, top=int(0.3 * EMU_PER_INCH), height=title_h)
    y = int(0.3 * EMU_PER_INCH) + title_h
    if chart.subtitle:
        # Arabic glyphs reach further below the line than Latin ones: room for them, then a gap
        sub_h = int(_lines_needed(chart.subtitle, width, SUBTITLE_PT) * SUBTITLE_PT * 1.6 / 72 * EMU_PER_INCH
                    + 0.1 * EMU_PER_INCH)
        frame = _box(slide, MARGIN, y, width, sub_h, "Chart title")
        _paragraph(frame, chart.subtitle, lang, SUBTITLE_PT, colour=MUTED, first=True)
        y += sub_h + int(0.05 * EMU_PER_INCH)
    foot_lines = _lines_needed(chart.source, width, FOOTER_PT) if chart.source else 0
    foot_h = int(foot_lines * FOOTER_PT * 1.3 / 72 * EMU_PER_INCH + 0.1 * EMU_PER_INCH) if foot_lines else 0
    foot_top = SLIDE_H - int(0.25 * EMU_PER_INCH) - foot_h
    # the picture: as large as the space between title and footer allows, the shape of what
    # its crop leaves
    room_w, room_h = SLIDE_W - 2 * MARGIN, foot_top - y - int(0.1 * EMU_PER_INCH)
    top, bottom = chart.crop
    width_px, height_px = png_size(chart.picture) or (16, 9)
    ratio = width_px / max(height_px * (1 - top - bottom), 1e-6)
    pic_w = min(room_w, int(room_h * ratio))
    pic_h = int(pic_w / ratio)
    pic = slide.shapes.add_picture(io.BytesIO(chart.picture), Emu((SLIDE_W - pic_w) // 2), Emu(y), Emu(pic_w), Emu(pic_h))
    pic.name = "Chart"
    if top or bottom:
        pic.crop_top, pic.crop_bottom = top, bottom
    if foot_lines:
        frame = _box(slide, MARGIN, foot_top, width, foot_h, "Source")
        _paragraph(frame, chart.source, lang, FOOTER_PT, colour=MUTED, first=True)
    _notes(slide, chart.notes, lang)


def write(content: DeckContent, out: Path) -> Path:
    """Assemble the deck of ``content`` and write it to ``out`` (atomically)."""
    from pptx import Presentation

    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    props = prs.core_properties
    props.title, props.language, props.author = clean(content.title)[:250], LANG_TAGS.get(content.lang, ""), "traffickstats"
    _title_slide(prs, content)
    if content.messages:
        _message_slides(prs, content)
    for chart in content.charts:
        _chart_slide(prs, content.lang, chart)
    buf = io.BytesIO()
    prs.save(buf)
    atomic.write_bytes(Path(out), buf.getvalue())
    return Path(out)


# --- from a report ------------------------------------------------------------------------

def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG from its header; None for anything else."""
    if len(data) >= 24 and data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    return None


def crop(slide_fig) -> tuple[float, float]:
    """The shares of a slide picture's height above and below its chart (its title and
    footnote bands, ``charts.restyle``), from the laid-out slide's metadata; (0, 0) without."""
    from ..charts.restyle import SLIDE

    layout_ = slide_fig.get("layout") if isinstance(slide_fig, dict) else slide_fig.layout.to_plotly_json()
    meta = ((layout_ or {}).get("meta") or {}).get("traffickstats") or {}
    bands = meta.get("bands") or {}
    height = (layout_ or {}).get("height") or SLIDE.height
    top, bottom = float(bands.get("top") or 0) / height, float(bands.get("bottom") or 0) / height
    return (top, bottom) if 0 <= top and 0 <= bottom and top + bottom < 0.9 else (0.0, 0.0)


def chart_slide(fig: dict, picture: bytes, lang: str, crop_: tuple[float, float] = (0.0, 0.0)) -> ChartSlide:
    """The words of one chart's slide, from its metadata."""
    m = chart_meta(fig)
    finding, own = m.get("finding"), m.get("title") or ""
    cites = list(m.get("citations") or [])
    notes = [own, finding or "", *(m.get("notes") or []),
             _("deck.sources", lang, sources=_("fmt.list_sep", lang).join(cites)) if cites else "",
             m.get("alt") or ""]
    return ChartSlide(title=finding or own, subtitle=own if finding else "", picture=picture,
                      source=m.get("footnote") or "", notes=notes, crop=crop_)


def laid_out(charts: list[tuple[str, dict]]) -> list:
    """Every chart laid out as its slide (``charts.restyle.for_slide``), as dicts."""
    from ..charts.restyle import SLIDE, restyled_json

    return [restyled_json(fig, SLIDE) for _name, fig in charts]  # for_slide, as JSON


def pictures(charts: list[tuple[str, dict]], *, exporter=None, figures: list | None = None) -> list[bytes]:
    """The slide picture of every chart (PNG, 1920 x 1080), through one kaleido server, in one
    call (``Exporter.images``: spread over its tabs). ``figures``: the charts already laid
    out (:func:`laid_out`)."""
    from ..charts.export import Exporter, _joining_exporter
    from ..charts.restyle import SLIDE

    if not charts:
        return []
    own = exporter is None and _joining_exporter() is None
    ex = exporter or _joining_exporter() or Exporter()
    if own:
        ex.start()
    try:
        figures = laid_out(charts) if figures is None else figures
        return ex.images([(fig, "png", SLIDE.width, SLIDE.height, 1) for fig in figures])
    finally:
        if own:
            ex.close()


def content(report: Outline, pictures_: list[bytes], *, lang: str | None = None, title: str | None = None,
            day: Date | None = None, crops: list[tuple[float, float]] | None = None) -> DeckContent:
    """The deck's words and pictures; ``crops``: each picture's (top, bottom) crop (:func:`crop`)."""
    lang = lang or report.lang or "fr"
    crops = crops or [(0.0, 0.0)] * len(report.charts)
    return DeckContent(
        lang=lang, title=report.title or title or "", date=day or Date.today(), messages=list(report.messages),
        charts=[chart_slide(fig, pic, lang, c) for (_name, fig), pic, c in zip(report.charts, pictures_, crops)])


def key(deck: DeckContent, charts: list[tuple[str, dict]], figures: list | None = None) -> str:
    """What a deck depends on, hashed: its words (title, date, messages, slide texts) and the
    :func:`~traffickstats.charts.export.image_key` of each chart's picture (``figures``: the
    charts already laid out, :func:`laid_out`)."""
    import dataclasses
    import hashlib
    import json

    from ..charts.export import image_key
    from ..charts.restyle import SLIDE

    words = dataclasses.asdict(dataclasses.replace(
        deck, charts=[dataclasses.replace(c, picture=b"") for c in deck.charts]))
    figures = laid_out(charts) if figures is None else figures
    pictures_ = [image_key(fig, "png", SLIDE.width, SLIDE.height, 1) for fig in figures]
    blob = json.dumps({"words": words, "pictures": pictures_}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def build(executed, out: Path, *, title: str | None = None, day: Date | None = None, exporter=None,
          cache=None, figures: list | None = None, slide_pictures: list[bytes | Path] | None = None) -> Path:
    """The deck of an executed report (a notebook node or an .ipynb path) written to ``out``.

    ``cache`` (``fresh(path, key)`` / ``record(path, key)``, see ``reports.exports``): a deck
    whose :func:`key` is unchanged and whose file exists is kept as it is, no picture rendered.
    ``figures``: the charts already laid out as slides (:func:`laid_out`, as a pack's worker
    does), else laid out here, once. ``slide_pictures``: their 1920 x 1080 PNGs already drawn
    (bytes, or the files a pack wrote: read only when the deck is written), else drawn here."""
    from . import outline

    report = outline.read_file(executed) if isinstance(executed, (str, Path)) else outline.read(executed)
    if figures is None or len(figures) != len(report.charts):
        figures = laid_out(report.charts)
    if slide_pictures is not None and len(slide_pictures) != len(report.charts):
        slide_pictures = None
    crops = [crop(fig) for fig in figures]

    def drawn() -> list[bytes]:
        if slide_pictures is not None:
            return [p.read_bytes() if isinstance(p, Path) else p for p in slide_pictures]
        return pictures(report.charts, exporter=exporter, figures=figures)

    if cache is None:
        return write(content(report, drawn(), title=title, day=day, crops=crops), out)
    deck = content(report, [b""] * len(report.charts), title=title, day=day, crops=crops)
    k = key(deck, report.charts, figures)
    if cache.fresh(Path(out), k):
        return Path(out)
    for chart, picture in zip(deck.charts, drawn()):
        chart.picture = picture
    write(deck, out)
    cache.record(Path(out), k)
    return Path(out)
