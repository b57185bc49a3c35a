"""tools/build_country_labels.py on GENERATED tarballs shaped like the npm packages (no network)."""

from __future__ import annotations

import importlib.util
import io
import json
import tarfile
from pathlib import Path

TOOL = Path(__file__).resolve().parent.parent / "tools" / "build_country_labels.py"


def _tool():
    spec = importlib.util.spec_from_file_location("build_country_labels", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tarball(path: Path, files: dict[str, object]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, content in files.items():
            data = content if isinstance(content, bytes) else json.dumps(content).encode()
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_build_from_generated_tarballs(tmp_path, monkeypatch):
    tool = _tool()
    monkeypatch.setattr(tool, "OUT", tmp_path / "labels")
    country = {  # GENERATED, world-countries-shaped (one made-up entry per rule)
        "cca2": "MA", "independent": True, "altSpellings": ["MA", "CAR", "Kingdom of Morocco"],
        "name": {"common": "Morocco", "official": "Kingdom of Morocco"},
        "translations": {"fra": {"common": "Maroc", "official": "Royaume du Maroc"},
                         "spa": {"common": "Marruecos", "official": "Reino de Marruecos"},
                         "deu": {"common": "Marokko", "official": "Königreich Marokko"}},
        "demonyms": {"eng": {"m": "Moroccan", "f": "Moroccan"}, "fra": {"m": "Marocain", "f": "Marocaine"}},
    }
    wc = _tarball(tmp_path / "world-countries-9.9.9.tgz", {
        "package.json": {"name": "world-countries", "version": "9.9.9"},
        "countries.json": [country, {**country, "cca2": "BV", "independent": None, "altSpellings": [],
                                     "demonyms": {}, "translations": {}}],
        "LICENSE": b"ODC Open Database License (ODbL) - generated test copy\n"})
    nat = _tarball(tmp_path / "i18n-nationality-9.9.9.tgz", {
        "package.json": {"name": "i18n-nationality", "version": "9.9.9"},
        "langs/es.json": {"locale": "es", "nationalities": {"MA": "Marroquí", "BV": "Islandés",
                                                            "TC": "Turco (Islas Turcas y Caicos)"}},
        "LICENSE": b"The MIT License (MIT) - generated test copy\n"})
    tool.build(wc, nat)
    text = (tmp_path / "labels" / "country_labels.tsv").read_text(encoding="utf-8")
    assert "world-countries 9.9.9" in text and "i18n-nationality 9.9.9" in text
    lines = [ln.split("\t") for ln in text.splitlines() if not ln.startswith("#")]
    assert lines[0] == ["iso2", "lang", "kind", "label", "source", "independent"]
    labels = {(r[0], r[1], r[2], r[3]) for r in lines[1:]}
    assert ("MA", "", "alt", "Kingdom of Morocco") in labels
    assert not any(r[3] in ("MA", "CAR") for r in lines[1:])           # short codes left out
    assert ("MA", "es", "demonym_m", "Marroquí") in labels
    assert not any(r[3] in ("Islandés",) or "(" in r[3] for r in lines[1:])  # excluded / qualified
    assert not any(r[3] == "Marokko" for r in lines[1:])               # only en, fr, es, ar
    assert {r[5] for r in lines[1:] if r[0] == "BV"} == {""} and {r[5] for r in lines[1:] if r[0] == "MA"} == {"1"}
    assert (tmp_path / "labels" / "VERSION").read_text() == "world-countries 9.9.9\ni18n-nationality 9.9.9\n"
    assert "ODbL" in (tmp_path / "labels" / "LICENSE-world-countries.md").read_text()
    assert text == (tool.build(wc, nat) or (tmp_path / "labels" / "country_labels.tsv").read_text(encoding="utf-8"))
