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


# --- the disk and the folder: read-only, full, no permission ---------------------------------

BIG = str(HERE / "notebooks" / "fault_big.py")
HELLO = str(HERE / "notebooks" / "hello.py")
SLOW = str(HERE / "notebooks" / "fault_slow.py")


def write_plan(path: Path, *reports: str) -> Path:
    path.write_text("languages: [fr]\nreports:\n" + "".join(reports), encoding="utf-8")
    return path


def one_line_errors(stderr: str) -> list[str]:
    """Every line the command printed on stderr is one of its own one-line messages."""
    lines = stderr.splitlines()
    assert "Traceback" not in stderr and lines, stderr[-3000:]
    assert all(line.startswith("traffickstats: ") for line in lines), stderr[-3000:]
    return lines


def cli(*args: str, as_nobody: bool = False, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "TRAFFICKSTATS_NO_PROGRESS": "1"}
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if as_nobody else []
    return subprocess.run([*prefix, EXE, *args], capture_output=True, text=True, timeout=timeout, env=env, cwd="/")


@pytest.fixture
def tmpfs(tmp_path):
    """Mount small tmpfs file systems (a real full or read-only disk); skipped, with the
    reason, where the tests cannot mount (not root, or no CAP_SYS_ADMIN in a container)."""
    mounted = []

    def mount(name: str, size: str) -> Path:
        if os.geteuid() != 0:
            pytest.skip("mounting a tmpfs needs root: the full-disk and read-only-disk tests run as root "
                        "(CI runs as root)")
        point = tmp_path / name
        point.mkdir()
        res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(point)],
                             capture_output=True, text=True)
        if res.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({res.stderr.strip()}): the container lacks CAP_SYS_ADMIN")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` up, then give back ``leave`` bytes: what a disk filled by other jobs looks like."""
    filler = disk / "filler"
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError as exc:
            assert exc.errno == 28, exc  # ENOSPC
        size = f.tell()
    os.truncate(filler, max(0, size - leave))


def no_partial_files(out: Path) -> None:
    hidden = [p for p in out.rglob(".*")]
    assert hidden == [], hidden  # temporary names (files and run folders) all removed
    for p in out.rglob("*.failed.ipynb"):  # a kept notebook is whole, never 0 bytes or cut
        json.loads(p.read_text(encoding="utf-8"))


def test_full_disk_fails_the_reports_that_do_not_fit_and_says_so(tmpfs):
    disk = tmpfs("disk", "16m")  # the shared assets (4.8 MB) and a first pack fit
    out = disk / "pack"
    plan = write_plan(disk / "plan.yaml",
                      f"  - notebook: {HELLO}\n",
                      f"  - notebook: {BIG}\n    parameters: {{kib: 256}}\n    each: {{name: [a, b]}}\n")
    first = cli("pack", "--plan", str(plan), "--out", str(out), "--formats", "html", "--jobs", "1")
    assert first.returncode == 0, first.stderr[-3000:]
    big = {p: p.read_bytes() for p in (out / "fr").glob("fault_big-*")}
    assert len(big) == 4  # two pages and their executed notebooks, ~800 KB a report
    fill(disk, 300 * 1024)  # room for the small report and the manifest, not for a big one

    res = cli("pack", "--plan", str(plan), "--out", str(out), "--formats", "html", "--jobs", "1", "--force")
    assert res.returncode == 1
    lines = one_line_errors(res.stderr)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    status = {r["output"]: r for r in manifest["reports"]}
    assert status["fr/hello.html"]["status"] == "ok"
    for name in ("fr/fault_big-a.html", "fr/fault_big-b.html"):
        assert status[name]["status"] == "failed"
        assert "no space left on the disk" in status[name]["error"] and str(out / "fr") in status[name]["error"]
        assert any(line.startswith(f"traffickstats: FAILED {name}: ") for line in lines)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('class="card failed"') == 2 and "no space left on the disk" in index
    assert {p: p.read_bytes() for p in big} == big  # yesterday's pages and notebooks, byte for byte
    no_partial_files(out)

    # a first pack on a full disk: the shared assets do not fit; one line, nothing half-written
    res = cli("pack", "--plan", str(plan), "--out", str(disk / "new"), "--formats", "html")
    assert res.returncode == 1
    [line] = one_line_errors(res.stderr)
    assert line.startswith(f"traffickstats: error: {disk / 'new' / 'assets'}") and "no space left on the disk" in line
    assert [p for p in (disk / "new").rglob("*") if p.is_file()] == []


