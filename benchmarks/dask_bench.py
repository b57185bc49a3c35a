"""One pack rendered on a local dask cluster of N worker processes; prints a JSON line.

    .venv/bin/python benchmarks/dask_bench.py --workers 2 --out DIR [--lang fr] [--countries TUN,MAR]

Used by ``benchmarks/run.py`` (h) to report the speed-up from one worker to two: the same
reports, a fresh output folder each time, the cluster started before the clock starts (its
start-up is printed apart: a long-lived cluster pays it once). This is the recipe the README
shows, with ``LocalCluster`` in place of a remote scheduler's address.
"""

from __future__ import annotations

import argparse
import json
import time


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workers", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--lang", default="fr")
    p.add_argument("--countries", default=None)
    args = p.parse_args()

    from distributed import Client, LocalCluster

    from traffickstats.reports.pack import render_pack

    t0 = time.perf_counter()
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, host="127.0.0.1") as cluster, Client(cluster) as client:
        started = time.perf_counter() - t0
        t1 = time.perf_counter()
        res = render_pack(args.out, langs=[args.lang],
                          countries=args.countries.split(",") if args.countries else None,
                          formats="html", jobs=args.workers, executor=client.get_executor(), progress=False)
        wall = time.perf_counter() - t1
    print(json.dumps({"workers": args.workers, "reports": len(res.reports), "ok": res.ok,
                      "failed": [r["output"] for r in res.failed], "cluster_start": round(started, 2),
                      "wall": round(wall, 2)}))


if __name__ == "__main__":
    main()
