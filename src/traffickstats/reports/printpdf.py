"""Print a rendered briefing to an A4 PDF with the system's headless Chromium.

The page's own print stylesheet sets A4 and hides buttons; Chromium's header and footer
(date, file URL) are turned off. Nothing here touches the network: background networking,
component updates and sync are disabled and the page loads its scripts from local files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ExportError
from . import atomic

DEBIAN_PACKAGE = "chromium"


def find_chromium() -> str | None:
    """``$TRAFFICKSTATS_CHROMIUM``, else ``chromium`` / ``chromium-browser`` on PATH."""
    env = os.environ.get("TRAFFICKSTATS_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_pdf(html_path: Path, pdf_path: Path, *, chromium: str | None = None, timeout: float = 120) -> Path:
    """Write ``pdf_path`` (atomically) from the HTML file ``html_path``; return it.

    Raises ExportError when Chromium is missing (naming the Debian package) or fails.
    """
    browser = chromium or find_chromium()
    if browser is None:
        raise ExportError(
            f"cannot print {Path(html_path).name} to PDF: Chromium not found "
            f"(install the Debian package `{DEBIAN_PACKAGE}`: apt-get install {DEBIAN_PACKAGE}, "
            "or set TRAFFICKSTATS_CHROMIUM); the HTML report is unaffected"
        )
    html_path = Path(html_path).resolve()
    with tempfile.TemporaryDirectory(prefix="ts-chromium-") as profile, atomic.replacing(Path(pdf_path)) as tmp:
        cmd = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=10000", "--no-pdf-header-footer",
            f"--print-to-pdf={tmp}", html_path.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ExportError(f"Chromium did not finish printing {html_path.name} within {timeout:.0f} s") from None
        except OSError as exc:
            raise ExportError(f"cannot start Chromium ({browser}): {exc}") from None
        if proc.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            raise ExportError(
                f"Chromium could not print {html_path.name} (exit {proc.returncode}): {' | '.join(tail)}"
            )
    return Path(pdf_path)
