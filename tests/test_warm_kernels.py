"""Warm kernels: each report gets a fresh kernel, forked from a server that has done the imports.

Renders the fixture notebook tests/notebooks/kernel_state.py (hand-written test input), which
records what its kernel held when it started and then leaves state behind. Also: a dying
kernel, a timeout, an interrupt, what shutdown sends, a notebook folder that shadows a
preloaded module, a preloaded module changed on disk, and the processes left after a pack
(found with psutil by an environment marker only the test's pack carries).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import psutil
import pytest

from traffickstats.reports import kernel
from traffickstats.reports.runner import render

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not kernel.forkserver.supported(), reason="the fork server needs Linux")]

HERE = Path(__file__).parent
STATE = HERE / "notebooks" / "kernel_state.py"
DIES = HERE / "notebooks" / "fault_kernel_dies.py"
NOTHING = {"variable": None, "module": None, "environment": None}


def render_state(folder: Path, mark: str, **params) -> tuple:
    record = folder / f"{mark}.json"
    res = render(STATE, {"mark": mark, "record": str(record), **params}, folder / f"{mark}.html", timeout=120)
    return res, (json.loads(record.read_text(encoding="utf-8")) if record.is_file() else None)


def test_each_report_gets_a_fresh_kernel_forked_with_the_imports_done(tmp_path):
    one, first = render_state(tmp_path, "one")
    two, second = render_state(tmp_path, "two")
    assert one.ok and two.ok, (one.error, two.error)
    # nothing the first report left (a variable, a module attribute, an environment variable) is seen
    assert first["seen"] == NOTHING and second["seen"] == NOTHING
    assert first["pid"] != second["pid"]
    # warm: pandas was imported before the notebook ran, in a kernel forked by the server
    assert second["preloaded"] and second["parent"] == "ts-forkserver"
    # and with the library's warm-up done (entry point traffickstats.kernel_warmup)
    assert second["warmed"]
    # each fork has its own random state (numpy's global one is reseeded)
    assert first["numpy"] != second["numpy"] and first["random"] != second["random"]
    assert second["cwd"] == str(STATE.parent)  # papermill's cwd: the notebook's folder


def test_cold_kernels_on_request(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAFFICKSTATS_KERNELS", "cold")
    res, state = render_state(tmp_path, "cold")
    assert res.ok, res.error
    assert not state["preloaded"] and state["parent"] != "ts-forkserver" and state["seen"] == NOTHING
    assert not state["warmed"]


def test_a_kernel_that_dies_fails_its_report_and_the_next_one_is_fine(tmp_path):
    dead = render(DIES, {"lang": "fr"}, tmp_path / "dies.html")
    assert dead.status == "failed" and "kernel" in dead.error.lower(), dead.error
    res, state = render_state(tmp_path, "after")
    assert res.ok and state["seen"] == NOTHING and state["parent"] == "ts-forkserver"


def test_a_timeout_fails_the_report_and_ends_its_kernel(tmp_path):
    record = tmp_path / "slow.json"
    res = render(STATE, {"mark": "slow", "record": str(record), "seconds": 600.0}, tmp_path / "slow.html", timeout=5)
    assert res.status == "failed" and "timed out" in res.error, res.error
    pid = json.loads(record.read_text(encoding="utf-8"))["pid"]
    assert not psutil.pid_exists(pid)  # killed and reaped before render() returned
    assert not (tmp_path / "slow.html").exists()


def run(coro):
    return asyncio.run(coro)


async def _start(manager_class=kernel.WarmKernelManager):
    km = manager_class(kernel_name="python3")
    await km.start_kernel(cwd=str(HERE))
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=120)
    return km, kc


def test_interrupt_reaches_a_forked_kernel():
    async def scenario():
        with kernel.socket_folder():
            km, kc = await _start()
            try:
                assert isinstance(km.provisioner, kernel.ForkProvisioner)
                msg_id = kc.execute("import time; time.sleep(600)")
                while (await kc.get_iopub_msg(timeout=60))["content"].get("execution_state") != "busy":
                    pass
                await asyncio.sleep(0.5)  # inside the sleep
                await km.interrupt_kernel()
                reply = await kc._async_recv_reply(msg_id, timeout=60)
                return reply["content"], await km.is_alive()
            finally:
                kc.stop_channels()
                await km.shutdown_kernel(now=True)

    content, alive = run(scenario())
    assert content["status"] == "error" and content["ename"] == "KeyboardInterrupt"
    assert alive  # interrupted, not killed


@pytest.mark.parametrize("manager_class", [kernel.WarmKernelManager, kernel.IPCKernelManager])
def test_shutdown_sends_no_sigint(manager_class):
    """jupyter_client's SIGINT before shutdown printed "KeyboardInterrupt caught in kernel."."""
    async def scenario():
        with kernel.socket_folder():
            km, kc = await _start(manager_class)
            sent = []
            send = km.provisioner.send_signal

            async def recording(signum):
                sent.append(signum)
                await send(signum)

            km.provisioner.send_signal = recording
            await kc._async_recv_reply(kc.kernel_info(), timeout=60)  # as papermill's last request
            kc.stop_channels()
            process = km.provisioner.process
            await km.shutdown_kernel()
            return sent, process.poll()

    sent, returncode = run(scenario())
    assert signal.SIGINT not in sent
    assert returncode is not None  # the kernel is gone


