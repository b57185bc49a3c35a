# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["remove-cell"]
# Fixture notebook for tests/test_warm_kernels.py (generated test input, no data): it writes
# to `record` what its kernel held before it ran (state left by an earlier report? modules
# already imported?), then leaves state of its own behind, then sleeps `seconds`.

# %% tags=["parameters"]
lang = "fr"
mark = "first"
record = ""
seconds = 0.0
watch = "pandas"  # a module whose presence at start shows the kernel was forked warm

# %%
import sys

preloaded = watch in sys.modules  # before this notebook imports anything of its own
# the briefing kit's warm-up ran in the fork server: the bundled report data is already in memory
# (and the lookups every report goes through: the country name tables)
warmed = "traffickstats.briefing.report" in sys.modules and \
    sys.modules["traffickstats.briefing.report"]._bundled.cache_info().currsize > 0 and \
    sys.modules["traffickstats.geo.names"]._tables.cache_info().currsize > 0

# %%
import json
import os
import random
import time

import numpy as np
import psutil

from traffickstats.briefing import page

page.title(f"Fixture {mark}")
state = {
    "mark": mark,
    "pid": os.getpid(),
    "parent": psutil.Process().parent().name(),
    "ppid": os.getppid(),
    "preloaded": preloaded,
    "warmed": warmed,
    "seen": {"variable": globals().get("ts_fixture_mark"), "module": getattr(json, "ts_fixture_mark", None),
             "environment": os.environ.get("TS_FIXTURE_MARK")},
    "numpy": float(np.random.random()),
    "random": random.random(),
    "cwd": os.getcwd(),
}
with open(record, "w", encoding="utf-8") as f:
    json.dump(state, f)

# what a report might leave behind: none of it may reach the next report's kernel
ts_fixture_mark = mark
json.ts_fixture_mark = mark
os.environ["TS_FIXTURE_MARK"] = mark
time.sleep(seconds)
page.paragraph(f"slept {seconds} s")
