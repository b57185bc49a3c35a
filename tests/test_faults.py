"""Fault injection: an interrupted or crashing pack never costs yesterday's good reports.

``traffickstats pack --countries TUN,MAR --lang fr --formats html`` runs in a subprocess (its
own process group, like a terminal job). After a first complete run, ``--force`` reruns are
interrupted: SIGTERM to the whole process group, SIGKILL of one Jupyter kernel, SIGKILL of
one pool worker (while kernels run, every worker has a report in flight). Each time every report must be either the earlier file, byte for byte, or a
complete new page; no temporary file may stand in place of a report; the manifest must parse;
and a plain rerun must complete. A fixture notebook whose kernel kills itself
(``tests/notebooks/fault_kernel_dies.py``) must fail alone.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil  # installed with ipykernel
import pytest

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
EXE = str(Path(sys.executable).with_name("traffickstats"))
PACK_ARGS = ["--countries", "TUN,MAR", "--lang", "fr", "--formats", "html", "--jobs", "2"]
REPORTS = ["fr/global_overview.html", "fr/mediterranean_brief.html", "fr/flows.html",
           "fr/country_brief-TUN.html", "fr/country_brief-MAR.html"]


def run_pack(out: Path, *extra: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "TRAFFICKSTATS_NO_PROGRESS": "1"}
    return subprocess.run([EXE, "pack", "--out", str(out), *PACK_ARGS, *extra], capture_output=True,
                          text=True, timeout=timeout, env=env)


def start_pack(out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "TRAFFICKSTATS_NO_PROGRESS": "1"}
    return subprocess.Popen([EXE, "pack", "--out", str(out), *PACK_ARGS, *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)


def snapshot(out: Path) -> dict[str, bytes]:
    return {r: (out / r).read_bytes() for r in REPORTS}


def complete_page(data: bytes) -> bool:
    text = data.decode("utf-8")
    return text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>") and 'class="ts-footer"' in text


def check_intact(out: Path, before: dict[str, bytes]) -> dict[str, str]:
    """Every report is the earlier file or a complete new page; returns which was which."""
    state = {}
    for rel, old in before.items():
        path = out / rel
        assert path.is_file(), f"{rel} vanished"
        new = path.read_bytes()
        if new == old:
            state[rel] = "old"
        else:
            assert complete_page(new), f"{rel} is a partial page ({len(new)} bytes)"
            state[rel] = "new"
    # temporary names never replace a report (atomic writes leave *.tmp only while writing)
    assert not list(out.rglob("*.tmp")), list(out.rglob("*.tmp"))
    json.loads((out / "manifest.json").read_text(encoding="utf-8"))  # still parseable
    return state


def wait_for(predicate, timeout: float, what: str, proc: subprocess.Popen | None = None):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the pack ended before {what}: {proc.stderr.read()[-2000:]}")
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def descendants(proc: subprocess.Popen, marker: str) -> list[psutil.Process]:
    """Processes under the pack whose command line or name has ``marker``: kernels forked by the
    fork server keep its command line and are named ``ipykernel``."""
    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for k in kids:
        try:
            if marker in " ".join(k.cmdline()) or k.name() == marker:
                found.append(k)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def reap(proc: subprocess.Popen) -> None:
    """Leave no process of ours behind (only the pack's own group, by its id)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=60)


@pytest.fixture(scope="module")
def good_pack(tmp_path_factory):
    """A first, complete run: the 'yesterday's reports' every fault must spare."""
    out = tmp_path_factory.mktemp("faults") / "pack"
    res = run_pack(out)
    assert res.returncode == 0, res.stderr[-3000:]
    return out


def test_sigterm_mid_rerun_keeps_good_reports_and_a_rerun_completes(good_pack, tmp_path):
    out = tmp_path / "pack"
    import shutil

    shutil.copytree(good_pack, out)
    before = snapshot(out)
    manifest_before = (out / "manifest.json").read_bytes()
    proc = start_pack(out, "--force")
    try:
        # interrupt once the rerun has replaced at least one report, with others in flight
        wait_for(lambda: (out / "manifest.json").read_bytes() != manifest_before, 300, "a first report", proc)
        wait_for(lambda: descendants(proc, "ipykernel"), 60, "a kernel in flight", proc)
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        reap(proc)
    time.sleep(0.5)  # kernels of the group exit on SIGTERM too
    state = check_intact(out, before)
    assert "new" in state.values(), state  # the interruption really came mid-way...
    assert "old" in state.values(), state  # ...with reports still to do
    rerun = run_pack(out)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(r["output"] for r in manifest["reports"]) == sorted(REPORTS)
    assert all(r["status"] == "ok" for r in manifest["reports"])
    check_intact(out, snapshot(out))


def test_killed_kernel_fails_its_report_only(good_pack, tmp_path):
    import shutil

    out = tmp_path / "pack"
    shutil.copytree(good_pack, out)
    before = snapshot(out)
    proc = start_pack(out, "--force")
    try:
        [kernel, *_] = wait_for(lambda: descendants(proc, "ipykernel"), 300, "a kernel", proc)
        kernel.send_signal(signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=600)
    finally:
        reap(proc)
    assert proc.returncode == 1, stderr[-3000:]  # one report failed, the pack said so
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    failed = [r for r in manifest["reports"] if r["status"] != "ok"]
    assert len(failed) == 1, failed
    assert "kernel" in (failed[0]["error"] or "").lower(), failed[0]["error"]
    assert "FAILED" in stderr and failed[0]["output"] in stderr
    state = check_intact(out, before)
    assert state[failed[0]["output"]] == "old"  # its earlier page is untouched
    assert sum(v == "new" for v in state.values()) == len(REPORTS) - 1


def test_killed_pool_worker_spares_good_reports_and_a_rerun_completes(good_pack, tmp_path):
    import shutil

    out = tmp_path / "pack"
    shutil.copytree(good_pack, out)
    before = snapshot(out)
    proc = start_pack(out, "--force")
    try:
        wait_for(lambda: descendants(proc, "ipykernel"), 300, "a kernel (workers are busy)", proc)
        # a pool worker, not the resource tracker nor the fork server (a kernel's parent)
        [worker, *_] = descendants(proc, "spawn_main")
        worker.send_signal(signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=600)
    finally:
        reap(proc)
    time.sleep(0.5)
    assert proc.returncode == 1, (stdout, stderr[-3000:])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    crashed = [r for r in manifest["reports"] if r["status"] != "ok"]
    assert crashed and all("worker crashed" in r["error"] for r in crashed), crashed
    state = check_intact(out, before)
    for r in crashed:
        assert state[r["output"]] == "old", r["output"]
    rerun = run_pack(out)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert all(r["status"] == "ok" for r in json.loads((out / "manifest.json").read_text())["reports"])


def test_kernel_that_kills_itself_fails_alone(tmp_path):
    from traffickstats.reports.pack import ReportSpec, render_pack

    slow = str(HERE / "notebooks" / "fault_slow.py")
    dies = str(HERE / "notebooks" / "fault_kernel_dies.py")
    specs = [ReportSpec(slow, {"lang": "fr", "name": "avant"}, "fr/before.html", "avant"),
             ReportSpec(dies, {"lang": "fr"}, "fr/dies.html", "dies"),
             ReportSpec(slow, {"lang": "en", "name": "after"}, "en/after.html", "after")]
    res = render_pack(tmp_path, reports=specs, formats="html", jobs=2, progress=False)
    by = {r["output"]: r for r in res.reports}
    assert by["fr/before.html"]["status"] == "ok" and by["en/after.html"]["status"] == "ok"
    dead = by["fr/dies.html"]
    assert dead["status"] == "failed" and "kernel" in dead["error"].lower(), dead["error"]
    assert not (tmp_path / "fr" / "dies.html").exists()
    assert complete_page((tmp_path / "fr" / "before.html").read_bytes())
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'class="card failed"' in index and "fr/dies.html" not in index.split("card failed", 1)[0][-200:]
    assert not list(tmp_path.rglob("*.tmp"))
