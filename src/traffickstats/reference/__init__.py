"""Bundled reference data (hand-built from shared/reference/facts.md) and its citations."""

from .bundled import (
    DEFAULT_POPULATION_PREFIX,
    SUBSET_INDICATORS,
    UnknownReferenceError,
    citation,
    clear_cache,
    footnote,
    legal_status,
    notes,
    observations,
    population,
    sources,
)
from .repeats import same_figure_groups, show_once

__all__ = [
    "DEFAULT_POPULATION_PREFIX", "SUBSET_INDICATORS", "UnknownReferenceError", "citation", "clear_cache", "footnote",
    "legal_status", "notes", "observations", "population", "same_figure_groups", "show_once", "sources",
]
