"""Small-count protection: counts of people and cases below a threshold are never published exactly.

Trafficking figures describe identifiable people: "2 Nigerian girls detected in Tunisia in
2021" can name a victim to anyone who knows the case. :func:`protect` returns a copy of
canonical observations in which such cells are suppressed, following these rules.

**What is protected.** Counts of persons or cases: measures ``detected_count``,
``registered_count``, ``case_count`` and ``justice_count`` (which include CTDC victim
record counts, ``ctdc_victim_records``, and IOM caseloads), and the shares, rates and
changes computed from them (``basis`` one of those measures). *Not* protected: modelled
estimates (``estimate_stock``), money (``money_estimate``), population, coverage counts and
rates or shares of modelled stocks. A model's output for millions of people, a dollar
amount or a count of countries is not a count of identifiable persons, and suppressing
"20.9 million" would hide the figures the briefing exists to give.

**Primary suppression.** A protected count ``0 < value < threshold`` (default 5; set
``threshold=`` or the environment variable ``TRAFFICKSTATS_DISCLOSURE_THRESHOLD``) becomes
``value`` NaN, ``censored`` True, ``lower`` 1, ``upper`` threshold - 1 and its note becomes
"suppressed (<5)" (the source's note is dropped: "one adult woman identified" would give the
count back in a CSV download); it is shown as "moins de 5" / "fewer than 5" / "أقل من 5"
(:func:`display_value`). **Zero stays 0**: it describes no person, and writing "<5" for a
true zero would suggest victims where a source counted none. (It can still reveal an
attribute of a small group, e.g. "0 men" beside a total "<5"; the total is suppressed then,
which is the protection that matters. Pass ``suppress_zero=True`` for stricter output.)

**Cells already censored by the source** ("<5" in GLOTIP: ``censored`` True with bounds)
stay exactly as published: never un-censored, never tightened, and they count as
suppressed cells for the secondary rule.

**Secondary suppression (1-D).** When a total is published, one hidden part among
published parts could be recovered as total minus the others (parts 120, 3, 40 with total
163: 163 - 120 - 40 = 3). Along each dimension in ``dims`` (default sex, age, form,
citizenship), a group is the rows that agree on everything but that dimension; its total is
the row whose value there is ``total`` (for citizenship: empty). While a group with a
published total has exactly one hidden part, or its hidden parts add up (total minus the
published parts) to less than the threshold, the next smallest published non-zero part is
also suppressed (``lower`` = threshold, ``upper`` = the group total, note "suppressed
(secondary: protects a small cell)"). When no part is left to hide, the total is hidden
instead. Dimensions are revisited until nothing changes, because a cell hidden for one
dimension belongs to groups along the others. Breakdowns that overlap (a victim with
several forms, age bands beside child/adult) are treated as if additive: that can only hide
more, never less. This is a 1-D rule, not a full audit of multi-way tables (tau-argus).

**Derived figures.** A share, rate or change whose ``basis`` is a protected measure and
whose count (same indicator, place, period, breakdown, source) is hidden is hidden too
(bounds 0..100 for a percent share, 0..inf for a rate, -inf..inf for a change), so
"60 % of 3 victims" cannot give the 3 back. A share whose denominator (the total along one
of ``dims``) is hidden is hidden as well: share and part would give the total back.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd

from .errors import ParameterError
from .formatting import format_censored, format_range, format_value, qualified
from .i18n import _
from .schema import COUNT_MEASURES, plain

__all__ = ["DEFAULT_THRESHOLD", "PROTECTED_MEASURES", "THRESHOLD_ENV", "display_value", "is_protected",
           "is_suppressed", "protect", "resolve_threshold", "small_count"]

DEFAULT_THRESHOLD = 5
THRESHOLD_ENV = "TRAFFICKSTATS_DISCLOSURE_THRESHOLD"

#: Counts of persons or cases: small values can identify someone.
PROTECTED_MEASURES = COUNT_MEASURES
#: Figures computed from a count; hidden when the count is.
DERIVED_MEASURES = ("share", "rate", "change")

DIMS = ("sex", "age", "form", "citizenship")
#: Qualifiers that bound a figure from below only: "at least 3" may be any number above.
LOWER_BOUNDED = ("at_least", "more_than")
#: Columns that identify a cell (besides the breakdown being grouped over).
KEY = ("indicator", "measure", "basis", "geo", "geo_scheme", "citizenship", "period_start", "period_end",
       "period_kind", "sex", "age", "form", "unit", "source_id")

PRIMARY_NOTE = "suppressed (<{n})"
SECONDARY_NOTE = "suppressed (secondary: protects a small cell)"
DERIVED_NOTE = "suppressed (computed from a suppressed count)"

_SHOWN, _PRIMARY, _SECONDARY, _SOURCE = 0, 1, 2, 3


def resolve_threshold(threshold: int | None = None) -> int:
    """``threshold``, else ``$TRAFFICKSTATS_DISCLOSURE_THRESHOLD``, else 5; must be an integer >= 1."""
    origin = "threshold"
    if threshold is None:
        env = os.environ.get(THRESHOLD_ENV)
        if env is None or not env.strip():
            return DEFAULT_THRESHOLD
        threshold, origin = env.strip(), f"{THRESHOLD_ENV}={env!r}"
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        raise ParameterError(f"{origin}: the disclosure threshold must be a whole number >= 1") from None
    if not value.is_integer() or value < 1:
        raise ParameterError(f"{origin}: the disclosure threshold must be a whole number >= 1, not {threshold}")
    return int(value)


def is_protected(obs: pd.DataFrame) -> pd.Series:
    """Rows that are protected counts (see module docstring)."""
    return obs["measure"].isin(PROTECTED_MEASURES)


def _key_frame(df: pd.DataFrame, cols) -> pd.DataFrame:
    """Key columns as plain strings ('' for missing) so groupby and merges treat NaN/None alike."""
    out = pd.DataFrame(index=df.index)
    for c in cols:
        col = df[c] if c in df.columns else pd.Series(None, index=df.index, dtype=object)
        out[c] = col.astype(object).where(col.notna(), "").astype(str)
    return out


def _key_codes(df: pd.DataFrame, cols) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{column: (codes, texts)}``: each key column as :func:`_key_frame` writes it (plain
    strings, '' for missing) and as integer codes numbered by first appearance. The same keys
    as ``_key_frame``, in a fraction of its time: protect runs for every chart, on a handful
    of rows as often as on thousands, and pandas' per-column overhead was most of its cost."""
    out = {}
    for c in cols:
        if c in df.columns:
            raw = df[c].to_numpy(dtype=object, na_value="")
            texts = np.array([v if type(v) is str else str(v) for v in raw], dtype=object)
        else:
            texts = np.full(len(df), "", dtype=object)
        out[c] = (pd.factorize(texts)[0], texts)
    return out


