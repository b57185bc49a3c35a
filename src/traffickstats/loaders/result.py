"""What every loader returns: canonical observations and the rows it could not use.

Invariant: ``rows_read == accepted + rejected``. A rejected row keeps its row number,
the column at fault, the raw value and the reason, so nothing is lost silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

REJECT_COLUMNS = ["row", "column", "raw_value", "reason"]
WARNING_COLUMNS = ["row", "column", "raw_value", "warning"]


def empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in REJECT_COLUMNS})


def empty_warnings() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in WARNING_COLUMNS})


@dataclass
class LoadResult:
    """Canonical observations plus one reject line per input row that could not be used.

    - ``observations``: canonical schema (``traffickstats.schema.COLUMNS``)
    - ``rejects``: one line per rejected input row: row (1-based as a spreadsheet shows it),
      column, raw_value, reason
    - ``warnings``: rows kept but flagged (damaged text, duplicates resolved by rule, ...)
    - ``records``: optional row-level normalised table (e.g. CTDC victims) for further analysis
    - ``source``: a Source record (see ``schema.Source``) describing the file's publisher/version
    """

    path: Path
    format: str
    rows_read: int
    observations: pd.DataFrame
    rejects: pd.DataFrame = field(default_factory=empty_rejects)
    warnings: pd.DataFrame = field(default_factory=empty_warnings)
    source_version: str | None = None
    source: dict = field(default_factory=dict)
    records: pd.DataFrame | None = None
    #: country / citizenship labels no names file or table resolved: column, label, rows,
    #: first_row (``traffickstats data harmonize`` lists them with suggestions)
    unresolved: list[dict] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return int(self.rejects["row"].nunique()) if len(self.rejects) else 0

    @property
    def accepted(self) -> int:
        return self.rows_read - self.rejected

    @property
    def censored(self) -> int:
        obs = self.observations
        return int(obs["censored"].sum()) if "censored" in obs and len(obs) else 0

    def summary(self) -> dict:
        """The fields `traffickstats data validate --json` prints (names are stable)."""
        return {
            "path": str(self.path),
            "format": self.format,
            "source_version": self.source_version,
            "rows_read": self.rows_read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "censored": self.censored,
            "observations": int(len(self.observations)),
            "warnings": int(len(self.warnings)),
            "unresolved_labels": len(self.unresolved),
            "rejects_by_reason": (
                self.rejects["reason"].value_counts().to_dict() if len(self.rejects) else {}
            ),
        }
