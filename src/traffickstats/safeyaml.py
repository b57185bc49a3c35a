"""YAML from users (mappings, plans, parameter files) read without surprises.

``yaml.safe_load`` never builds objects, but it still expands aliases: a 1 KB file of nested
aliases ("billion laughs") grows into gigabytes. Files we read are small hand-written
configurations, so aliases are refused outright (at the first one, with its line) and the
text size is capped; :func:`read` stops reading a file at the cap, so a huge file is never
loaded to be refused.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent

#: Largest YAML text read (a mapping or a plan is a few KB).
MAX_BYTES = 1_000_000


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases (``*name``) instead of expanding them."""

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise ComposerError(None, None, f"aliases (*{event.anchor}) are not accepted in this file",
                                event.start_mark)
        return super().compose_node(parent, index)


def load(text: str, where: str = "YAML"):
    """Parse ``text``; raises ``yaml.YAMLError`` (aliases refused) or ValueError (too large)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ValueError(f"{where}: larger than {MAX_BYTES // 1000} KB; a configuration file is a few KB")
    return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass


def read(path, where: str | None = None):
    """Read and parse a UTF-8 YAML file (a BOM is allowed), reading at most :data:`MAX_BYTES` + 1.

    Raises ``OSError``, ``UnicodeDecodeError``, ``ValueError`` (too large) or ``yaml.YAMLError``.
    """
    where = where or str(path)
    with open(Path(path), "rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError(f"{where}: larger than {MAX_BYTES // 1000} KB; a configuration file is a few KB")
    return load(data.decode("utf-8-sig"), where)