def _group_ids(codes: list[np.ndarray], n: int) -> np.ndarray:
    """One id per distinct combination of ``codes`` (numbered by first appearance, as pandas'
    ``groupby(sort=False).ngroup()`` numbers them)."""
    gid = np.zeros(n, dtype=np.int64)
    for c in codes:
        width = int(c.max()) + 1 if len(c) else 1
        gid = pd.factorize(gid * width + c)[0].astype(np.int64)
    return gid


def _secondary(df: pd.DataFrame, state: np.ndarray, threshold: int, dims) -> None:
    """Complementary suppression along each dimension, repeated until stable (in place)."""
    counts = np.flatnonzero(is_protected(df).to_numpy())
    if not len(counts):
        return
    keys = _key_codes(df.iloc[counts], KEY)
    values = df["value"].to_numpy(dtype=float)[counts]
    upper_col = df.columns.get_loc("upper")
    groups = {}  # the groups along each dimension do not change between passes: built once
    for dim in dims:
        gid = _group_ids([keys[c][0] for c in KEY if c != dim], len(counts))
        texts = keys[dim][1]
        groups[dim] = (gid, texts == ("" if dim == "citizenship" else "total"), None)
    changed = True
    while changed:
        changed = False
        for dim in dims:
            gid, is_total, members_of = groups[dim]
            hidden_part = (~is_total) & (state[counts] != _SHOWN)
            if not hidden_part.any():
                continue
            if members_of is None:
                members_of = pd.Series(np.arange(len(gid))).groupby(gid).indices
                groups[dim] = (gid, is_total, members_of)
            for g in np.unique(gid[hidden_part]):
                members = members_of[g]
                totals = [m for m in members if is_total[m] and state[counts[m]] == _SHOWN]
                if not totals:
                    continue  # no published total: nothing to subtract from
                total = values[totals[0]]
                parts = [m for m in members if not is_total[m]]
                while True:
                    shown = [m for m in parts if state[counts[m]] == _SHOWN]
                    n_hidden = len(parts) - len(shown)
                    if n_hidden >= 2 and total - sum(values[m] for m in shown) >= threshold:
                        break
                    candidates = sorted((values[m], m) for m in shown if values[m] > 0)
                    changed = True
                    if not candidates:  # nothing left to hide among the parts: hide the total
                        for t in totals:
                            state[counts[t]] = _SECONDARY
                            df.iat[counts[t], upper_col] = math.inf
                        break
                    m = candidates[0][1]
                    state[counts[m]] = _SECONDARY
                    df.iat[counts[m], upper_col] = total  # a part never exceeds its total