def test_a_forked_kernel_stops_its_control_thread_before_its_exit_functions(tmp_path):
    """ipykernel 7.4 stops IOPub from an exit function that runs before the one stopping the
    control thread: a control thread still answering the shutdown request then waited for
    ever on IOPub, and jupyter_client sent SIGTERM after 2.5 s (one report in about 24 of a
    pack). A forked kernel stops its control and shell-channel threads first. Recorded by an
    exit function registered from a cell (the last registered, so the first to run)."""
    record = tmp_path / "at_exit.json"
    register = textwrap.dedent(f"""
        import atexit, json
        _app = get_ipython().kernel.parent
        def _record():
            with open({str(record)!r}, "w") as f:
                json.dump({{"control": _app.control_thread.is_alive(),
                            "shell_channel": _app.shell_channel_thread.is_alive()}}, f)
        atexit.register(_record)
    """)

    async def scenario():
        with kernel.socket_folder():
            km, kc = await _start()
            assert isinstance(km.provisioner, kernel.ForkProvisioner)
            reply = await kc._async_recv_reply(kc.execute(register), timeout=60)
            assert reply["content"]["status"] == "ok", reply["content"]
            kc.stop_channels()
            process = km.provisioner.process
            t0 = time.monotonic()
            await km.shutdown_kernel()
            return time.monotonic() - t0, process.poll()

    seconds, returncode = run(scenario())
    assert json.loads(record.read_text()) == {"control": False, "shell_channel": False}
    assert returncode == 0 and seconds < 2.0  # exited by itself, not terminated


def test_a_notebook_folder_shadowing_a_preloaded_module_gets_a_cold_kernel(tmp_path):
    # generated test input: a local "pandas.py" that a cold kernel would import instead of pandas
    (tmp_path / "pandas.py").write_text('MARK = "local module"\n', encoding="utf-8")
    nb = tmp_path / "shadow.py"
    nb.write_text(textwrap.dedent('''\
        # %% tags=["parameters"]
        record = ""

        # %%
        import pandas

        open(record, "w").write(pandas.MARK)
        '''), encoding="utf-8")
    res = render(nb, {"record": str(tmp_path / "mark.txt")}, tmp_path / "out" / "shadow.html")
    assert res.ok, res.error
    assert (tmp_path / "mark.txt").read_text() == "local module"


def test_a_preloaded_module_changed_on_disk_is_imported_afresh(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    lib.mkdir()
    module = lib / "ts_fixture_module.py"
    module.write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(lib))  # another environment: a server of its own
    nb = tmp_path / "nb" / "uses_module.py"
    nb.parent.mkdir()
    nb.write_text(textwrap.dedent('''\
        # %% tags=["parameters"]
        record = ""

        # %%
        import json, sys
        preloaded = "ts_fixture_module" in sys.modules
        import ts_fixture_module

        json.dump([preloaded, ts_fixture_module.VALUE], open(record, "w"))
        '''), encoding="utf-8")

    def value(n):
        res = render(nb, {"record": str(tmp_path / f"{n}.json")}, tmp_path / "out" / f"{n}.html")
        assert res.ok, res.error
        return json.loads((tmp_path / f"{n}.json").read_text())

    assert value(1) == [False, 1]
    # a new environment: its first kernels start cold or from a new server, which learns from
    # them what they imported and imports it before the next fork
    assert [value(n) for n in (2, 3, 4)][-1] == [True, 1]
    module.write_text("VALUE = 2\n", encoding="utf-8")
    stat = module.stat()
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert value(5)[1] == 2  # the server refused to fork stale code


