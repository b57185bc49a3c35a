"""Briefing reports: run parameterised notebooks (papermill) and export offline HTML (nbconvert).

- ``parameters``: check parameters against a notebook's ``parameters`` cell before anything runs
- ``runner``: ``render()`` one notebook to one HTML file
- ``html``: the in-process HTML export with the packaged ``briefing`` template
- ``pack``: the whole conference pack, parallel and failure-isolated, with index and manifest
- ``briefing``: helpers the notebooks call (titles, sections, escaped tables, data gaps)
"""
