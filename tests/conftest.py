"""Shared fixtures. Real public datasets are read from ../shared/data (never copied here)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from traffickstats.paths import shared_data_dir

REPO = Path(__file__).resolve().parent.parent


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
    p = REPO.parent / "shared" / "reference" / "facts.md"
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
