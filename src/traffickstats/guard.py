"""The comparability guard: arithmetic and ranking on observations go through here.

A modelled *stock* of people in forced labour (ILO, "on any given day") and a *count* of
victims detected by authorities (UNODC, "in 2018") are different quantities: adding them,
subtracting them or ranking them together produces a number that means nothing. Every
helper here (``total``, ``difference``, ``ratio``, ``rank``) first calls
``require_comparable``, which raises :class:`~traffickstats.errors.IncomparableError`
saying WHY and WHAT TO DO INSTEAD. ``side_by_side`` is always allowed: it labels figures
and says whether they can be compared.

Refused (any operation): different measures (or bases of rates/shares), indicators,
units or period kinds. Refused when adding: two methodologies of one indicator (two
editions: ILO 2012 vs GEMS 2017), stocks over time, overlapping periods, mixed region
schemes, a part together with its total, the same figure twice, parts that differ along
two breakdowns at once, a form together with a form it contains (private_economy and
sexual_exploitation).
Allowed: disjoint parts (regions of one scheme, sexes, forms) of one source, indicator,
measure and period; annual counts of one series over years (the total is
``multi_year``); the declared components of a parent indicator (forced_labour +
forced_marriage = modern_slavery, same source and period); the same measure, indicator,
unit and period across geographies of one scheme (ranking, differences).

``ratio`` across measures (detected victims per estimated victim) is refused unless the
caller passes ``acknowledge="..."``: a sentence naming the caveat, which is written into
the result's note (there is no "identification rate" without an unknown probability of
being identified).

The *series* of a row (its methodology) is its source's publisher and publication year
in the sources catalogue (several pages quoting ILO 2012 are one series); a source the
catalogue does not know is its own series.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from .errors import IncomparableError, ParameterError
from . import periods
from .schema import COLUMNS, COMPUTED_NOTE, COUNT_MEASURES, MEASURES, period_text, plain, with_years

__all__ = [
    "require_comparable", "total", "difference", "ratio", "rank", "side_by_side", "Derived",
    "series_key", "source_label", "describe", "COMPONENTS", "NESTED_FORMS", "COUNT_MEASURES",
]

#: Parent indicators that are the sum of disjoint component indicators (GEMS definitions).
COMPONENTS: dict[str, tuple[str, ...]] = {"modern_slavery": ("forced_labour", "forced_marriage")}
#: Forms that contain other forms (ILO: private economy = sexual + labour exploitation).
NESTED_FORMS: dict[str, set[str]] = {
    "private_economy": {"sexual_exploitation", "forced_labour", "domestic_servitude"},
}
#: Breakdown dimensions: adding is allowed along exactly one of them (or over periods).
BREAKDOWNS = ("geo", "sex", "age", "form", "citizenship")

_VERBS = {"add": "add", "difference": "subtract", "ratio": "divide", "rank": "rank",
          "share": "take shares of"}
_OPERATIONS = {"add": "add", "sum": "add", "total": "add", "+": "add",
               "difference": "difference", "subtract": "difference", "-": "difference",
               "ratio": "ratio", "divide": "ratio", "/": "ratio",
               "rank": "rank", "compare": "rank", "share": "share"}
_SIDE_BY_SIDE = ("Show them side by side with guard.side_by_side(...), labelled, instead.")

_VICTIMS_NOT_CASES = ("a count of victims and a count of cases measure different things "
                      "(one case can involve several victims)")
_PAIR_WHY = {
    frozenset({"estimate_stock", "detected_count"}):
        "an estimate of a stock and a count of detected victims measure different things "
        "(most victims are never identified)",
    frozenset({"estimate_stock", "registered_count"}):
        "an estimate of a stock and a count of registered victims measure different things "
        "(most victims are never registered)",
    frozenset({"detected_count", "case_count"}): _VICTIMS_NOT_CASES,
    frozenset({"registered_count", "case_count"}): _VICTIMS_NOT_CASES,
    frozenset({"detected_count", "justice_count"}):
        "victims and offenders (suspected, prosecuted, convicted) are different people",
}
_INDICATOR_WHY = {
    frozenset({"forced_labour", "modern_slavery"}):
        "modern slavery is forced labour plus forced marriage: forced labour is already inside it",
    frozenset({"forced_marriage", "modern_slavery"}):
        "modern slavery is forced labour plus forced marriage: forced marriage is already inside it",
    frozenset({"trafficking_cases", "trafficking_victims_detected"}):
        "a case can involve several victims and a victim several cases",
}


# --- describing rows ------------------------------------------------------------------


@lru_cache(maxsize=1)
def _catalogue() -> pd.DataFrame | None:
    """The bundled sources catalogue, or None while it is unavailable (guard still works)."""
    try:
        from .reference import sources

        return sources().set_index("source_id")
    except Exception:  # noqa: BLE001 - a broken catalogue must not disable the guard
        return None


def _source_record(source_id: str) -> dict | None:
    cat = _catalogue()
    if cat is None or source_id not in cat.index:
        return None
    return cat.loc[source_id].to_dict()


def _short(publisher: str) -> str:
    # "International Labour Organization (ILO)" -> "ILO"
    if publisher.endswith(")") and "(" in publisher:
        return publisher[publisher.rindex("(") + 1:-1]
    return publisher


def series_key(source_id: str) -> str:
    """The methodology a source belongs to: 'publisher|year' from the catalogue, else the id."""
    rec = _source_record(str(source_id))
    if rec is None:
        return str(source_id)
    return f"{rec['publisher']}|{rec['year']}"


def source_label(source_id: str) -> str:
    """'ILO 2012' for a catalogued source; the source id otherwise."""
    rec = _source_record(str(source_id))
    if rec is None:
        return str(source_id)
    return f"{_short(str(rec['publisher']))} {rec['year']}"


def _words(token) -> str:
    return str(token).replace("_", " ")


def _period(row) -> str:
    span, kind = periods.words(row["period_start"], row["period_end"]), row["period_kind"]
    if kind in ("annual", "part_year"):
        return f"in {span}"
    if kind == "multi_year":
        return f"over {span}"
    return span


def describe(row) -> str:
    """One readable line for a row: 'ILO 2012 forced labour: modelled number of people ... 2002–2011'."""
    ind, m = _words(row["indicator"]), row["measure"]
    basis = row.get("basis")
    basis = _words(basis) if isinstance(basis, str) and basis else "an unstated quantity"
    phrases = {
        "estimate_stock": f"modelled number of people in {ind} on any given day, {_period(row)}",
        "detected_count": f"victims identified by authorities {_period(row)}",
        "registered_count": f"victims registered by authorities {_period(row)}",
        "case_count": f"{ind} counted by authorities (cases, not persons) {_period(row)}",
        "justice_count": f"{ind} {_period(row)}",
        "money_estimate": f"modelled {ind} in {row['unit']} {_period(row)}",
        "population": f"resident population {_period(row)}",
        "rate": f"{ind} {_words(row['unit'])} (a rate of {basis}) {_period(row)}",
        "share": f"a share of a total, in percent (of {basis}) {_period(row)}",
        "change": f"a change (of {basis}) {_period(row)}",
        "coverage": f"a count of the data collection ({row['unit']}) {_period(row)}",
    }
    return f"{source_label(row['source_id'])} {ind}: {phrases.get(m, MEASURES.get(m, m))}"


# --- the guard ------------------------------------------------------------------------


def _frame(obs) -> pd.DataFrame:
    if isinstance(obs, pd.Series):
        return obs.to_frame().T.reset_index(drop=True)
    if isinstance(obs, (list, tuple)):
        return pd.concat([_frame(o) for o in obs], ignore_index=True)
    if not isinstance(obs, pd.DataFrame):
        raise ParameterError(f"expected observations (a DataFrame), got {type(obs).__name__}")
    missing = [c for c in ("indicator", "measure", "geo", "geo_scheme", "period_start", "period_end",
                           "period_kind", "value", "unit", "source_id") if c not in obs.columns]
    if missing:
        raise ParameterError(f"observations lack the column(s) {', '.join(missing)}")
    df = with_years(plain(obs).reset_index(drop=True)).copy()  # plain: totals write new labels
    for col in ("period_start", "period_end"):
        df[col] = period_text(df[col])
    for col, default in {"basis": "", "citizenship": "", "sex": "total", "age": "total",
                         "form": "total", "censored": False, "lower": float("nan"),
                         "upper": float("nan"), "evidence": "primary", "fact_id": None, "note": None,
                         "qualifier": None, "base": None}.items():
        if col not in df.columns:
            df[col] = default
    return df


def _key(df: pd.DataFrame, col: str) -> pd.Series:
    """A column as comparable text: missing -> ''."""
    return df[col].astype("object").where(df[col].notna(), "").astype(str)


def _first_pair(df: pd.DataFrame, col: str):
    """Two rows that differ in ``col`` (the first of each of the first two distinct values)."""
    k = _key(df, col)
    vals = list(dict.fromkeys(k))
    return df[k == vals[0]].iloc[0], df[k == vals[1]].iloc[0], vals[0], vals[1]


def _refuse_differ(op: str, df: pd.DataFrame, col: str, why: str, instead: str) -> IncomparableError:
    ra, rb, va, vb = _first_pair(df, col)
    return IncomparableError(
        f"Cannot {_VERBS[op]} {va!r} ({describe(ra)}) and {vb!r} ({describe(rb)}): {why}. {instead}")


def _varying(df: pd.DataFrame) -> list[str]:
    dims = [d for d in BREAKDOWNS if _key(df, d).nunique() > 1]
    if (df["period_start"].nunique() > 1) or (df["period_end"].nunique() > 1):
        dims.append("period")
    if _key(df, "indicator").nunique() > 1:
        dims.append("indicator")
    return dims


def _component_parent(indicators: set[str]) -> str | None:
    for parent, parts in COMPONENTS.items():
        if indicators == set(parts):
            return parent
    return None


def require_comparable(obs, operation: str) -> None:
    """Raise IncomparableError unless ``operation`` on ``obs`` gives a meaningful number.

    ``operation``: "add" (also "sum", "total"), "difference", "ratio", "rank" (also
    "compare") or "share". The message names both figures, says why they cannot be
    combined and what to do instead. See the module docstring for the rules.
    """
    op = _OPERATIONS.get(str(operation).lower())
    if op is None:
        raise ParameterError(f"unknown operation {operation!r}: use one of {', '.join(sorted(set(_OPERATIONS)))}")
    df = _frame(obs)
    if len(df) == 0:
        raise ParameterError(f"nothing to {_VERBS[op]}: no observations")

    # 1. What kind of quantity: measure, basis, indicator, unit, period kind.
    if _key(df, "measure").nunique() > 1:
        _, _, a, b = _first_pair(df, "measure")
        why = _PAIR_WHY.get(frozenset({a, b}),
                            f"'{a}' is {MEASURES.get(a, a)} and '{b}' is {MEASURES.get(b, b)}: they measure different things")
        raise _refuse_differ(op, df, "measure", why, _SIDE_BY_SIDE)
    measure = df["measure"].iloc[0]
    if measure in ("rate", "share", "change") and _key(df, "basis").nunique() > 1:
        raise _refuse_differ(op, df, "basis", f"a {measure} of one quantity and a {measure} of another "
                             "have different bases", _SIDE_BY_SIDE)
    indicators = set(_key(df, "indicator"))
    parent = _component_parent(indicators) if op == "add" else None
    if len(indicators) > 1 and parent is None:
        _, _, a, b = _first_pair(df, "indicator")
        why = _INDICATOR_WHY.get(frozenset({a, b}),
                                 f"'{a}' and '{b}' are different indicators, with different definitions")
        raise _refuse_differ(op, df, "indicator", why, _SIDE_BY_SIDE)
    if _key(df, "unit").nunique() > 1:
        _, _, a, b = _first_pair(df, "unit")
        instead = ("Convert rates to one unit first (normalise.convert_rate_unit)."
                   if measure == "rate" else _SIDE_BY_SIDE)
        raise _refuse_differ(op, df, "unit", f"the units differ ({a} and {b})", instead)
    if _key(df, "period_kind").nunique() > 1:
        _, _, a, b = _first_pair(df, "period_kind")
        raise _refuse_differ(op, df, "period_kind",
                             f"a '{a}' figure and a '{b}' figure cover time differently", _SIDE_BY_SIDE)

    varying = _varying(df)
    if op == "add":
        _check_add(df, measure, varying, parent)
    elif op in ("difference", "ratio"):
        _check_pair(df, op, varying)
    elif op == "rank":
        _check_rank(df, varying)
    elif op == "share":
        _check_share(df, varying)


def _series_differ(df: pd.DataFrame) -> bool:
    return len({series_key(s) for s in _key(df, "source_id").unique()}) > 1


def _refuse_series(op: str, df: pd.DataFrame, why: str) -> IncomparableError:
    keys = pd.Series([series_key(s) for s in _key(df, "source_id")])
    first = keys.iloc[0]
    ra, rb = df.iloc[0], df[(keys != first).to_numpy()].iloc[0]
    return IncomparableError(
        f"Cannot {_VERBS[op]} {source_label(ra['source_id'])!r} ({describe(ra)}) and "
        f"{source_label(rb['source_id'])!r} ({describe(rb)}): {why}. Use the figures of one edition, "
        "or the change the publisher itself reports; otherwise show them side by side with "
        "guard.side_by_side(...).")


def _check_add(df: pd.DataFrame, measure: str, varying: list[str], parent: str | None) -> None:
    if len(df) == 1:
        return
    if _series_differ(df):
        raise _refuse_series("add", df, "two methodologies (different publications) of the same "
                             "indicator are not parts of one total")
    if parent is not None:
        if varying != ["indicator"]:
            raise IncomparableError(
                f"Cannot add the components {sorted(set(df['indicator']))} of {parent!r}: they must "
                f"share geography, period and breakdown, but differ in {', '.join(v for v in varying if v != 'indicator')}. "
                "Add one pair at a time.")
        return
    if not varying:
        dup = df.iloc[:2]
        raise IncomparableError(
            f"Cannot add {describe(dup.iloc[0])} to itself: the same figure appears {len(df)} times "
            f"(sources {', '.join(dict.fromkeys(_key(df, 'source_id')))}), so adding would count it twice. "
            "Keep one row (prefer primary evidence).")
    if len(varying) > 1:
        raise IncomparableError(
            f"Cannot add rows that differ in {' and '.join(varying)} at once: such parts overlap "
            f"(e.g. women and children both include girls). Add along one breakdown at a time.")
    dim = varying[0]
    if dim == "period":
        if measure not in COUNT_MEASURES or (df["period_kind"] == "point_in_time").any():
            r = df.iloc[0]
            raise IncomparableError(
                f"Cannot add {measure!r} figures of different periods ({describe(r)}): "
                + ("stocks are never summed over time: the same people are counted in every period. "
                   "Show each period's figure (a line or bars per period), or the publisher's own change."
                   if measure in ("estimate_stock", "population") or (df["period_kind"] == "point_in_time").any()
                   else f"a {measure} is not additive over time. Show each period separately."))
        spans = sorted(zip(df["period_start"], df["period_end"]), key=lambda p: periods.bounds(*p))
        for a, b in zip(spans, spans[1:], strict=False):
            if periods.overlap(a, b):
                raise IncomparableError(
                    f"Cannot add {measure!r} counts of overlapping periods {periods.words(*a)} and "
                    f"{periods.words(*b)}: the overlap would be counted twice. Add disjoint periods only.")
        return
    if measure == "rate" and dim != "form":
        raise IncomparableError(
            f"Cannot add rates across {dim}: each rate has its own population. Add the numerators "
            "and divide by the summed population (normalise.rates) instead.")
    if measure == "change":
        raise IncomparableError("Cannot add changes: percent changes do not add up. Compute the change "
                                "of the summed quantities instead.")
    if dim == "geo" and _key(df, "geo_scheme").nunique() > 1:
        raise _refuse_differ("add", df, "geo_scheme", "regions of different schemes overlap "
                             "(their borders differ)", "Add regions of one scheme, or countries (iso3).")
    values = _key(df, dim)
    if values.duplicated().any():
        dup = values[values.duplicated()].iloc[0]
        raise IncomparableError(f"Cannot add: {dim} {dup!r} appears twice, so it would be counted twice. "
                                "Keep one row per part.")
    if dim != "geo" and "total" in set(values):
        raise IncomparableError(f"Cannot add a '{dim} = total' row to its parts "
                                f"({', '.join(v for v in values if v != 'total')}): the total already contains them.")
    if dim == "form":
        present = set(values)
        for outer, inner in NESTED_FORMS.items():
            if outer in present and present & inner:
                raise IncomparableError(
                    f"Cannot add form {outer!r} and {sorted(present & inner)}: {outer} already contains them. "
                    "Add forms of one level only.")


def _check_pair(df: pd.DataFrame, op: str, varying: list[str]) -> None:
    if len(df) != 2:
        raise ParameterError(f"{op} needs exactly two observations, got {len(df)}")
    if df["value"].isna().any():
        r = df[df["value"].isna()].iloc[0]
        raise IncomparableError(f"Cannot {_VERBS[op]} a censored figure ({describe(r)}): it is only known "
                                f"to lie between {r['lower']} and {r['upper']}. Report its bounds instead.")
    if len(varying) > 1:
        raise IncomparableError(
            f"Cannot {_VERBS[op]} figures that differ in {' and '.join(varying)} at once: compare like "
            "with like (one difference at a time).")
    if "period" in varying or not varying:
        if _series_differ(df):
            raise _refuse_series(op, df, "two methodologies: a change between editions reflects the "
                                 "method as much as the world")
    if "geo" in varying and _key(df, "geo_scheme").nunique() > 1:
        raise _refuse_differ(op, df, "geo_scheme", "a region and a place of another scheme are not like "
                             "for like", "Compare places of one scheme.")


def _check_rank(df: pd.DataFrame, varying: list[str]) -> None:
    if len(df) == 1:
        return
    others = [v for v in varying if v != "geo"]
    if others:
        raise IncomparableError(
            f"Cannot rank rows that differ in {' and '.join(others)}: a ranking compares places for one "
            "indicator, period and breakdown. Filter to one first.")
    if _key(df, "geo_scheme").nunique() > 1:
        raise _refuse_differ("rank", df, "geo_scheme", "places of different schemes (countries and "
                             "regions) are not ranked together", "Rank one scheme at a time.")
    geos = _key(df, "geo")
    if geos.duplicated().any():
        raise IncomparableError(f"Cannot rank: {geos[geos.duplicated()].iloc[0]!r} appears twice "
                                "(two sources?). Keep one row per place.")


def _check_share(df: pd.DataFrame, varying: list[str]) -> None:
    if _series_differ(df):
        raise _refuse_series("share", df, "a part from one publication is not a share of another's total")
    if len(varying) > 1:
        raise IncomparableError(f"Cannot take shares: parts differ in {' and '.join(varying)} at once.")
    if "period" in varying:
        raise IncomparableError("Cannot take shares across periods: part and total must cover the same period.")


# --- operations -----------------------------------------------------------------------


def _weakest_evidence(df: pd.DataFrame) -> str:
    return "secondary" if (_key(df, "evidence") == "secondary").any() else "primary"


def total(obs) -> pd.DataFrame:
    """The sum of disjoint parts, as one canonical row (after ``require_comparable(obs, "add")``).

    The varying breakdown is set to 'total' (sex, age, form, citizenship), to the joined
    codes of the parts (geo: 'africa+americas'), or to the span of years (counts over
    years: ``period_kind='multi_year'``). Censored parts make the total censored, with
    summed bounds. The note lists the parts and says the figure was computed.
    """
    df = _frame(obs)
    require_comparable(df, "add")
    varying = _varying(df)
    out = df.iloc[[0]][[c for c in COLUMNS if c in df.columns]].copy().reset_index(drop=True)
    dim = varying[0] if varying else None
    parts_desc = ""
    if dim == "indicator":
        out.loc[0, "indicator"] = _component_parent(set(df["indicator"]))
        parts_desc = ", ".join(df["indicator"])
    elif dim == "period":
        spans = sorted(zip(df["period_start"], df["period_end"]), key=lambda p: periods.bounds(*p))
        start, end = spans[0][0], max((e for _s, e in spans), key=lambda e: periods.bounds(e, e)[1])
        out.loc[0, ["period_start", "period_end"]] = [start, end]
        out.loc[0, ["year_start", "year_end"]] = [int(start[:4]), int(end[:4])]
        out.loc[0, "period_kind"] = ("multi_year" if start[:4] != end[:4] else
                                     "annual" if periods.is_whole_years(start, end) else "part_year")
        parts_desc = ", ".join(periods.words(*p) for p in spans)
    elif dim == "geo":
        out.loc[0, "geo"] = "+".join(df["geo"].astype(str))
        parts_desc = ", ".join(df["geo"].astype(str))
    elif dim is not None:
        out.loc[0, dim] = "total"
        parts_desc = ", ".join(_key(df, dim))
    out.loc[0, "qualifier"] = _sum_qualifier(df)
    out.loc[0, "base"] = None
    censored = df["value"].isna()
    if censored.any():
        lo = df["value"].where(~censored, df["lower"])
        hi = df["value"].where(~censored, df["upper"])
        out.loc[0, "value"] = float("nan")
        out.loc[0, "lower"] = float(lo.sum()) if lo.notna().all() else float("nan")
        out.loc[0, "upper"] = float(hi.sum()) if hi.notna().all() else float("nan")
        out.loc[0, "censored"] = True
    else:
        out.loc[0, "value"] = float(df["value"].sum())
        q = out.loc[0, "qualifier"]
        out.loc[0, "lower"] = out.loc[0, "value"] if q == "at_least" else float("nan")
        out.loc[0, "upper"] = out.loc[0, "value"] if q == "at_most" else float("nan")
        out.loc[0, "censored"] = False
    sources = list(dict.fromkeys(_key(df, "source_id")))
    out.loc[0, "source_id"] = sources[0] if len(sources) == 1 else "+".join(sources)
    out.loc[0, "evidence"] = _weakest_evidence(df)
    out.loc[0, "fact_id"] = None
    n = len(df)
    out.loc[0, "note"] = (f"Sum of {n} part{'s' if n > 1 else ''} ({dim or 'one row'}: {parts_desc}) "
                          f"{COMPUTED_NOTE}"
                          + ("; censored parts summed as bounds" if censored.any() else "") + ".")
    return out


def _sum_qualifier(df: pd.DataFrame) -> str | None:
    return sum_qualifier(df["qualifier"])


def sum_qualifier(qualifiers) -> str | None:
    """What the sum of qualified parts is: exact parts give an exact sum; any approximate part
    an approximate sum; "at least" / "more than" parts a sum that is at least the total (the
    same for upper bounds). Lower and upper bounds together bound nothing: refused."""
    q = {v for v in qualifiers if isinstance(v, str) and v}
    if not q:
        return None
    if "approximately" in q:
        return "approximately"
    low, high = q & {"at_least", "more_than"}, q & {"at_most", "less_than"}
    if low and high:
        raise IncomparableError(
            "Cannot add figures bounded from below ('at least', 'more than') to figures bounded from "
            "above ('at most', 'less than'): the sum has no bound. Show the parts side by side.")
    return "at_least" if low else "at_most"


@dataclass(frozen=True)
class Derived:
    """A number computed from two observations (a difference or a ratio), with its inputs."""

    value: float
    unit: str
    operation: str
    note: str
    inputs: pd.DataFrame = field(repr=False)

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit} ({self.note})"


def _label(row, varying: list[str]) -> str:
    if "period" in varying:
        return _period(row).replace("in ", "")
    for d in ("geo", "sex", "age", "form", "citizenship", "indicator"):
        if d in varying:
            return str(row[d])
    return str(row["source_id"])


def difference(a, b) -> Derived:
    """``a - b`` for two like-for-like observations (one year vs another, one place vs another)."""
    df = _frame([_frame(a), _frame(b)])
    require_comparable(df, "difference")
    ra, rb = df.iloc[0], df.iloc[1]
    varying = _varying(df)
    return Derived(
        value=float(ra["value"]) - float(rb["value"]), unit=str(ra["unit"]), operation="difference",
        note=f"{ra['indicator']} {ra['measure']}: {_label(ra, varying)} minus {_label(rb, varying)}",
        inputs=df)


def ratio(a, b, acknowledge: str | None = None) -> Derived:
    """``a / b`` for like-for-like observations; across measures only with ``acknowledge``.

    ``acknowledge`` is a sentence naming why the ratio is still shown and its caveat (e.g.
    "identification probability unknown: this is not a detection rate"); it is written
    into the note. Without it, a ratio of different measures raises IncomparableError.
    """
    df = _frame([_frame(a), _frame(b)])
    if acknowledge is not None and not str(acknowledge).strip():
        raise ParameterError("acknowledge must be a sentence naming the caveat, not empty")
    if acknowledge is None:
        try:
            require_comparable(df, "ratio")
        except IncomparableError as exc:
            raise IncomparableError(
                f"{exc} A ratio of different quantities is refused unless you pass "
                "acknowledge=\"<the caveat, e.g. identification probability unknown>\".") from None
    elif df["value"].isna().any():
        require_comparable(df, "ratio")  # censored input: the refusal explains the bounds
    ra, rb = df.iloc[0], df.iloc[1]
    if float(rb["value"]) == 0:
        raise ParameterError(f"cannot divide by zero ({describe(rb)})")
    note = f"{ra['indicator']} {ra['measure']} ({source_label(ra['source_id'])}) / " \
           f"{rb['indicator']} {rb['measure']} ({source_label(rb['source_id'])})"
    if acknowledge:
        note += f"; not like for like, shown with the caveat: {acknowledge.strip()}"
    return Derived(value=float(ra["value"]) / float(rb["value"]), unit="ratio", operation="ratio",
                   note=note, inputs=df)


def rank(obs, ascending: bool = False) -> pd.DataFrame:
    """Places ranked by value (1 = highest unless ``ascending``); censored rows get no rank.

    Goes through ``require_comparable(obs, "rank")``: one measure, indicator, unit,
    period and breakdown; one geography scheme; one row per place.
    """
    df = _frame(obs)
    require_comparable(df, "rank")
    out = df.copy()
    out["rank"] = out["value"].rank(method="min", ascending=ascending, na_option="keep").astype("Int64")
    out["rank_note"] = None
    out.loc[out["value"].isna(), "rank_note"] = "censored: only bounds are known, not ranked"
    return out.sort_values(["rank", "geo"], na_position="last").reset_index(drop=True)


def _comparison_note(df: pd.DataFrame) -> str:
    for col, what in (("measure", "different measures"), ("basis", "different bases"),
                      ("indicator", "different indicators"), ("unit", "different units"),
                      ("period_kind", "different period kinds")):
        if col in df.columns and _key(df, col).nunique() > 1:
            return f"{what}: shown side by side, not comparable"
    if len(df) > 1 and _series_differ(df):
        return "different publications (methodologies): shown side by side, compare with care"
    return "same measure, indicator, unit and period kind: comparable"


def side_by_side(obs) -> pd.DataFrame:
    """A labelled display frame for any set of figures (always allowed).

    Columns: label (source, indicator, what is measured, period), geo, value, unit,
    source_id, what_it_measures and comparison_note ("different measures: shown side by
    side, not comparable" when the guard would refuse arithmetic).
    """
    df = _frame(obs)
    note = _comparison_note(df)
    return pd.DataFrame({
        "label": [describe(r) for _, r in df.iterrows()],
        "indicator": df["indicator"].to_numpy(),
        "measure": df["measure"].to_numpy(),
        "geo": df["geo"].to_numpy(),
        "period": [periods.words(r.period_start, r.period_end) for r in df.itertuples()],
        "value": df["value"].to_numpy(),
        "unit": df["unit"].to_numpy(),
        "source_id": df["source_id"].to_numpy(),
        "what_it_measures": [MEASURES.get(m, m) for m in df["measure"]],
        "comparison_note": note,
    })


@pd.api.extensions.register_dataframe_accessor("ts")
class ObservationsAccessor:
    """``obs.ts.total()``, ``obs.ts.rank()``, ``obs.ts.side_by_side()`` on canonical observations."""

    def __init__(self, obj: pd.DataFrame):
        self._obj = obj

    def require_comparable(self, operation: str) -> None:
        require_comparable(self._obj, operation)

    def total(self) -> pd.DataFrame:
        return total(self._obj)

    def rank(self, ascending: bool = False) -> pd.DataFrame:
        return rank(self._obj, ascending=ascending)

    def side_by_side(self) -> pd.DataFrame:
        return side_by_side(self._obj)
