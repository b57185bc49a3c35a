"""Benchmarks of traffickstats against the plain public tools, measured in the same run.

    .venv/bin/python benchmarks/run.py [--quick] [--out benchmarks/results.md]

Every number printed is a ratio or a time measured now, on this machine, next to what it is
compared with:

(a) ``traffickstats pack --formats html`` vs the same notebooks with the same parameters run
    one by one through the ``papermill`` CLI and ``jupyter nbconvert --to html --no-input``
    (target: >= 8x faster wall time on 2 cores); the pack runs three times with warm kernels (forked
    from a fork server, the default: before, between and after the halves of the baseline) and once with
    ``TRAFFICKSTATS_KERNELS=cold`` (a kernel started from scratch per report), with the peak
    memory (PSS, shared pages counted once) of each process tree, and the latency of one
    report (``traffickstats report``, a fresh process) warm, cold and the plain way;
(b) a warm rerun with nothing changed (target: <= 1 s, issue 15);
(c) static export per chart, one kaleido server vs a cold ``fig.write_image`` per chart
    (``benchmarks/export_bench.py``; target: <= 0.25 s/chart warm);
(d) GLOTIP ``data validate`` vs a bare ``pd.read_excel(engine="calamine")`` of the same release,
    alternated in one run, both in fresh processes (imports included: what a user waits for)
    and in one warm process (target: <= 2x the bare read);
(e) a 250,000-row CTDC-shaped SYNTHETIC file (``benchmarks/make_ctdc.py``, written to a temp
    folder, never committed): load <= 2 s, peak memory <= 5x file size, vs ``pd.read_csv``;
(f) pack size (HTML + shared assets) vs the plain nbconvert HTML with plotly.js inlined
    (targets: <= 15 MB for 24 reports; a self-contained file <= 6 MB);
(g) peak resident memory (RSS, ``ru_maxrss`` of a fresh process) of ``traffickstats data
    validate FILE --mapping M --json --rejects R`` on a GENERATED 200 MB junk table
    (``benchmarks/make_junk.py``: every row rejected) and on a GENERATED 200 MB table whose
    rows are all accepted (target for both: <= 3x the file size), and of the Python API
    ``loaders.load`` returning that table (reported, no target), each against a fresh process
    that only imports traffickstats and pandas (ratios also given above that baseline);
(h) the default-format pack (``traffickstats pack``: html, png, pdf, pptx) vs the HTML-only pack
    (``--formats html``) of the same reports, each into a fresh folder, alternated in one run,
    with the peak memory (PSS) of each process tree and the machine's load average around
    them (target: <= 2x the HTML-only wall time);
(i) the HTML pack on a local ``dask.distributed`` cluster with 1 and then 2 worker processes
    (``benchmarks/dask_bench.py``, the README's recipe): the speed-up from one worker to two.

``--quick`` runs a reduced set (one country, French only, fewer charts and rows) as a smoke
test; its ratios are labelled "quick". Results go to stdout and to ``--out`` (Markdown).
Real datasets are read from ``../shared/data`` when present; a measurement whose input is
absent says so instead of printing a number.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))  # make_ctdc, make_junk, export_bench


@dataclass
class Result:
    """One measurement: what was compared, the numbers, and the target it is checked against."""

    key: str
    title: str
    lines: list[str] = field(default_factory=list)
    ok: bool | None = None  # None: no target or not measured

    def add(self, text: str) -> None:
        self.lines.append(text)
        print(f"  {text}", flush=True)


def _verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


# --- machine ----------------------------------------------------------------------------------

def machine() -> dict:
    """Cores, memory, CPU model, Python and package versions."""
    from importlib.metadata import PackageNotFoundError, version

    info = {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kb = int(next(line.split()[1] for line in meminfo.splitlines() if line.startswith("MemTotal")))
        info["memory_gb"] = round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration, ValueError):
        info["memory_gb"] = None
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                            if line.startswith("model name")), platform.processor() or "unknown")
    except OSError:
        info["cpu"] = platform.processor() or "unknown"
    for pkg in ("traffickstats", "pandas", "numpy", "plotly", "papermill", "nbconvert", "kaleido", "pandera",
                "python-calamine", "openpyxl"):
        try:
            info[pkg] = version(pkg)
        except PackageNotFoundError:
            info[pkg] = None
    return info


def _run(cmd: list[str], **kw) -> float:
    """Wall seconds of a command that must succeed."""
    return _run_measured(cmd, memory=False, **kw)[0]


def _run_measured(cmd: list[str], *, memory: bool = True, **kw) -> tuple[float, int, float]:
    """Wall seconds, peak memory (bytes) and CPU seconds of a command that must succeed.

    ``memory=False``: CPU only (peak 0). Reading a process's PSS walks its whole address
    space: over a pack with its Chromium processes one sampling pass took about 80 ms of CPU
    and 0.3 to 0.6 s (measured with 28 processes), enough to slow the pack it measures; a
    timed run whose memory is taken in a run of its own passes False.

    Memory is the largest sum, over the command's process tree sampled every 0.2 s, of each
    process's PSS (proportional set size: a page shared by n processes counts 1/n in each),
    so forked kernels sharing the fork server's pages are not counted many times over. CPU is
    user + system time of the command and every descendant it waited for (the pack joins its
    workers and fork server, which reaps its kernels), or, when larger, the sum over every
    process seen in the tree of its last sampled CPU time: Chromium's renderer processes are
    reaped by Chromium's own zygote, never by the pack, so only the sampling counts them (a
    process's last 0.2 s can be missed). On a shared machine CPU varies less than wall time.
    """
    import resource
    import threading

    import psutil

    env = {**os.environ, "TRAFFICKSTATS_NO_PROGRESS": "1", **kw.pop("env", {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **kw)
    peak, done = [0], threading.Event()
    seen_cpu: dict[tuple[int, float], float] = {}  # (pid, start time): last CPU seconds sampled

    def sample():
        while not done.wait(0.2):
            total = 0
            try:
                tree = [proc, *proc.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            for p in tree:
                try:
                    if memory:
                        total += p.memory_full_info().pss
                    t = p.cpu_times()
                    seen_cpu[(p.pid, p.create_time())] = t.user + t.system
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    pass
            peak[0] = max(peak[0], total)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = max((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), sum(seen_cpu.values()))
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd[:4]))} ... failed ({proc.returncode}): {stderr[-1500:]}")
    return wall, peak[0], cpu


def _size(paths) -> int:
    return sum(p.stat().st_size for p in paths if p.is_file())


def _mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


# --- (a) (b) (f): the pack ------------------------------------------------------------------

def measure_pack(work: Path, quick: bool) -> list[Result]:
    """Pack (warm and cold kernels) vs papermill + nbconvert one by one; one report; warm rerun; sizes."""
    from traffickstats.reports.pack import plan_reports
    from traffickstats.reports.runner import load_notebook, resolve_notebook

    langs, countries = (("fr",), ("TUN",)) if quick else (("fr", "en"), None)
    label = "quick: 4 reports (fr, TUN)" if quick else "default pack: 24 reports"
    specs = plan_reports(langs=langs, countries=countries)
    pack_dir = work / "pack"

    def pack_cmd(folder: Path, *extra: str) -> list[str]:
        return [str(BIN / "traffickstats"), "pack", "--out", str(folder), "--formats", "html",
                "--lang", ",".join(langs), *extra] + (["--countries", ",".join(countries)] if countries else [])

    cmd = pack_cmd(pack_dir)
    cold = {"TRAFFICKSTATS_KERNELS": "cold"}
    a = Result("a", f"(a) HTML pack vs papermill CLI + nbconvert CLI, one by one ({label})")
    print(a.title, flush=True)

    # the baseline: the same notebooks (converted to .ipynb beforehand, not timed), the same parameters
    import nbformat

    base = work / "baseline"
    base.mkdir()
    converted = {}
    for s in specs:
        if s.notebook not in converted:
            src = resolve_notebook(s.notebook)
            dest = base / f"{src.stem}.ipynb"
            nbformat.write(load_notebook(src), dest)
            converted[s.notebook] = (dest, src.parent)

    def plain(i: int, s, folder: Path, memory: bool = False) -> tuple[float, int, float, Path]:
        nb, cwd = converted[s.notebook]
        executed = folder / f"{i:02d}-{Path(s.output).stem}-{s.lang}.ipynb"
        args = [str(BIN / "papermill"), str(nb), str(executed), "--cwd", str(cwd), "-k", "python3",
                "--no-progress-bar"]
        for k, v in s.parameters.items():
            args += ["-p", k, str(v)]
        t1, m1, c1 = _run_measured(args, memory=memory)
        t2, m2, c2 = _run_measured([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                                   memory=memory)
        return t1 + t2, max(m1, m2), c1 + c2, executed.with_suffix(".html")

    # warm packs before, between and after the two halves of the baseline, so that a change in
    # the machine's load (it is shared) weighs on both sides alike. Timed runs read no memory
    # (see _run_measured: it would slow the side with more processes, the pack); the peaks come
    # from runs of their own, sampled and not timed.
    warm, runs, half = [], [], (len(specs) + 1) // 2
    warm.append(_run_measured(cmd, memory=False))
    t_cold, m_cold, c_cold = _run_measured(pack_cmd(work / "pack-cold"), env=cold)
    runs += [plain(i, s, base) for i, s in enumerate(specs[:half])]
    warm.append(_run_measured(pack_cmd(pack_dir, "--force"), memory=False))
    runs += [plain(i, s, base) for i, s in enumerate(specs[half:], start=half)]
    warm.append(_run_measured(pack_cmd(pack_dir, "--force"), memory=False))
    m_warm = _run_measured(pack_cmd(work / "pack-memory"))[1]
    (work / "baseline-memory").mkdir()
    m_base = max(plain(i, s, work / "baseline-memory", memory=True)[1] for i, s in enumerate(specs)
                 if i in (0, len(specs) - 1))  # the largest report (global overview) and a country brief
    t_base, c_base = sum(r[0] for r in runs), sum(r[2] for r in runs)
    html_files = [r[3] for r in runs]
    walls = [w[0] for w in warm]
    t_warm = sum(walls) / len(walls)
    c_warm = sum(w[2] for w in warm) / len(warm)
    a.add(f"traffickstats pack --formats html, warm kernels (default): {', '.join(f'{w:.1f}' for w in walls)} s wall "
          f"(before, between and after the baseline's halves), {c_warm:.1f} s CPU, peak {_mb(m_warm)} "
          f"({len(specs)} reports, {os.cpu_count()} cores, default --jobs)")
    a.add(f"the same with TRAFFICKSTATS_KERNELS=cold (a kernel started per report): {t_cold:.1f} s wall, "
          f"{c_cold:.1f} s CPU, peak {_mb(m_cold)}")
    a.add(f"papermill CLI + jupyter nbconvert --to html --no-input, one by one: {t_base:.1f} s wall, "
          f"{c_base:.1f} s CPU, peak {_mb(m_base)}")
    a.add("timed runs sample CPU only; peak memory (PSS of the process tree, sampled every 0.2 s) comes from "
          f"one more pack run and from the baseline of {Path(specs[0].output).stem} and "
          f"{Path(specs[-1].output).stem} ({specs[0].lang}, {specs[-1].lang}), not timed")
    ratio, ratio_cold = t_base / t_warm, t_base / t_cold
    a.ok = ratio >= 8
    a.add(f"ratio baseline / pack = {ratio:.1f}x faster with warm kernels (mean of the three runs; "
          f"{t_base / max(walls):.1f}x to {t_base / min(walls):.1f}x; target >= 8x: {_verdict(a.ok)}); "
          f"{ratio_cold:.1f}x with cold kernels; warm is {t_cold / t_warm:.1f}x the speed of cold")
    a.add(f"CPU per report: {c_warm / len(specs):.2f} s warm, {c_cold / len(specs):.2f} s cold, "
          f"{c_base / len(specs):.2f} s the plain way")

    # one report in a fresh process: what `traffickstats report` costs a user
    one = [str(BIN / "traffickstats"), "report", specs[-1].notebook]
    for k, v in specs[-1].parameters.items():
        one += ["-p", f"{k}={v}"]
    t_one_warm = min(_run(one + ["--out", str(work / f"one-warm{i}.html")]) for i in range(2))
    t_one_cold = min(_run(one + ["--out", str(work / f"one-cold{i}.html")], env=cold) for i in range(2))
    (work / "one-plain").mkdir()
    t_one_plain = plain(len(specs) - 1, specs[-1], work / "one-plain")[0]
    a.add(f"one report ({Path(specs[-1].output).stem}, best of 2), traffickstats report: {t_one_warm:.1f} s warm "
          f"(a fork server of its own), {t_one_cold:.1f} s cold; papermill + nbconvert: {t_one_plain:.1f} s")
    t_pack = walls[-1]

    b = Result("b", "(b) warm rerun, nothing changed (same command again)")
    print(b.title, flush=True)
    t_warm = _run(cmd)
    b.ok = t_warm <= 1
    b.add(f"{t_warm:.2f} s wall (target <= 1 s: {_verdict(b.ok)}); "
          f"first run {t_pack:.1f} s -> {t_pack / t_warm:.0f}x less")

    f = Result("f", f"(f) pack size vs plain inlined-plotly.js HTML ({label})")
    print(f.title, flush=True)
    pack_html = list(pack_dir.rglob("*.html"))
    reports_html = [p for p in pack_html if p.name != "index.html"]
    assets = list((pack_dir / "assets").rglob("*"))
    pack_bytes = _size(pack_html) + _size(assets)
    # the plain way to make a page that draws offline: plotly.js (and map data) inlined in each
    from traffickstats.reports import assets as report_assets

    plotly_js = report_assets.plotly_js_source().stat().st_size
    inlined_bytes = _size(reports_html) + len(reports_html) * plotly_js
    scale = 24 / len(specs)
    f.add(f"pack: {_mb(pack_bytes)} ({len(pack_html)} HTML incl. index = {_mb(_size(pack_html))}, "
          f"shared assets = {_mb(_size(assets))})")
    f.add(f"same reports each with plotly.js ({_mb(plotly_js)}) inlined, the plain to_html(include_plotlyjs=True) "
          f"way: {_mb(inlined_bytes)} -> pack is {inlined_bytes / pack_bytes:.1f}x smaller")
    f.add(f"(plain nbconvert HTML of the same runs: {_mb(_size(html_files))}, but it inlines no plotly.js, "
          "so its charts do not draw offline)")
    projected = _size(reports_html) * scale + _size(assets) + _size([pack_dir / "index.html"])
    ok24 = projected <= 15e6
    f.add(("projected to 24 reports: " if quick else "24 reports: ") + f"{_mb(projected)} "
          f"(target <= 15 MB: {_verdict(ok24)})")
    # one self-contained single file (plotly.js and map data inlined)
    single = work / "single.html"
    _run([str(BIN / "traffickstats"), "report", "country_brief", "-p", "country=TUN", "-p", "lang=fr",
          "--out", str(single), "--self-contained"])
    ok_single = single.stat().st_size <= 6e6
    f.add(f"self-contained country_brief TUN: {_mb(single.stat().st_size)} (target <= 6 MB: {_verdict(ok_single)})")
    f.ok = ok24 and ok_single
    return [a, b, f]


# --- (h) default formats vs HTML only ---------------------------------------------------------

def measure_formats(work: Path, quick: bool) -> Result:
    """The default-format pack vs the HTML-only pack of the same reports, fresh folders, alternated."""
    langs, countries = (("fr",), ("TUN",)) if quick else (("fr", "en"), None)
    label = "quick: 4 reports (fr, TUN)" if quick else "default pack: 24 reports"
    r = Result("h", f"(h) default-format pack (html, png, pdf, pptx) vs HTML-only pack ({label})")
    print(r.title, flush=True)

    def cmd(folder: Path, *formats: str) -> list[str]:
        return ([str(BIN / "traffickstats"), "pack", "--out", str(folder), "--lang", ",".join(langs)]
                + (["--countries", ",".join(countries)] if countries else []) + list(formats))

    html, full, loads = [], [], [os.getloadavg()[0]]
    for i in range(2):  # alternated, twice: the default pack moves by several seconds from run to run
        # timed without reading memory (see _run_measured), which weighs on the pack with
        # Chromium's processes far more than on the HTML-only one
        html.append(_run_measured(cmd(work / f"html-{i}", "--formats", "html"), memory=False))
        full.append(_run_measured(cmd(work / f"full-{i}"), memory=False))
        loads.append(os.getloadavg()[0])
    # peak memory: one more run of each, sampled (not timed)
    mem_html = _run_measured(cmd(work / "html-memory", "--formats", "html"))[1]
    mem_full = _run_measured(cmd(work / "full-memory"))[1]
    pack = work / f"full-{len(full) - 1}"
    made = {ext: len(list(pack.rglob(f"*.{ext}"))) for ext in ("png", "pdf", "pptx")}
    t_html, t_full = (sum(x[0] for x in runs) / len(runs) for runs in (html, full))
    ratio = t_full / t_html
    r.ok = ratio <= 2
    r.add(f"traffickstats pack --formats html: {', '.join(f'{x[0]:.1f}' for x in html)} s wall, "
          f"{sum(x[2] for x in html) / len(html):.1f} s CPU, peak {_mb(mem_html)}")
    r.add(f"traffickstats pack (default formats html,png,pdf,pptx): {', '.join(f'{x[0]:.1f}' for x in full)} s wall, "
          f"{sum(x[2] for x in full) / len(full):.1f} s CPU, peak {_mb(mem_full)}; wrote "
          f"{made['png']} PNG, {made['pdf']} PDF, {made['pptx']} decks")
    r.add("timed runs sample CPU only; the peak memory (PSS of the process tree) comes from one more "
          "run of each, sampled every 0.2 s and not timed")
    r.add(f"ratio default / HTML only = {ratio:.2f}x (target <= 2x: {_verdict(r.ok)}); 1-minute load average "
          f"{', '.join(f'{x:.1f}' for x in loads)} (before and after each pair; {os.cpu_count()} cores)")
    return r


# --- (c) export ---------------------------------------------------------------------------

def measure_export(quick: bool) -> Result:
    r = Result("c", "(c) static PNG export per chart: one kaleido server (warm) vs fig.write_image per chart (cold)")
    print(r.title, flush=True)
    try:
        from export_bench import bench_export
    except ImportError as exc:
        r.add(f"not measured: benchmarks/export_bench.py cannot be imported ({exc})")
        return r
    n, cold_n = (5, 2) if quick else (20, 5)
    try:
        res = bench_export(n, cold_n=cold_n)
    except Exception as exc:  # noqa: BLE001 - say why, keep the other measurements
        r.add(f"not measured: {type(exc).__name__}: {exc}")
        return r
    r.ok = res["warm_per_chart"] <= 0.25
    r.add(f"warm: {res['warm_per_chart']:.3f} s/chart over {res['n']} charts (+ {res['warm_startup']:.1f} s "
          f"server start once; target <= 0.25 s/chart: {_verdict(r.ok)})")
    r.add(f"cold: {res['cold_per_chart']:.2f} s/chart over {res['cold_n']} charts -> warm is "
          f"{res['cold_per_chart'] / res['warm_per_chart']:.0f}x faster per chart")
    return r


# --- (d) GLOTIP ---------------------------------------------------------------------------

_GLOTIP_WARM = """
import statistics, sys, time
import pandas as pd
from traffickstats.loaders import load
path, n = sys.argv[1], int(sys.argv[2])
r = load(path)  # warm-up: imports, schema and name tables are built once per process
bare, ours = [], []
for _ in range(n):  # alternated, so a noisy neighbour slows both
    t = time.perf_counter(); pd.read_excel(path, engine="calamine", header=None); bare.append(time.perf_counter() - t)
    t = time.perf_counter(); r = load(path); ours.append(time.perf_counter() - t)
