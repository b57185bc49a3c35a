"""Shared fixtures. Real public datasets are read from ../shared/data (never copied here)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from traffickstats.paths import shared_data_dir

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def empty_dataset_cache(tmp_path_factory):
    """A cache with no fetched release: the CLI uses a cached GLOTIP/GSI release when one is
    there, and a developer's own cache must not change what the tests render."""
    import os

    old = os.environ.get("TRAFFICKSTATS_CACHE")
    os.environ["TRAFFICKSTATS_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("TRAFFICKSTATS_CACHE", None)
    else:
        os.environ["TRAFFICKSTATS_CACHE"] = old


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public datasets; skipped where it is absent (a user's fresh clone)."""
    d = shared_data_dir()
    if d is None:
        pytest.skip("../shared/data is absent: real-dataset tests need the shared datasets beside the checkout")
    return d


@pytest.fixture(scope="session")
def glotip_path(shared_data) -> Path:
    return shared_data / "unodc_glotip" / "data_glotip_2023-05-30.xlsx"


@pytest.fixture(scope="session")
def facts_path() -> Path:
    d = shared_data_dir()
    p = (d.parent if d is not None else REPO.parent / "shared") / "reference" / "facts.md"
    if not p.is_file():
        pytest.skip("../shared/reference/facts.md is absent: fact cross-checks need it")
    return p


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of the system Chromium (Debian package `chromium`)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Debian's `chromium` is not installed: `make test` installs it (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def glotip_release(glotip_path):
    """The 2023-05-30 release read once by the GLOTIP loader (about 5 s)."""
    if not glotip_path.is_file():
        pytest.skip(f"{glotip_path} is absent")
    from traffickstats.loaders.glotip import load_glotip

    return load_glotip(glotip_path)


@pytest.fixture(scope="session")
def glotip_raw(glotip_path, glotip_release):
    """The release's sheet as published, read with pandas alone (no traffickstats rule), one row
    per spreadsheet row (``row``), minus the rows the loader rejected (listed, with the reason,
    in ``glotip_release.rejects``)."""
    import pandas as pd

    raw = pd.read_excel(glotip_path, header=2, dtype=str, engine="calamine", keep_default_na=False)
    raw.columns = [str(c).strip() for c in raw.columns]
    raw["row"] = raw.index + 4  # header on spreadsheet row 3
    raw = raw.apply(lambda c: c.str.strip() if c.dtype == object else c)
    return raw[~raw["row"].isin(set(glotip_release.rejects["row"]))]
