"""traffickstats: sourced, comparable human-trafficking statistics and offline briefing reports."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("traffickstats")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+src"