print(statistics.median(bare), statistics.median(ours), r.rows_read, r.accepted, r.rejected)
"""


def measure_glotip(path: Path | None, runs: int = 5) -> Result:
    import statistics

    r = Result("d", "(d) GLOTIP xlsx: `traffickstats data validate` vs bare pd.read_excel(engine='calamine')")
    print(r.title, flush=True)
    if path is None or not path.is_file():
        r.add("not measured: ../shared/data/unodc_glotip/data_glotip_2023-05-30.xlsx is absent")
        return r

    def timed(cmd):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        return time.perf_counter() - t

    bare_cmd = [sys.executable, "-c", "import sys, pandas as pd; "
                "pd.read_excel(sys.argv[1], engine='calamine', header=None)", str(path)]
    ours_cmd = [str(BIN / "traffickstats"), "data", "validate", str(path), "--json"]
    bare, ours = [], []
    for _ in range(runs):  # alternated in one run: the machine's noise hits both
        bare.append(timed(bare_cmd))
        ours.append(timed(ours_cmd))
    t_bare, t_ours = statistics.median(bare), statistics.median(ours)
    out = subprocess.run([sys.executable, "-c", _GLOTIP_WARM, str(path), str(runs)], capture_output=True,
                         text=True, check=True).stdout.split()
    w_bare, w_ours = float(out[0]), float(out[1])
    r.ok = t_ours <= 2 * t_bare and w_ours <= 2 * w_bare
    r.add(f"fresh processes, median of {runs}: `traffickstats data validate --json` {t_ours:.2f} s vs bare "
          f"read {t_bare:.2f} s -> {t_ours / t_bare:.2f}x (target <= 2x)")
    r.add(f"one warm process, median of {runs}: `loaders.load` {w_ours:.2f} s ({out[2]} rows read, {out[3]} "
          f"accepted, {out[4]} rejected, schema-validated) vs bare read {w_bare:.2f} s -> "
          f"{w_ours / w_bare:.2f}x (target <= 2x): {_verdict(r.ok)}")
    return r


# --- (e) CTDC -----------------------------------------------------------------------------

_CTDC_CODE = """
import sys, time, tracemalloc
which, path, excerpt, trace = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
if which == "traffickstats":
    from traffickstats.loaders.ctdc import load_ctdc as read
