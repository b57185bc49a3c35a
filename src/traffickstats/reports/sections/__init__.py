"""The sections of the four briefing notebooks: one function per notebook cell.

A notebook cell calls one function here with the :class:`Brief` made by :func:`start`
(language, observations, loaded datasets, country / region). Each function draws its charts
and tables through ``briefing`` (escaped HTML) and ``charts`` / ``flows`` (sourced footnotes),
and records what it showed so :func:`sources` cites everything at the end.

Rules kept here: every figure shown is a published (bundled) or loaded row, picked by its
fact id or by filters, never computed or rounded out; a missing figure is said with
``briefing.gap`` ("no verified published figure ... gap reported, not filled"); counts from
loaded datasets (GLOTIP, CTDC) go through ``disclosure.protect`` before anything is drawn;
modelled estimates (ILO, GEMS, Walk Free GSI) are labelled as estimates by the charts.
All prose is in ``reports/texts/<lang>.json`` (vocabulary labels in ``locales/``).

Modules, by topic: ``brief`` (:class:`Brief`, :func:`start`, shared helpers), ``estimates``
(ILO 2012, GEMS, profits, detected vs estimated), ``participants`` (the nine participants,
a country's profile and gaps), ``legal`` (treaties and laws), ``national`` (published national
and EU counts), ``datasets`` (GLOTIP, GSI, CTDC files), ``flows`` and ``closing`` (pitfalls,
gaps, sources). The notebooks use only the names re-exported here.
"""

from .brief import Brief, facts, start
from .closing import gaps, pitfalls, sources
from .datasets import ctdc_records, glotip_country, glotip_participants, gsi_estimates, justice_table
from .estimates import detected_vs_estimated, ilo2012, ilo2012_profile, ilo2012_regions, later_estimates, profits
from .flows import dataset_flows, published_flows
from .legal import legal_framework
from .national import COUNT_MEASURES, INDICATOR_ORDER, SERIES, eu_figures, national_figures
from .participants import EUROPE, SOUTH, country_gaps, participants_table, profile

__all__ = [
    "Brief", "start", "facts",
    "ilo2012", "ilo2012_regions", "ilo2012_profile", "later_estimates", "profits", "detected_vs_estimated",
    "participants_table", "legal_framework", "profile", "national_figures", "eu_figures", "country_gaps",
    "glotip_participants", "glotip_country", "justice_table", "gsi_estimates", "ctdc_records",
    "published_flows", "dataset_flows",
    "pitfalls", "gaps", "sources",
    "COUNT_MEASURES", "INDICATOR_ORDER", "SERIES", "EUROPE", "SOUTH",
]
