"""Atomic writes and output errors (quick tier): nothing partial is ever left, errors are one
line naming the path. The real faults (read-only and full disks, Ctrl-C) are in test_faults.py."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from traffickstats import atomic, cli
from traffickstats.errors import OutputError

HELLO = Path(__file__).parent / "notebooks" / "hello.py"


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith("."))


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "page.html"
    atomic.write_text(path, "old")
    with pytest.raises(OutputError) as err, atomic.replacing(path) as tmp:
        tmp.write_text("half a pa", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # what a write on a full disk raises
    assert str(err.value) == f"{path}: cannot write: no space left on the disk"
    assert path.read_text() == "old" and leftovers(tmp_path) == []


def test_files_that_belong_together_are_replaced_together_or_not_at_all(tmp_path):
    page, notebook = tmp_path / "r.html", tmp_path / "r.ipynb"
    atomic.write_all({page: "old page", notebook: "old notebook"})

    with pytest.raises(OutputError, match="r.ipynb: cannot write: no space left on the disk"):
        with atomic.replacing_all([page, notebook]) as (tmp_page, tmp_nb):
            tmp_page.write_text("new page", encoding="utf-8")
            tmp_nb.write_text("new note", encoding="utf-8")  # the disk fills half-way through it
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_nb))
    assert page.read_text() == "old page" and notebook.read_text() == "old notebook"
    assert leftovers(tmp_path) == []
    atomic.write_all({page: "new page", notebook: b"new notebook"})
    assert page.read_text() == "new page" and notebook.read_text() == "new notebook"
    assert oct(page.stat().st_mode & 0o777) == "0o644"


def test_sweep_removes_the_temporaries_of_killed_writers_only(tmp_path):
    (tmp_path / "fr").mkdir()
    mine = atomic.temp_name(tmp_path / "fr" / "a.html")  # carries this process's id
    other = tmp_path / "fr" / ".b.html.999999999.abcd1234.tmp"
    other.write_text("x")
    unrelated = tmp_path / "fr" / ".notes.tmp"
    unrelated.write_text("x")
    assert f".a.html.{os.getpid()}." in mine.name
    assert atomic.sweep(tmp_path, [999999999]) == [other]
    assert mine.exists() and unrelated.exists() and not other.exists()
    assert atomic.sweep(tmp_path, [os.getpid()]) == [mine]


def test_a_file_where_a_folder_is_needed(tmp_path):
    blocker = tmp_path / "reports"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match=r"reports: is a file, not a folder$"):
        atomic.check_folder(blocker)
    with pytest.raises(OutputError, match=r"reports: is a file, not a folder$"):
        atomic.check_folder(blocker / "fr" / "images")


def test_pack_and_report_refuse_a_bad_out_in_one_line(tmp_path, capsys):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"languages: [fr]\nreports:\n  - notebook: {HELLO}\n", encoding="utf-8")
    cases = [
        (["pack", "--plan", str(plan), "--out", str(blocker), "--formats", "html"], f"{blocker}: is a file, not a folder"),
        (["pack", "--plan", str(plan), "--out", str(blocker / "sub"), "--formats", "html"],
         f"{blocker}: is a file, not a folder"),
        (["report", str(HELLO), "--out", str(tmp_path)], f"{tmp_path}: is a folder; give a file name ending in .html or .pdf"),
        (["report", str(HELLO), "--out", str(blocker / "x.html")], f"{blocker}: is a file, not a folder"),
        (["report", str(HELLO), "--out", str(blocker / "x.pdf")], f"{blocker}: is a file, not a folder"),
    ]
    for argv, message in cases:
        assert cli.main(argv) == 1, argv
        err = capsys.readouterr().err
        assert err == f"traffickstats: error: {message}\n", (argv, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "plan.yaml"]  # nothing written


def test_an_unexpected_os_error_is_one_line(tmp_path, capsys, monkeypatch):
    """Any OSError a command meets and does not word itself is still one line naming the file."""
    def boom(args):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "secret.csv"))

    monkeypatch.setattr("traffickstats.reference.commands.sources", boom)
    assert cli.main(["sources"]) == 1
    assert capsys.readouterr().err == f"traffickstats: error: {tmp_path / 'secret.csv'}: permission denied\n"
