"""Report.open with the bundled data only is computed once per process (and ahead of the
kernels, in the fork server, by the briefing kit's warm-up): every report gets the same rows,
its own copy, for the disclosure threshold in force."""

from __future__ import annotations

import pandas as pd

from traffickstats.briefing import Report, warm
from traffickstats.briefing.report import _bundled, _opened
from traffickstats.disclosure import THRESHOLD_ENV
from traffickstats.paths import data_dir


def test_bundled_report_data_is_computed_once_and_each_report_gets_its_own_copy():
    files = warm()
    assert files and all(f.is_file() and data_dir() in f.parents for f in files)
    assert any(f.name == "glotip_extract.csv" for f in files)
    first = Report.open("a", lang="fr")
    hits = _bundled.cache_info().hits
    second = Report.open("b", lang="en")
    assert _bundled.cache_info().hits == hits + 1  # not read, validated and protected again
    try:
        fresh, records, rejected = _opened((("glotip", ""), ("ctdc", ""), ("gsi", "")))
        pd.testing.assert_frame_equal(first.obs, fresh)  # what an uncached open computes
        assert first.datasets == records and first.rejected == rejected
        first.obs.loc[first.obs.index[0], "value"] = -1.0  # a notebook changing its own rows...
        first.datasets.clear()
        assert second.obs["value"].iloc[0] == fresh["value"].iloc[0]  # ...changes no other report
        assert Report.open("c", lang="fr").obs.equals(fresh) and second.datasets == records
    finally:
        first.close()
        second.close()


def test_the_cache_follows_the_disclosure_threshold(monkeypatch):
    default = Report.open("a", lang="fr")
    monkeypatch.setenv(THRESHOLD_ENV, "20")
    stricter = Report.open("b", lang="fr")
    try:
        hidden = lambda r: int(r.obs["note"].fillna("").str.contains("suppressed").sum())  # noqa: E731
        assert hidden(stricter) > hidden(default)
    finally:
        default.close()
        stricter.close()
