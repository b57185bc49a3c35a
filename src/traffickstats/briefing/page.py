"""What a briefing page shows besides charts: headings, paragraphs, notes, gaps, lists and
tables, as notebook outputs of escaped HTML.

Every text is escaped: names, notes and source titles that come from data never reach the
page as markup. A chart is shown by leaving the figure as a cell's result (or with
``charts.show``); these helpers are for the words around it.
"""

from __future__ import annotations

import html as _html

esc = _html.escape


def show_html(markup: str, *, metadata: dict | None = None, plain: str | None = None) -> None:
    """Display ready-made (already escaped) HTML as a notebook output."""
    from IPython.display import display

    display({"text/html": markup, "text/plain": plain if plain is not None else markup},
            raw=True, metadata=metadata or {})


def title(text: str) -> None:
    """The page's <h1>; announced in the output metadata so the page's <title> is the same."""
    show_html(f"<h1>{esc(text)}</h1>", metadata={"traffickstats": {"title": text}}, plain=text)


def section(heading: str, text: str | None = None) -> None:
    """An <h2> heading with an optional paragraph."""
    para = f"\n<p>{esc(text)}</p>" if text else ""
    show_html(f"<h2>{esc(heading)}</h2>{para}", plain=heading)


def subsection(heading: str) -> None:
    show_html(f"<h3>{esc(heading)}</h3>", plain=heading)


def paragraph(text: str) -> None:
    show_html(f"<p>{esc(text)}</p>", plain=text)


def note(text: str) -> None:
    show_html(f'<p class="ts-note">{esc(text)}</p>', plain=text)


def gap(text: str) -> None:
    """Say plainly that data is missing (never fill the hole with a guess)."""
    show_html(f'<p class="ts-gap" role="note">{esc(text)}</p>', plain=text)


def bullets(items) -> None:
    """An escaped bullet list (empty items are left out)."""
    items = [i for i in items if i]
    if items:
        show_html("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>", plain="\n".join(items))


def table(columns, rows, *, numeric=(), caption: str | None = None) -> None:
    """An escaped HTML table of ready-formatted cells; ``numeric``: column indexes aligned as numbers."""
    if not rows:
        return
    head = "".join(f'<th scope="col">{esc(str(c))}</th>' for c in columns)
    body = "".join(
        "<tr>" + "".join(f'<td class="ts-num">{esc(str(v))}</td>' if i in numeric else f"<td>{esc(str(v))}</td>"
                         for i, v in enumerate(row)) + "</tr>" for row in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    plain = "\n".join(" | ".join(map(str, r)) for r in [list(columns)] + [list(r) for r in rows])
    show_html(f'<table class="ts-table">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>',
              plain=plain)


#: Columns of :func:`observations` by default.
TABLE_COLUMNS = ("indicator", "geo", "period", "sex", "age", "form", "value", "unit", "source_id")


def observations(obs, lang: str, *, columns=TABLE_COLUMNS, max_rows: int = 60, catalog=None) -> None:
    """Canonical observations as an escaped table, labelled in ``lang``: places and vocabularies
    named, periods and values written as the charts write them (qualifier, "moins de 5"), small
    counts protected first (:func:`traffickstats.disclosure.protect`), and a "base" column (what
    100 % is, in ``lang``) whenever a share is listed."""
    from ..charts.labels import base_text, geo_label, period_label, source_citation, value_label
    from ..disclosure import protect
    from ..i18n import _, label

    if obs is None or len(obs) == 0:
        return
    obs = protect(obs)
    columns = list(columns)
    if "base" not in columns and "base" in obs.columns and obs["base"].notna().any():
        columns.insert(columns.index("value") + 1 if "value" in columns else len(columns), "base")

    def cell(row, col) -> str:
        if col == "period":
            return period_label(row, lang)
        if col == "value":
            return value_label(row, lang)
        if col == "base":
            return base_text(row, lang)
        if col == "geo":
            return geo_label(row.get("geo"), row.get("geo_scheme"), lang)
        if col == "source_id":
            return source_citation(row["source_id"], lang, catalog=catalog)
        value = row.get(col)
        if col in ("indicator", "sex", "age", "form", "unit", "measure"):
            return label(col, value, lang) if isinstance(value, str) else ""
        return "" if value is None or value != value else str(value)

    heads = [_("col." + ("source" if c == "source_id" else c), lang) for c in columns]
    rows = [[cell(r, c) for c in columns] for _i, r in obs.head(max_rows).iterrows()]
    table(heads, rows, numeric=tuple(i for i, c in enumerate(columns) if c == "value"))
    if len(obs) > max_rows:
        note(_("table.more_rows", lang, count=len(obs) - max_rows))
