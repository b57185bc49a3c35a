# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["remove-cell"]
# Fixture notebook for tests/test_faults.py (generated test input, no data): its kernel
# process kills itself with SIGKILL, as an out-of-memory kill or a crash would.

# %% tags=["parameters"]
lang = "fr"

# %%
from traffickstats.briefing import page

page.title("Fixture: the kernel dies")

# %%
import os
import signal

os.kill(os.getpid(), signal.SIGKILL)
