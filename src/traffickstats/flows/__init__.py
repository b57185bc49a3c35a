"""Origin -> destination flows of trafficking victims: tables, regions, routes, charts.

- :mod:`.table`: the flow table (``FLOW_COLUMNS``, pandera ``FlowTable``), builders
  ``from_observations`` / ``from_glotip`` / ``from_ctdc``, GLOTIP ``repatriations`` (kept apart:
  direction unstated), bounded sums (``sum_flows``, ``total``, ``format_total``) and small-count
  protection (``protect_flows``, applied by every flow chart and table);
- :mod:`.analysis`: ``aggregate`` to any region scheme, ``shares`` (domestic / cross-border),
  ``top_corridors``, ``inflow`` / ``outflow``, ``route`` / ``routes`` and ``MEDITERRANEAN_ROUTES``;
- :mod:`.charts`: ``sankey``, ``flow_map`` (offline, see :mod:`traffickstats.assets`),
  ``corridor_table``;
- :mod:`.published`: ``published_flows``, the bundled report shares (never mixed with counts).
"""

from .analysis import (MEDITERRANEAN_ROUTES, Route, aggregate, classify, inflow, outflow, route,
                       routes, shares, top_corridors)
from .charts import centroids, corridor_table, flow_map, place_name, sankey
from .published import published_flows
from .table import (FLOW_COLUMNS, FlowTable, empty_flows, format_total, from_ctdc, from_glotip,
                    from_observations, protect_flows, repatriations, set_aside, sum_flows, to_observations,
                    total, validate)

__all__ = [
    "FLOW_COLUMNS", "FlowTable", "empty_flows", "format_total", "from_ctdc", "from_glotip",
    "from_observations", "protect_flows", "repatriations", "set_aside", "sum_flows", "to_observations", "total",
    "validate", "MEDITERRANEAN_ROUTES", "Route", "aggregate", "classify", "inflow", "outflow",
    "route", "routes", "shares", "top_corridors", "centroids", "corridor_table", "flow_map",
    "place_name", "sankey", "published_flows",
]
