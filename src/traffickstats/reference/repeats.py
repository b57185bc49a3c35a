"""One figure published under two labels: INLTP's 1,313 of 2019 is « victimes » in one release
and « cas » (حالات) in the next. Both rows are bundled, each with its own fact id, and each
says so in its note: ``same figure as <fact_id> <indicator>`` (data/README.md). Pages show
such a figure once and say it was relabelled (:func:`show_once`); :func:`repeat_problems`
checks that every marker points at its twin and that no twin goes unmarked.
"""

from __future__ import annotations

import re

import pandas as pd

from ..schema import COUNT_MEASURES

__all__ = ["SAME_FIGURE", "repeat_problems", "same_figure_groups", "show_once"]

#: The note convention: "same figure as TUN-01 trafficking_cases".
SAME_FIGURE = re.compile(r"same figure as (?P<fact>[A-Z][A-Za-z0-9-]*[A-Za-z0-9]) (?P<indicator>[a-z][a-z0-9_]*)")
#: What must agree for two rows to be one figure (besides the value).
_SAME = ["geo", "geo_scheme", "period_start", "period_end", "sex", "age", "form", "citizenship"]


def _key(df: pd.DataFrame) -> pd.Series:
    parts = [df[c].astype("object").where(df[c].notna(), None) for c in [*_SAME, "value"]]
    return pd.Series(list(zip(*parts)), index=df.index, dtype="object")


def _marks(obs: pd.DataFrame) -> pd.DataFrame:
    """(row index, fact, indicator) for each marker in a note."""
    rows = []
    for i, note in obs["note"].items():
        if isinstance(note, str):
            rows += [(i, m["fact"], m["indicator"]) for m in SAME_FIGURE.finditer(note)]
    return pd.DataFrame(rows, columns=["row", "fact", "indicator"])


def _twins(obs: pd.DataFrame, row: int, fact: str, indicator: str) -> pd.Index:
    key = _key(obs)
    return obs.index[(obs["fact_id"] == fact) & (obs["indicator"] == indicator) & (key == key[row])
                     & (obs.index != row)]


def same_figure_groups(obs: pd.DataFrame) -> pd.Series:
    """A group number for each row published under two labels (NA for the others); rows of a
    group are the same figure (same place, period, breakdown and value)."""
    group = pd.Series(pd.NA, index=obs.index, dtype="Int64")
    for n, m in enumerate(_marks(obs).itertuples()):
        members = [m.row, *_twins(obs, m.row, m.fact, m.indicator)]
        known = group[members].dropna()
        group[members] = int(known.iloc[0]) if len(known) else n
    return group


def show_once(obs: pd.DataFrame) -> pd.DataFrame:
    """``obs`` with each figure published under two labels kept once (its first row), and an
    ``also_published_as`` column listing the others as ``(indicator, fact_id)`` pairs (empty
    for every other row), so a page can say « même chiffre publié aussi comme cas (TUN-01) »."""
    group = same_figure_groups(obs)
    also = pd.Series([[] for _ in range(len(obs))], index=obs.index, dtype="object")
    drop = []
    for _g, members in obs.groupby(group, sort=False).groups.items():
        first, *rest = list(members)
        also[first] = [(obs.at[i, "indicator"], obs.at[i, "fact_id"]) for i in rest]
        drop += rest
    return obs.assign(also_published_as=also).drop(index=drop)


def repeat_problems(obs: pd.DataFrame) -> list[str]:
    """Markers that point at no twin, and counts repeated under another indicator unmarked."""
    problems = []
    marks = _marks(obs)
    for m in marks.itertuples():
        if len(_twins(obs, m.row, m.fact, m.indicator)) != 1:
            r = obs.loc[m.row]
            problems.append(f"{r['fact_id']} ({r['indicator']}, {r['value']:g}): 'same figure as {m.fact} "
                            f"{m.indicator}' matches no single row with the same place, period, breakdown and value")
    counts = obs[obs["measure"].isin(COUNT_MEASURES) & obs["value"].notna()]
    marked = set(marks["row"])
    for _k, rows in counts.groupby(_key(counts)).groups.items():
        if counts.loc[rows, "indicator"].nunique() > 1:
            for i in rows:
                if i not in marked:
                    r = obs.loc[i]
                    problems.append(f"{r['fact_id']} ({r['indicator']}, {r['value']:g}): the same count is bundled "
                                    "under another indicator; say 'same figure as <fact_id> <indicator>' in the note")
    return problems
