"""The briefing kit: what the shipped notebooks import to write a page.

- :class:`Report` (``report``): the language, the observations, the dataset files read (each
  with a typed :class:`SourceRecord`) and the sources shown, cited at the end;
- :mod:`.page`: headings, paragraphs, notes, gaps, lists and tables (escaped HTML);
- :mod:`.select`: choosing published rows (by fact id, totals, latest, a common year);
- :mod:`.blocks`: what several notebooks share (national figures, legal status, flow shares,
  pitfalls, gaps, sources);
- :mod:`.messages`: key messages, each sentence computed from rows and carrying its sources
  and references (fact ids, or the dataset rows selected);
- :mod:`.roles`: "origin, transit or destination?": the evidence from the GLOTIP flows and the
  national figures, and a verdict per role worded by its strength.

The render engine (:mod:`traffickstats.reports`) never imports this package: a notebook is
the unit that knows its content; the engine only runs notebooks.
"""

from . import blocks, messages, page, roles, select
from .report import DATASETS, Report
from .sources import SourceRecord

__all__ = ["DATASETS", "Report", "SourceRecord", "blocks", "messages", "page", "roles", "select"]
