"""The closing sections of every briefing: comparison pitfalls, data gaps, and the sources
of everything shown above (each once).
"""

from __future__ import annotations

import pandas as pd

from .. import briefing as b
from .brief import Brief


def pitfalls(brief: Brief, keys) -> None:
    """The comparison pitfalls (facts.md section 9) that apply to this report."""
    b.section(brief.t("section.pitfalls"))
    b.bullets([brief.t(f"pitfall.{k}") for k in keys])


def gaps(brief: Brief, keys) -> None:
    """Searched, not found (facts.md section 10): said plainly, never filled."""
    b.section(brief.t("section.gaps"))
    for k in keys:
        b.gap(brief.t("gap.unverified", what=brief.t(f"what.{k}")))


def sources(brief: Brief) -> None:
    """Every source cited above, once."""
    shown = pd.concat(brief.shown, ignore_index=True) if brief.shown else brief.obs.iloc[0:0]
    b.sources(shown, brief.lang)
