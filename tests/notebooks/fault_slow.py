# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["remove-cell"]
# Fixture notebook for tests/test_faults.py (generated test input, no data): a report that
# takes `seconds` to run, so a test can interrupt a pack while it is in flight.

# %% tags=["parameters"]
lang = "fr"
seconds = 0.0
name = "slow"

# %%
import time

from traffickstats.briefing import page

page.title(f"Fixture {name}")
time.sleep(seconds)
page.paragraph(f"slept {seconds} s")
