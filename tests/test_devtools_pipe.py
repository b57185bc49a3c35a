"""The DevTools pipe reader that replaces choreographer 1.4's (``charts.devtools_pipe``): the
same messages from the same bytes, in linear time, and no endless loop when the browser dies
inside a message. Real OS pipes, messages written by a thread as Chromium would."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

choreographer = pytest.importorskip("choreographer", reason="choreographer comes with kaleido (the export extra)")

from choreographer.channels._errors import ChannelClosedError
from choreographer.channels.pipe import Pipe

from traffickstats.charts import devtools_pipe

ORIGINAL = getattr(Pipe.read_jsons, "__wrapped__", Pipe.read_jsons)


def _messages(n_big: int = 2) -> list[dict]:
    """CDP-shaped answers: a small one, big ones (a picture's base64 of about 1.3 MB), and
    text outside ASCII (Arabic, French) that a chunk boundary may cut inside a character."""
    big = [{"id": i + 2, "result": {"result": {"type": "string", "value": "iVBORw0KGgo" * 120_000 + "é"}}}
           for i in range(n_big)]
    return [{"id": 1, "result": {}}, *big,
            {"method": "Runtime.consoleAPICalled", "params": {"text": "الاتجار بالبشر « 20,9 millions »"}}]


def _read_all(read, messages: list[dict], *, chunk: int = 7_919) -> list[dict]:
    """Write ``messages`` NUL-terminated into a fresh pipe in odd-sized chunks from a thread;
    read them back with ``read`` until all have come."""
    pipe = Pipe()
    pipe.open()
    data = b"".join(json.dumps(m, ensure_ascii=False).encode() + b"\0" for m in messages)

    def feed():
        for i in range(0, len(data), chunk):
            os.write(pipe._write_from_browser, data[i:i + chunk])

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    got: list[dict] = []
    deadline = time.monotonic() + 60
    while len(got) < len(messages) and time.monotonic() < deadline:
        jsons, _t = read(pipe, blocking=True)
        got += jsons
    writer.join(10)
    pipe.close()
    return got


def test_reads_the_same_messages_as_choreographer():
    messages = _messages()
    mine = _read_all(devtools_pipe.read_jsons, messages)
    assert mine == messages
    assert _read_all(ORIGINAL, messages) == mine


def test_a_long_text_is_logged_by_its_length_and_is_otherwise_the_same_text():
    """kaleido formats every answer into a debug line; a picture's base64 shows as its length."""
    messages = _messages(n_big=1)
    got = _read_all(devtools_pipe.read_jsons, messages)
    value = got[1]["result"]["result"]["value"]
    assert isinstance(value, devtools_pipe.LongText)
    assert value == messages[1]["result"]["result"]["value"] and value.endswith("é")
    assert f"Result of function call: {got[1]}" == (
        "Result of function call: {'id': 2, 'result': {'result': {'type': 'string', 'value': <1,320,001 characters>}}}")
    assert json.loads(json.dumps({"v": value})) == {"v": str(value)}  # as kaleido reads it back
    assert type(got[2]["params"]["text"]) is str  # a short text stays a plain str


def test_a_nonblocking_read_of_an_empty_pipe_returns_nothing():
    pipe = Pipe()
    pipe.open()
    try:
        jsons, stamp = devtools_pipe.read_jsons(pipe, blocking=False)
        assert jsons == [] and stamp > 0
    finally:
        pipe.close()


def test_the_browser_gone_inside_a_message_closes_the_channel():
    """choreographer 1.4 would loop for ever on end of file inside a message."""
    pipe = Pipe()
    pipe.open()
    os.write(pipe._write_from_browser, b'{"id": 1, "result": {"value": "half a mes')
    os.close(pipe._write_from_browser)
    box: dict = {}
    reader = threading.Thread(target=lambda: box.setdefault("error", _catch(pipe)), daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "the read never returned"
    assert isinstance(box["error"], ChannelClosedError)
    assert not pipe.is_ready()


def _catch(pipe):
    try:
        devtools_pipe.read_jsons(pipe, blocking=True)
    except Exception as exc:
        return exc
    return None


def test_goodbye_closes_the_channel():
    pipe = Pipe()
    pipe.open()
    os.write(pipe._write_from_browser, b"{bye}\n")
    with pytest.raises(ChannelClosedError):
        devtools_pipe.read_jsons(pipe, blocking=True)
    assert not pipe.is_ready()


def test_installed_only_for_the_release_it_replaces(monkeypatch):
    from importlib.metadata import version

    monkeypatch.setattr(Pipe, "read_jsons", ORIGINAL)
    assert not devtools_pipe.installed()
    assert devtools_pipe.install() is version("choreographer").startswith(devtools_pipe.VERSIONS)
    if devtools_pipe.installed():
        assert Pipe.read_jsons is devtools_pipe.read_jsons
        assert devtools_pipe.install() is True  # twice: once in place
        assert Pipe.read_jsons.__wrapped__ is ORIGINAL
    monkeypatch.setattr(Pipe, "read_jsons", ORIGINAL)
    monkeypatch.setattr(devtools_pipe, "VERSIONS", ("0.0.",))
    assert devtools_pipe.install() is False and Pipe.read_jsons is ORIGINAL

