"""`data fetch` against a loopback HTTP server on 127.0.0.1 (random port, thread): never the internet."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import socket
import threading

import pytest

from traffickstats.cli import main
from traffickstats.errors import DataFileError
from traffickstats.loaders.fetch import cache_dir, cache_record, cached_dataset, fetch_dataset


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def server(glotip_path):
    """Serve the folder holding the shared GLOTIP release (read-only, nothing copied)."""
    handler = functools.partial(_Quiet, directory=str(glotip_path.parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAFFICKSTATS_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_cache_dir_follows_env(cache):
    assert cache_dir() == cache


def test_fetch_glotip_records_checksum(server, glotip_path, cache):
    url = f"{server}/{glotip_path.name}"
    rec = fetch_dataset("glotip", url=url)
    data = glotip_path.read_bytes()
    assert rec["sha256"] == hashlib.sha256(data).hexdigest()
    assert rec["size"] == len(data) == 2_311_753
    assert rec["url"] == url and rec["format"] == "glotip" and rec["source_version"] == "2023-05-30"
    assert rec["rows_read"] == rec["accepted"] + rec["rejected"] == 46_556
    target = cache / "glotip" / "data_glotip.xlsx"
    assert cached_dataset("glotip") == target and target.read_bytes() == data
    on_disk = json.loads((cache / "glotip" / "data_glotip.xlsx.json").read_text(encoding="utf-8"))
    assert on_disk == rec == cache_record("glotip")
    assert {"url", "sha256", "size", "downloaded_at", "format", "source_version"} <= set(on_disk)
    assert sorted(p.name for p in (cache / "glotip").iterdir()) == ["data_glotip.xlsx", "data_glotip.xlsx.json"]

    # a tampered copy no longer counts as cached
    target.write_bytes(data[:-1] + b"X")  # the last byte of a zip is 0
    assert cached_dataset("glotip") is None


def test_fetch_via_cli_json(server, glotip_path, capsys):
    status = main(["data", "fetch", "glotip", "--url", f"{server}/{glotip_path.name}", "--json"])
    assert status == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["dataset"] == "glotip" and len(rec["sha256"]) == 64


def test_http_404_is_one_line(server, capsys, cache):
    status = main(["data", "fetch", "glotip", "--url", f"{server}/missing.xlsx"])
    err = capsys.readouterr().err.strip()
    assert status == 1 and len(err.splitlines()) == 1
    assert "HTTP 404" in err and "missing.xlsx" in err
    assert cached_dataset("glotip") is None
    assert not any((cache / "glotip").iterdir())  # no temp file left behind


def test_unreachable_server(capsys):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    status = main(["data", "fetch", "population", "--url", f"http://127.0.0.1:{port}/population.csv"])
    err = capsys.readouterr().err
    assert status == 1 and "cannot reach the server" in err


def test_invalid_download_keeps_previous_copy(server, glotip_path, tmp_path):
    good = fetch_dataset("glotip", url=f"{server}/{glotip_path.name}")
    with pytest.raises(DataFileError, match="downloaded file rejected, cache unchanged"):
        fetch_dataset("glotip", url=f"{server}/SOURCE.md")  # a text page, not a workbook
    assert cached_dataset("glotip") is not None
    assert cache_record("glotip")["sha256"] == good["sha256"]


def test_bad_url(capsys):
    status = main(["data", "fetch", "gsi", "--url", "htp:/nowhere"])
    assert status == 1 and "nowhere" in capsys.readouterr().err


def test_default_urls_match_the_loaders():
    from traffickstats.loaders import glotip, population
    from traffickstats.loaders.fetch import DATASETS

    assert DATASETS["glotip"]["url"] == glotip.DEFAULT_URL
    assert DATASETS["population"]["url"] == population.DEFAULT_URL
