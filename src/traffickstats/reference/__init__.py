"""Bundled reference data (hand-built from shared/reference/facts.md) and its citations."""

from .bundled import (
    DEFAULT_POPULATION_PREFIX,
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

__all__ = [
    "DEFAULT_POPULATION_PREFIX", "UnknownReferenceError", "citation", "clear_cache", "footnote",
    "legal_status", "notes", "observations", "population", "sources",
]
