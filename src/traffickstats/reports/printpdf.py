"""Print a rendered briefing to an A4 PDF with the system's headless Chromium.

The page's own print stylesheet sets A4 and hides buttons; Chromium's header and footer
(date, file URL) are turned off. Nothing here touches the network: background networking,
component updates and sync are disabled and the page loads its scripts from local files.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from ..charts.export import find_chromium
from ..errors import ExportError
from .. import atomic

def print_pdf(html_path: Path, pdf_path: Path, *, chromium: str | None = None, timeout: float = 120) -> Path:
    """Write ``pdf_path`` (atomically) from the HTML file ``html_path``; return it.

    Raises ExportError when Chromium is missing (naming the Debian package) or fails.
    """
    # one rule for every browser use: the given path, else $BROWSER_PATH, else PATH
    # (ExportError naming the Debian package when there is none)
    browser = find_chromium(chromium)
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
