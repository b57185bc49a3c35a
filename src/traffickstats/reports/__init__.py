"""The render engine: run parameterised notebooks (papermill) and export offline pages.

It knows no briefing content (``import traffickstats.reports.pack`` loads no briefing
module): notebooks and the plan are the content.

- ``parameters``: check and resolve parameters against a notebook's ``parameters`` cell
- ``kernel``: the kernel manager reports run with (local IPC sockets)
- ``runner``: ``render()`` one notebook to one HTML page (``render_pdf`` to a PDF)
- ``html``: the in-process HTML export with the packaged ``briefing`` template
- ``figures`` / ``printpdf`` / ``assets``: slides and thumbnails, Chromium print, plotly.js and map data
- ``outline``: what an executed report says about itself (title, key messages, sources, charts)
- ``deck`` / ``dossier`` / ``embed``: the PowerPoint deck, the A4 print dossier, each chart's own page
- ``plan``: which notebooks, parameters and languages a pack renders (a YAML file)
- ``pack``: render a plan in parallel, failure-isolated, with ``index`` (one page per language) and manifest
"""