else:
    import pandas as pd
    read = lambda p: pd.read_csv(p, skiprows=1)
read(excerpt)  # warm-up on the small real excerpt: lazy imports and schemas are not the load
if trace:  # peak memory in its own run: tracing slows the code it traces
    tracemalloc.start()
t0 = time.perf_counter()
r = read(path)
wall = time.perf_counter() - t0
peak = tracemalloc.get_traced_memory()[1] if trace else 0
rows = getattr(r, "rows_read", None) or len(r)
print(wall, peak, rows, getattr(r, "accepted", rows))
"""


def measure_ctdc(work: Path, n_rows: int = 250_000) -> Result:
    """Load time and peak (tracemalloc) memory of load_ctdc vs pd.read_csv, each in a fresh process."""
    r = Result("e", f"(e) CTDC-shaped SYNTHETIC file, {n_rows:,} rows: load_ctdc vs plain pd.read_csv")
    print(r.title, flush=True)
    try:
        from make_ctdc import EXCERPT, make_ctdc
    except ImportError as exc:
        r.add(f"not measured: benchmarks/make_ctdc.py cannot be imported ({exc})")
        return r
    if not Path(EXCERPT).is_file():
        r.add(f"not measured: the CTDC excerpt the generator samples from is absent ({EXCERPT})")
        return r
    path = make_ctdc(work / "ctdc_SYNTHETIC_benchmark.csv", n_rows)
    size = path.stat().st_size

    def once(which, trace):
        out = subprocess.run([sys.executable, "-c", _CTDC_CODE, which, str(path), str(EXCERPT), str(int(trace))],
                             capture_output=True, text=True, check=True)
        wall, peak, rows, accepted = out.stdout.split()
        return float(wall), int(peak), int(rows), int(accepted)

    wall, _, rows, accepted = once("traffickstats", False)
    peak = once("traffickstats", True)[1]
    p_wall = once("pandas", False)[0]
    p_peak = once("pandas", True)[1]
    time_ok, mem_ok = wall <= 2, peak <= 5 * size
    r.ok = time_ok and mem_ok
    r.add(f"file: {_mb(size)}, {rows:,} rows read, {accepted:,} accepted (synthetic, temp folder)")
    r.add(f"load_ctdc: {wall:.2f} s (target <= 2 s: {_verdict(time_ok)}); peak traced memory {_mb(peak)} = "
          f"{peak / size:.1f}x file size (target <= 5x: {_verdict(mem_ok)})")
    r.add(f"pd.read_csv (no normalisation, no validation): {p_wall:.2f} s, peak {_mb(p_peak)} "
          f"= {p_peak / size:.1f}x file size -> load_ctdc takes {wall / p_wall:.1f}x the time of a bare read")
    return r


_RSS_CODE = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t
if proc.returncode:
    sys.exit(proc.stderr)
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Linux: kilobytes
print(json.dumps({"wall": wall, "peak": peak_kb * 1024, "summary": json.loads(proc.stdout)}))
"""


