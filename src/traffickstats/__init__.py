"""traffickstats: sourced, comparable human-trafficking statistics and offline briefing reports."""

from importlib.metadata import PackageNotFoundError, version

from . import deferred

deferred.install()  # before anything imports jsonschema (see traffickstats.deferred)

try:
    __version__ = version("traffickstats")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+src"
