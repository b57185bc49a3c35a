"""YAML from users (mapping files, ``-p`` values) read so that it cannot hang or fill memory.

``yaml.safe_load`` never builds objects, but it does honour anchors and aliases: a 1 KB
"billion laughs" document (``a: &a [x, x, ...]``, ``b: &b [*a, *a, ...]``, ...) loads as a
few shared lists and then explodes into billions of items as soon as anything walks it
(checking, printing, copying). A mapping file has no use for aliases, so this loader
refuses them, and anchors with them, at the first one, with the line where it stands. Files
are also refused above :data:`MAX_BYTES` before they are read.

:func:`load_text` and :func:`load_file` raise :class:`UnsafeYAMLError` (a
``yaml.YAMLError``) for aliases and anchors, and plain ``yaml.YAMLError`` for syntax errors,
so callers keep their one-line "not valid YAML" message.
"""

from __future__ import annotations

from pathlib import Path

import yaml

__all__ = ["load_text", "load_file", "MAX_BYTES", "UnsafeYAMLError", "TooLargeError"]

#: Largest mapping file read (1 MiB): a mapping with a few hundred label translations is
#: a few KB.
MAX_BYTES = 1024 * 1024


class UnsafeYAMLError(yaml.YAMLError):
    """The document uses anchors or aliases (``&name`` / ``*name``), refused in user files."""


class TooLargeError(ValueError):
    """The file is larger than the limit; nothing was read."""


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases when it meets them (before any node is built)."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            kind = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
            mark = event.start_mark
            raise UnsafeYAMLError(f"YAML {kind}{event.anchor} at line {mark.line + 1}, column {mark.column + 1}: "
                                  "anchors and aliases are not allowed (write the values out)")
        return super().compose_node(parent, index)


def load_text(text: str):
    """Parse one YAML document with the safe, alias-free loader."""
    return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader subclass)


def load_file(path, max_bytes: int = MAX_BYTES):
    """Read and parse a UTF-8 YAML file (a BOM is allowed) of at most ``max_bytes``.

    Raises ``OSError`` (cannot read), :class:`TooLargeError`, ``UnicodeDecodeError`` or
    ``yaml.YAMLError`` (including :class:`UnsafeYAMLError`).
    """
    path = Path(path)
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLargeError(f"larger than {max_bytes:,} bytes: a mapping file is a few KB")
    return load_text(data.decode("utf-8-sig"))
