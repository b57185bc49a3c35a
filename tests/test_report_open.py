"""Report.open with the bundled data only is computed once per process (and ahead of the
kernels, in the fork server, by the briefing kit's warm-up): every report gets the same rows,
its own copy, for the disclosure threshold in force."""

from __future__ import annotations

import json

import pandas as pd

from traffickstats.briefing import Report, warm
from traffickstats.briefing.report import _bundled, _opened
from traffickstats.disclosure import THRESHOLD_ENV
from traffickstats.paths import data_dir, notebooks_dir


def test_bundled_report_data_is_computed_once_and_each_report_gets_its_own_copy():
    files = warm()
    assert files and all(f.is_file() for f in files)
    assert any(f.name == "glotip_extract.csv" and data_dir() in f.parents for f in files)
    # the package's own tables the lookups read: a change on disk stops the fork server forking
    assert {"names.csv", "country_labels.tsv", "fr.json", "ar.json", "centroids.csv"} <= {f.name for f in files}
    assert not [f for f in files if f.suffix in (".py", ".ipynb") or notebooks_dir() in f.parents]
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


def test_the_warm_up_fills_the_lookups_every_report_reads_and_they_answer_the_same(tmp_path):
    """Run in a fresh interpreter: names, regions, messages and locale data computed by the
    warm-up (as the fork server does before forking kernels) are the ones a report reads."""
    import subprocess
    import sys

    probe = (
        "import json, sys\n"
        "from traffickstats.geo import names\n"
        "from traffickstats import formatting\n"
        "from traffickstats.briefing import warm\n"
        "cold = [names.country_name('TUN', l) for l in ('fr', 'en', 'ar')] + "
        "[formatting.format_compact(20_900_000, l) for l in ('fr', 'en', 'ar')]\n"
        "names._tables.cache_clear()\n"
        "warm()\n"
        "filled = names._tables.cache_info().currsize\n"
        "hits = names._tables.cache_info().hits\n"
        "again = [names.country_name('TUN', l) for l in ('fr', 'en', 'ar')] + "
        "[formatting.format_compact(20_900_000, l) for l in ('fr', 'en', 'ar')]\n"
        "json.dump({'cold': cold, 'again': again, 'filled': filled, "
        "'built_again': names._tables.cache_info().misses - 1, 'hits': names._tables.cache_info().hits - hits}, "
        "sys.stdout)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout)
    assert got["filled"] == 1 and got["built_again"] == 0 and got["hits"] >= 3
    assert got["cold"] == got["again"] and "Tunisie" in got["cold"] and "تونس" in got["cold"]


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
