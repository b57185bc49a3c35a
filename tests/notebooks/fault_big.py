# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["remove-cell"]
# Fixture notebook for tests/test_faults.py (generated test input, no data): a report whose
# page and executed notebook each weigh about `kib` KiB of generated text, so that a test can
# fill a small disk with it.

# %% tags=["parameters"]
lang = "fr"
kib = 256
name = "big"

# %%
import hashlib

from traffickstats.briefing import page

page.title(f"Fixture {name}")
# hex digests: text that neither repeats nor compresses well, made up for the test
block = "".join(hashlib.sha256(f"{name}{i}".encode()).hexdigest() for i in range(kib * 1024 // 64))
page.paragraph(block)
