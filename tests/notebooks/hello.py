# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["remove-cell"]
# Fixture notebook for tests/test_runner.py and tests/test_pack.py (generated test input, no real data).

# %% tags=["parameters"]
lang = "fr"  # report language
name = "monde"
count = 3
ratio = 0.5
items = ["a", "b"]
chart = True
fail = False

# %%
from IPython.display import display

from traffickstats.briefing import page

page.title(f"Fixture {name}")
page.paragraph(f"count={count!r} ratio={ratio!r} items={items!r} lang={lang}")
print("a line on stdout")
import sys
print("a warning on stderr", file=sys.stderr)

# %%
if chart:
    import plotly.graph_objects as go
    import plotly.io as pio

    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"title": {"text": "fixture chart"}})
    # what traffickstats.charts.show() emits: text/html figure + the figure JSON, named
    div = pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id="ts-fixture-chart")
    display(
        {"text/html": f'<figure class="ts-chart">{div}</figure>',
         "application/vnd.plotly.v1+json": fig.to_plotly_json(), "text/plain": "fixture chart"},
        raw=True, metadata={"traffickstats": {"name": "fixture_bar"}},
    )
    # a bare fig.show(): the runner's kernel uses the plotly_mimetype renderer
    go.Figure(go.Scatter(x=[1, 2], y=[3, 1])).show()

# %%
if fail:
    raise ValueError(f"fixture failure <b>{name}</b>")