def _derived(df: pd.DataFrame, state: np.ndarray, dims) -> np.ndarray:
    """Shares / rates / changes computed from a hidden count: the count itself (same
    indicator, place, breakdown, source, a year in common) or its total along a dimension
    (the denominator of a share) is hidden."""
    out = np.zeros(len(df), dtype=bool)
    derived = (df["measure"].isin(DERIVED_MEASURES) & df["basis"].isin(PROTECTED_MEASURES)).to_numpy()
    hidden = is_protected(df).to_numpy() & (state != _SHOWN)
    if not derived.any() or not hidden.any():
        return out
    match = [c for c in KEY if c not in ("measure", "basis", "unit", "period_start", "period_end", "period_kind")]
    hk = _key_frame(df[hidden], match + ["measure", "period_start", "period_end"])
    years: dict[tuple, set] = {}
    for r in hk.itertuples(index=False):
        k = tuple(getattr(r, c) for c in match) + (r.measure,)
        years.setdefault(k, set()).update({r.period_start, r.period_end})
    dk = _key_frame(df[derived], match + ["basis", "period_start", "period_end"])
    for i, r in zip(np.flatnonzero(derived), dk.itertuples(index=False)):
        own = {c: getattr(r, c) for c in match}
        variants = [own] + [{**own, d: ("" if d == "citizenship" else "total")} for d in dims]
        span = {r.period_start, r.period_end}
        for v in variants:
            k = tuple(v[c] for c in match) + (r.basis,)
            if k in years and years[k] & span:
                out[i] = True
                break
    return out & (state == _SHOWN)


