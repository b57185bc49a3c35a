"""Where bundled data and notebooks live, installed (wheel) or in a source checkout (editable)."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent
_REPO = _PKG.parent.parent


def _first_existing(*candidates: Path) -> Path:
    for c in candidates:
        if c.is_dir():
            return c
    return candidates[-1]


def data_dir() -> Path:
    """The bundled reference data folder (``data/`` in the repository)."""
    return _first_existing(_PKG / "_bundled", _REPO / "data")


def notebooks_dir() -> Path:
    """The briefing notebooks folder (``notebooks/`` in the repository)."""
    return _first_existing(_PKG / "_notebooks", _REPO / "notebooks")


def package_resource(*parts: str) -> Path:
    """A file shipped inside the package (region schemes, message catalogs, assets)."""
    return _PKG.joinpath(*parts)


def shared_data_dir() -> Path | None:
    """``../shared/data`` beside a checkout, or ``$TRAFFICKSTATS_SHARED_DATA`` (a checkout that
    is a git worktree elsewhere); tests and benchmarks only. None when absent."""
    import os

    env = os.environ.get("TRAFFICKSTATS_SHARED_DATA")
    p = Path(env) if env else _REPO.parent / "shared" / "data"
    return p if p.is_dir() else None
