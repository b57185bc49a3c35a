# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["remove-cell"]
# Fixture notebook that always fails (generated test input for tests/test_pack.py).

# %% tags=["parameters"]
lang = "fr"

# %%
raise RuntimeError("deliberate failure <script>alert(1)</script>")