def _peak_rss(cmd: list[str]) -> dict:
    """Wall time, peak RSS (bytes) and JSON output of ``cmd``, run as the only child of a fresh
    process (so no earlier child's peak is counted)."""
    out = subprocess.run([sys.executable, "-c", _RSS_CODE, *cmd], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


_BASELINE_CODE = "import json, pandas, traffickstats; print(json.dumps({}))"
#: the Python API that returns the observation table (no CLI command does), its table written out
_LOAD_CODE = r"""
import json, sys
from traffickstats.loaders import load
res = load(sys.argv[1], mapping=sys.argv[2])
res.observations.to_csv(sys.argv[3], index=False)
print(json.dumps(res.summary(), default=str))
"""


def measure_junk(work: Path, mb: float = 200, rows_mb: float = 200) -> Result:
    """(g) peak RSS of ``data validate`` on a generated junk table (all rejected) and on a table
    of valid rows (all accepted), and of ``loaders.load`` returning that table, each in a fresh
    process, against a fresh process that only imports traffickstats and pandas."""
    r = Result("g", f"(g) user CSV + mapping, GENERATED {mb:g} MB junk table and {rows_mb:g} MB of valid rows: "
                    "peak memory (target <= 3x the file)")
    print(r.title, flush=True)
    from make_junk import make_junk, make_rows, write_mapping

    base = _peak_rss([sys.executable, "-c", _BASELINE_CODE])["peak"]
    r.add(f"baseline: a fresh process importing traffickstats and pandas peaks at {_mb(base)}; "
          "'above baseline' below is (peak - baseline) / file size")

    def line(what: str, got: dict, size: int, target: bool = True) -> bool:
        ratio, above = got["peak"] / size, (got["peak"] - base) / size
        ok = ratio <= 3
        verdict = f"target <= 3x: {_verdict(ok)}" if target else ("within 3x" if ok else "above 3x")
        r.add(f"{what}: peak RSS {_mb(got['peak'])} = {ratio:.2f}x file size, {above:.2f}x above baseline "
              f"({verdict}), {got['wall']:.1f} s")
        return ok

    mapping = write_mapping(work / "generated_junk.yaml")
    junk = make_junk(work / "generated_junk.csv", int(mb * 1e6))
    size = junk.stat().st_size
    exe = str(BIN / "traffickstats")
    rejects = work / "generated_junk_rejects.csv"
    got = _peak_rss([exe, "data", "validate", str(junk), "--mapping", str(mapping), "--json", "--rejects", str(rejects)])
    s = got["summary"]
    r.add(f"junk file: {_mb(size)}, {s['rows_read']:,} rows read, {s['rejected']:,} rejected, "
          f"{len(s['rejects_by_reason'])} distinct reasons; rejects file {_mb(rejects.stat().st_size)}")
    ok = line("junk, `data validate --rejects`", got, size)
    rejects.unlink()
    junk.unlink()

    rows = make_rows(work / "generated_rows.csv", int(rows_mb * 1e6))
    size = rows.stat().st_size
    mapping = write_mapping(work / "generated_rows.yaml", rows=True)
    got = _peak_rss([exe, "data", "validate", str(rows), "--mapping", str(mapping), "--json"])
    s = got["summary"]
    r.add(f"valid rows: {_mb(size)}, {s['rows_read']:,} rows read, {s['accepted']:,} accepted "
          f"({size / max(s['rows_read'], 1):.0f} bytes a row in the file, 25 columns a row in the table)")
    ok = line("valid rows, `data validate` (checked in chunks, no table kept)", got, size) and ok
    table = work / "generated_rows_table.csv"
    got = _peak_rss([sys.executable, "-c", _LOAD_CODE, str(rows), str(mapping), str(table)])
    line("valid rows, `traffickstats.loaders.load` returning the table (no CLI command does; written to a "
         "temporary CSV; the 3x target is for `data validate`)", got, size, target=False)
    r.add(f"  the table costs {(got['peak'] - base) / max(got['summary']['accepted'], 1):,.0f} bytes per accepted "
          "row above baseline, text columns held as categoricals")
    table.unlink()
    rows.unlink()
    r.ok = ok
    return r


# --- (i) dask: one worker, then two -----------------------------------------------------------

def measure_dask(work: Path, quick: bool) -> Result:
    """(i) the same HTML pack on a local dask cluster of 1, then 2 worker processes
    (``benchmarks/dask_bench.py``: a fresh process and output folder each; the pack's own wall
    time, the cluster's start-up apart)."""
    r = Result("i", "(i) HTML pack on a local dask cluster (worker processes): 1 worker vs 2")
    print(r.title, flush=True)
    try:
        import distributed  # noqa: F401
    except ImportError:
        r.add("not measured: dask[distributed] is not installed (pip install '.[dask]')")
        return r
    countries = "TUN" if quick else "TUN,MAR,DZA,EGY,LBN,FRA"
    got = {}
    for n in (1, 2):
        proc = subprocess.run([sys.executable, str(HERE / "dask_bench.py"), "--workers", str(n),
                               "--out", str(work / f"dask-{n}"), "--lang", "fr", "--countries", countries],
                              capture_output=True, text=True, env={**os.environ, "TRAFFICKSTATS_NO_PROGRESS": "1"})
        if proc.returncode != 0:
            raise RuntimeError(f"dask_bench.py --workers {n} failed: {proc.stderr[-1500:]}")
        got[n] = json.loads(proc.stdout.strip().splitlines()[-1])
        if not got[n]["ok"]:
            raise RuntimeError(f"dask pack with {n} worker(s): failed reports {got[n]['failed']}")
        r.add(f"{n} worker{'s' if n > 1 else ''}: {got[n]['reports']} reports in {got[n]['wall']:.1f} s "
              f"(cluster start {got[n]['cluster_start']:.1f} s, not counted)")
    r.add(f"speed-up from 1 to 2 workers: {got[1]['wall'] / got[2]['wall']:.2f}x on {os.cpu_count()} cores "
          "(no target: two workers on two cores share them with the kernels they run)")
    return r


# --- report ---------------------------------------------------------------------------------

def render_markdown(info: dict, results: list[Result], quick: bool, seconds: float) -> str:
    lines = ["# Benchmark results", "",
             f"Measured by `benchmarks/run.py{' --quick' if quick else ''}` in {seconds:.0f} s; every ratio below "
             "compares two timings taken in the same run on this machine.", "",
             "| machine | |", "|---|---|"]
    for k, v in info.items():
        lines.append(f"| {k} | {v} |")
    for r in results:
        status = "" if r.ok is None else (" — meets targets" if r.ok else " — MISSES a target")
        lines += ["", f"## {r.title}{status}", ""] + [f"- {line}" for line in r.lines]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="reduced set for a smoke test")
    p.add_argument("--out", default=str(HERE / "results.md"), help="Markdown results file")
    p.add_argument("--only", default="abcdefghi", help="subset of measurements, e.g. 'de'")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    info = machine()
    print("machine: " + json.dumps(info), flush=True)
    shared = REPO.parent / "shared" / "data"
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="traffickstats-bench-") as tmp:
        work = Path(tmp)
        if set("abf") & set(args.only):
            (work / "pack-bench").mkdir()
            results += measure_pack(work / "pack-bench", args.quick)
        if "c" in args.only:
            results.append(measure_export(args.quick))
        if "d" in args.only:
            results.append(measure_glotip(shared / "unodc_glotip" / "data_glotip_2023-05-30.xlsx"))
        if "e" in args.only:
            results.append(measure_ctdc(work, 25_000 if args.quick else 250_000))
        if "g" in args.only:
            results.append(measure_junk(work, 20 if args.quick else 200, 10 if args.quick else 200))
        if "h" in args.only:
            (work / "formats-bench").mkdir()
            results.append(measure_formats(work / "formats-bench", args.quick))
        if "i" in args.only:
            results.append(measure_dask(work, args.quick))
    results.sort(key=lambda r: r.key)
    md = render_markdown(info, results, args.quick, time.perf_counter() - t0)
    Path(args.out).write_text(md, encoding="utf-8")
    print(f"\nresults written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
