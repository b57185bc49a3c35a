"""GENERATED test inputs shared by several test files: made-up values, clearly labelled.

Never real figures: the source record says "not real data", and the values are arbitrary.
"""

from __future__ import annotations

import pandas as pd

from traffickstats.geo import PARTICIPANTS


def generated_source(source_id="generated_test_source", title="Generated test source (not real data)"):
    """GENERATED: a Source record for the generated rows below."""
    return pd.DataFrame([{
        "source_id": source_id, "publisher": "Test fixture", "publisher_fr": "Jeu d'essai",
        "title": title, "title_fr": title, "year": 2024, "url": None, "location": None,
        "reported_by": None, "terms": None, "evidence": "primary",
    }])


def generated_counts(values=None, source_id="generated_test_source"):
    """GENERATED: one detected-victims count per participant, 2022 (values are made up)."""
    values = values or [100 * (i + 1) for i in range(len(PARTICIPANTS))]
    return pd.DataFrame({
        "indicator": "trafficking_victims_detected", "measure": "detected_count", "basis": None,
        "geo": PARTICIPANTS, "geo_scheme": "iso3", "citizenship": None,
        "period_start": pd.array([2022] * 9, dtype="Int64"), "period_end": pd.array([2022] * 9, dtype="Int64"),
        "period_kind": "annual", "sex": "total", "age": "total", "form": "total",
        "value": [float(v) for v in values], "unit": "persons", "lower": float("nan"), "upper": float("nan"),
        "censored": False, "evidence": "primary", "source_id": source_id, "fact_id": None, "note": None,
    })
