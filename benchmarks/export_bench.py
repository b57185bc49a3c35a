"""Static export: one persistent Chromium (warm) against a browser per image (cold).

``bench_export(n)`` renders ``n`` briefing charts built from the bundled reference data
(headline, ranked bars, stacked shares, time series, side by side; fr / en / ar in turn)
as 1920x1080 PNG twice:

- **warm**: ``traffickstats.charts.export.export_figures`` - one kaleido sync server, one
  Chromium for all images (the server start is reported separately);
- **cold**: ``fig.write_image`` per chart with no server running, so plotly/kaleido start a
  fresh Chromium for every image (kaleido's default page: it also tries to load MathJax
  from a CDN, which fails at once offline).

Both use the system Chromium (``BROWSER_PATH`` is set to it for the cold run if unset).
Returns seconds per chart; ``benchmarks/run.py`` prints them.

    python benchmarks/export_bench.py [n]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def _charts(n: int) -> list[tuple[str, object]]:
    from traffickstats import charts
    from traffickstats.reference import observations

    obs = observations()

    def facts(*ids, **eq):
        out = obs[obs["fact_id"].isin(ids)]
        for col, v in eq.items():
            out = out[out[col] == v]
        return out

    makers = [
        ("headline", lambda lang: charts.headline(facts("ILO12-01"), lang)),
        ("regions", lambda lang: charts.ranked_bar(facts(*[f"ILO12-{i}" for i in range(20, 26)]), lang)),
        ("shares", lambda lang: charts.stacked_shares(facts("ILO12-10", "ILO12-11", "ILO12-12",
                                                            measure="share"), lang)),
        ("tunisia", lambda lang: charts.time_series(facts("TUN-01"), lang)),
        ("compare", lambda lang: charts.side_by_side(facts("ILO12-01", "TUN-05"), lang)),
    ]
    langs = ("fr", "en", "ar")
    out = []
    for i in range(n):
        kind, make = makers[i % len(makers)]
        lang = langs[(i // len(makers)) % len(langs)]
        out.append((f"{i:02d}-{kind}-{lang}", make(lang)))
    return out


def bench_export(n: int = 20, cold_n: int | None = None) -> dict:
    """Seconds per chart, warm (one server) vs cold (a browser per ``fig.write_image``).

    ``cold_n``: how many charts to time cold (default ``n``; each costs a browser start).
    Returns ``{"n", "cold_n", "warm_per_chart", "cold_per_chart", "warm_startup", "speedup",
    "warm_seconds", "cold_seconds"}``.
    """
    import kaleido

    from traffickstats.charts.export import SIZES, Exporter, export_figures, find_chromium

    cold_n = n if cold_n is None else min(cold_n, n)
    figs = _charts(n)
    with tempfile.TemporaryDirectory(prefix="traffickstats-export-bench-") as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        with Exporter() as ex:
            startup = time.perf_counter() - t0
            export_figures(figs, tmp / "warm", formats=["png"], sizes=SIZES[:1], exporter=ex)
            warm = [s for _p, s in ex.timings]

        if kaleido._global_server.is_running():  # noqa: SLF001 - cold must not reuse a server
            raise RuntimeError("a kaleido sync server is running: the cold timing would be warm")
        old = os.environ.get("BROWSER_PATH")
        os.environ["BROWSER_PATH"] = old or find_chromium()
        cold = []
        try:
            (tmp / "cold").mkdir()
            for name, fig in figs[:cold_n]:
                t = time.perf_counter()
                fig.write_image(tmp / "cold" / f"{name}.png", width=1920, height=1080, scale=1)
                cold.append(time.perf_counter() - t)
        finally:
            if old is None:
                os.environ.pop("BROWSER_PATH", None)
    warm_pc = sum(warm) / len(warm) if warm else float("nan")
    cold_pc = sum(cold) / len(cold) if cold else float("nan")
    return {"n": n, "cold_n": cold_n, "warm_per_chart": warm_pc, "cold_per_chart": cold_pc,
            "warm_startup": startup, "speedup": cold_pc / warm_pc if warm else float("nan"),
            "warm_seconds": warm, "cold_seconds": cold}


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    r = bench_export(n)
    print(f"warm: {r['warm_per_chart']:.3f} s/chart over {r['n']} charts (+ {r['warm_startup']:.1f} s server start)")
    print(f"cold: {r['cold_per_chart']:.3f} s/chart over {r['cold_n']} charts (a browser each)")
    print(f"speed-up: x{r['speedup']:.1f}")