def test_a_module_that_pulls_in_a_shell_aware_import_is_never_forked_with_it(tmp_path, monkeypatch):
    """tqdm.auto looks for a notebook front end when imported: it must be imported in the kernel."""
    pytest.importorskip("tqdm")
    for name, value in (("_cold", set()), ("_own", {}), ("_retired", [])):  # this test's servers only
        monkeypatch.setattr(kernel, name, value)
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "ts_fixture_pulls.py").write_text("import tqdm.auto\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(lib))
    nb = tmp_path / "nb" / "pulls.py"
    nb.parent.mkdir()
    nb.write_text(textwrap.dedent('''\
        # %% tags=["parameters"]
        record = ""

        # %%
        import json, os, sys
        import psutil
        preloaded = "tqdm.auto" in sys.modules
        import ts_fixture_pulls

        json.dump([preloaded, psutil.Process().parent().name()], open(record, "w"))
        '''), encoding="utf-8")
    try:
        seen = []
        for n in range(4):
            res = render(nb, {"record": str(tmp_path / f"{n}.json")}, tmp_path / "out" / f"{n}.html")
            assert res.ok, res.error
            seen.append(json.loads((tmp_path / f"{n}.json").read_text()))
    finally:
        for server in [*kernel._own.values(), *kernel._retired]:
            server.close()
    assert not any(preloaded for preloaded, _ in seen)
    assert seen[-1][1] != "ts-forkserver"  # the server refused; the kernel started the ordinary way
    assert kernel._cold  # and no new server is tried for that interpreter


# --- processes left behind -----------------------------------------------------------------

PACK_SCRIPT = """
import sys
from traffickstats.reports.pack import ReportSpec, render_pack
state, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
specs = [ReportSpec(state, {"mark": f"m{i}", "record": f"{out}/m{i}.json", "seconds": seconds}, f"fr/m{i}.html", "x")
         for i in range(4)]
res = render_pack(out, reports=specs, formats="html", jobs=2, progress=False)
sys.exit(0 if res.ok else 1)
"""


def ours(marker: str) -> list[psutil.Process]:
    """Live processes carrying the test's environment marker (workers, fork server, kernels)."""
    found = []
    for p in psutil.process_iter():
        try:
            if p.environ().get("TS_TEST_PACK") == marker and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def start_pack(tmp_path: Path, seconds: float) -> tuple[subprocess.Popen, str]:
    marker = uuid.uuid4().hex
    env = {**os.environ, "TS_TEST_PACK": marker, "TRAFFICKSTATS_NO_PROGRESS": "1"}
    proc = subprocess.Popen([sys.executable, "-c", PACK_SCRIPT, str(STATE), str(tmp_path), str(seconds)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    return proc, marker


def test_no_process_is_left_after_a_pack(tmp_path):
    proc, marker = start_pack(tmp_path, 0.0)
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr[-3000:]
    assert "KeyboardInterrupt" not in stderr
    assert ours(marker) == []  # render_pack waited for its workers and fork server
    # both workers' kernels came from the pack's one fork server, and none saw another's state
    states = [json.loads((tmp_path / f"m{i}.json").read_text(encoding="utf-8")) for i in range(4)]
    assert {s["parent"] for s in states} == {"ts-forkserver"} and len({s["ppid"] for s in states}) == 1
    assert all(s["seen"] == NOTHING for s in states)


def test_no_process_is_left_when_the_pack_is_killed(tmp_path):
    proc, marker = start_pack(tmp_path, 600.0)
    try:
        deadline = time.monotonic() + 300
        while not any(p.name() == "ipykernel" for p in ours(marker)):  # kernels in flight
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()[-2000:]
            time.sleep(0.1)
        os.kill(proc.pid, signal.SIGKILL)  # the pack's main process only
        proc.wait(timeout=60)
        deadline = time.monotonic() + 60
        while (left := ours(marker)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert left == [], [(p.pid, p.name()) for p in left]
    finally:
        for p in ours(marker):  # whatever this test started, by pid
            p.kill()