def protect(obs: pd.DataFrame, threshold: int | None = None, dims=DIMS, *,
            suppress_zero: bool = False) -> pd.DataFrame:
    """A copy of canonical observations with small counts suppressed (rules: module docstring).

    ``threshold``: counts below it are hidden (default 5 or ``$TRAFFICKSTATS_DISCLOSURE_THRESHOLD``).
    ``dims``: breakdowns along which published totals could reveal a hidden part.
    ``suppress_zero``: also hide zero counts (shown as "<5") instead of publishing 0.
    """
    threshold = resolve_threshold(threshold)
    dims = tuple(dims)
    unknown = [d for d in dims if d not in DIMS]
    if unknown:
        raise ParameterError(f"protect: unknown dimension(s) {', '.join(map(repr, unknown))}: "
                             f"use some of {', '.join(DIMS)}")
    missing = [c for c in ("measure", "value", "censored", "lower", "upper") if c not in obs.columns]
    if missing:
        raise ParameterError(f"protect: obs lacks canonical column(s) {', '.join(missing)} "
                             "(see traffickstats.schema.COLUMNS)")
    df = plain(obs).copy()  # plain: suppression writes new notes (a user file's categoricals)
    for col, default in (("basis", None), ("note", None)):
        if col not in df.columns:
            df[col] = default
    if not (pd.api.types.is_string_dtype(df["note"]) or df["note"].dtype == object):
        df["note"] = df["note"].astype(object)  # an all-empty float column cannot take text
    df["censored"] = df["censored"].fillna(False).astype(bool)
    df["lower"] = df["lower"].astype(float)
    df["upper"] = df["upper"].astype(float)
    value = df["value"].astype(float)

    protected = is_protected(df).to_numpy()
    state = np.full(len(df), _SHOWN)
    state[protected & (df["censored"].to_numpy() | value.isna().to_numpy())] = _SOURCE
    low = (value > 0) | (suppress_zero & value.eq(0))
    primary = protected & (state == _SHOWN) & (low & (value < threshold)).to_numpy()
    state[primary] = _PRIMARY

    _secondary(df, state, threshold, dims)
    derived = _derived(df, state, dims)

    def mark(mask: np.ndarray, lower, upper, note: str) -> None:
        if not mask.any():
            return
        rows = df.index[mask]
        df.loc[rows, "value"] = np.nan
        df.loc[rows, "censored"] = True
        if lower is not None:
            df.loc[rows, "lower"] = lower
        if upper is not None:
            df.loc[rows, "upper"] = upper
        # the note replaces the source's: it may describe the people ("one adult woman identified")
        df.loc[rows, "note"] = note
        if "qualifier" in df.columns:  # "about" a hidden figure says nothing and would read oddly
            df.loc[rows, "qualifier"] = None

    zero = value.eq(0).to_numpy()
    # "at least 3" / "more than 3" may be 100: hidden with an open upper bound, never "fewer than 5"
    open_top = df["qualifier"].isin(LOWER_BOUNDED).to_numpy() if "qualifier" in df.columns else np.zeros(len(df), bool)
    mark((state == _PRIMARY) & open_top, 1.0, math.inf, PRIMARY_NOTE.format(n=threshold))
    state[(state == _PRIMARY) & open_top] = _SOURCE  # done: not marked again below
    mark((state == _PRIMARY) & ~zero, 1.0, float(threshold - 1), PRIMARY_NOTE.format(n=threshold))
    mark((state == _PRIMARY) & zero, 0.0, float(threshold - 1), PRIMARY_NOTE.format(n=threshold))
    # secondary cells: their upper bound (group total, or inf for a hidden total) is set already
    mark(state == _SECONDARY, float(threshold), None, SECONDARY_NOTE)
    measure = df["measure"].to_numpy()
    pct_share = (measure == "share") & (df["unit"] == "percent").to_numpy()
    mark(derived & pct_share, 0.0, 100.0, DERIVED_NOTE)
    mark(derived & ~pct_share & (measure != "change"), 0.0, math.inf, DERIVED_NOTE)
    mark(derived & (measure == "change"), -math.inf, math.inf, DERIVED_NOTE)
    return df


def is_suppressed(obs: pd.DataFrame) -> pd.Series:
    """Rows hidden by :func:`protect` (not by the source): their note says "suppressed ..."."""
    note = obs["note"] if "note" in obs.columns else pd.Series(None, index=obs.index, dtype=object)
    return note.astype(object).where(note.notna(), "").astype(str).str.startswith("suppressed")


def small_count(row, threshold: int | None = None) -> bool:
    """Whether one row is a protected count shown exactly though ``0 < value < threshold``:
    what :func:`protect` hides. Every display path checks it (:func:`display_value`)."""
    value = row.get("value")
    if row.get("measure") not in PROTECTED_MEASURES or bool(row.get("censored")) or pd.isna(value):
        return False
    return 0 < float(value) < resolve_threshold(threshold)


def display_value(row, lang: str) -> str:
    """How a figure is written after :func:`protect`: "moins de 5" / "fewer than 5" for a
    small count (ours or the source's "<5"), "masqué" / "suppressed" for a cell hidden to
    protect another, a published range as a range, the formatted value otherwise, with what
    the source said around it ("environ 1 100").

    A protected count below the threshold that reaches this function unprotected (a row
    selected around :func:`protect`) is still written "moins de 5": no display path can write it.
    """
    unit = row.get("unit") or "persons"
    if small_count(row):
        if row.get("qualifier") in LOWER_BOUNDED:
            return _("disclosure.suppressed", lang)
        return format_censored(resolve_threshold(), lang)
    if not (bool(row.get("censored")) or pd.isna(row.get("value"))):
        return qualified(format_value(row["value"], unit, lang), row.get("qualifier"), lang)
    lower, upper = row.get("lower"), row.get("upper")
    note = row.get("note") if isinstance(row.get("note"), str) else ""
    known = pd.notna(lower) and pd.notna(upper) and math.isfinite(lower) and math.isfinite(upper)
    if known and lower in (0, 1) and float(upper).is_integer() and row.get("measure") in PROTECTED_MEASURES:
        return format_censored(int(upper) + 1, lang)  # "<5" is stored as 1..4 (or 0..4)
    if note.startswith("suppressed") or not known:
        return _("disclosure.suppressed", lang)
    return format_range(lower, upper, lang, unit=unit)