def test_read_only_output_folder(tmpfs, tmp_path):
    disk = tmpfs("ro", "16m")
    out = disk / "pack"
    plan = write_plan(tmp_path / "plan.yaml", f"  - notebook: {HELLO}\n")
    assert cli("pack", "--plan", str(plan), "--out", str(out), "--formats", "html").returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert subprocess.run(["mount", "-o", "remount,ro", str(disk)]).returncode == 0
    for target, named in ((out, out), (disk / "other", disk / "other")):  # a pack to redo, a new one
        res = cli("pack", "--plan", str(plan), "--out", str(target), "--formats", "html", "--force")
        assert res.returncode == 1
        [line] = one_line_errors(res.stderr)
        assert line.startswith(f"traffickstats: error: {named}: ") and "read-only" in line, line
    res = cli("report", HELLO, "--out", str(out / "fr" / "again.html"))
    [line] = one_line_errors(res.stderr)
    assert res.returncode == 1 and line == f"traffickstats: error: {out / 'fr'}: cannot write in this folder: " \
                                           "the file system is read-only"
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_no_permission_on_the_output_folder():
    import shutil
    import tempfile

    as_nobody = os.geteuid() == 0  # root writes anywhere: run the command as nobody
    if as_nobody:
        probe = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", EXE, "--version"],
                               capture_output=True, text=True) if shutil.which("setpriv") else None
        if probe is None or probe.returncode != 0:
            pytest.skip("running as root, and the package cannot run as user nobody here (setpriv from "
                        f"util-linux: {probe.stderr.strip()[-200:] if probe else 'not installed'})")
    base = Path(tempfile.mkdtemp(prefix="ts-perm-"))  # in /tmp, open to nobody (pytest's folder is not)
    try:
        base.chmod(0o755)
        locked = base / "locked"
        locked.mkdir(mode=0o555)
        locked.chmod(0o555)
        plan = write_plan(base / "plan.yaml", f"  - notebook: {HELLO}\n")
        plan.chmod(0o644)
        res = cli("pack", "--plan", str(plan), "--out", str(locked / "pack"), "--formats", "html", as_nobody=as_nobody)
        assert res.returncode == 1
        [line] = one_line_errors(res.stderr)
        assert line == f"traffickstats: error: {locked / 'pack'}: cannot create the folder: permission denied"
        assert list(locked.iterdir()) == []
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --- Ctrl-C -----------------------------------------------------------------------------------

def test_ctrl_c_stops_the_pack_keeps_earlier_reports_and_leaves_no_process(tmp_path):
    """SIGINT to the pack's process group, as a terminal sends it: the pack stops (the wait is
    bounded by a timeout, not timed), says so in one line, keeps yesterday's pages, writes its
    manifest and index, and leaves no worker, fork server or kernel behind."""
    import uuid

    out = tmp_path / "pack"
    reports = [f"  - notebook: {HELLO}\n    each: {{name: [one, two]}}\n",
               f"  - notebook: {SLOW}\n    parameters: {{seconds: SECONDS}}\n    each: {{name: [a, b, c]}}\n"]
    fast = write_plan(tmp_path / "fast.yaml", *(r.replace("SECONDS", "0") for r in reports))
    res = cli("pack", "--plan", str(fast), "--out", str(out), "--formats", "html", "--jobs", "2")
    assert res.returncode == 0, res.stderr[-3000:]
    before = {p: p.read_bytes() for p in (out / "fr").glob("*.html")}
    manifest_before = json.loads((out / "manifest.json").read_text(encoding="utf-8"))

    slow = write_plan(tmp_path / "slow.yaml", *(r.replace("SECONDS", "600") for r in reports))
    marker = uuid.uuid4().hex
    env = {**os.environ, "TRAFFICKSTATS_NO_PROGRESS": "1", "TS_TEST_PACK": marker}
    proc = subprocess.Popen([EXE, "pack", "--plan", str(slow), "--out", str(out), "--formats", "html",
                             "--jobs", "2", "--force"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        wait_for(lambda: descendants(proc, "ipykernel"), 300, "a kernel in flight", proc)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C at a terminal: the whole foreground group
        _, stderr = proc.communicate(timeout=30)
    finally:
        reap(proc)
    assert proc.returncode == 130, stderr[-3000:]
    [line] = one_line_errors(stderr)
    assert line.startswith("traffickstats: interrupted: ") and "manifest and index written" in line, line
    assert "KeyboardInterrupt" not in stderr
    # nothing of the pack is left running (found by the environment marker it passed on)
    left = wait_for_gone(marker)
    assert left == [], left
    # the slow reports were all in flight or queued: each keeps yesterday's page
    for path, data in before.items():
        if "fault_slow" in path.name:
            assert path.read_bytes() == data, path
        else:
            assert complete_page(path.read_bytes()), path
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["interrupted"] is True
    earlier = {r["output"]: r for r in manifest_before["reports"]}
    for r in manifest["reports"]:
        if "fault_slow" in r["output"]:
            assert r == earlier[r["output"]]  # still described as the page on disk
    assert (out / "index.html").stat().st_mtime >= (out / "manifest.json").stat().st_mtime - 1
    no_partial_files(out)


def wait_for_gone(marker: str, timeout: float = 30) -> list:
    def ours():
        found = []
        for p in psutil.process_iter():
            try:
                if p.environ().get("TS_TEST_PACK") == marker and p.status() != psutil.STATUS_ZOMBIE:
                    found.append((p.pid, p.name()))
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return found

    deadline = time.monotonic() + timeout
    while (left := ours()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left
