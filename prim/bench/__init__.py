"""`make bench`: the application measured at national scale (figures printed, nothing asserted).

- ``seed``: the country (1,503 communes with a full PAC cycle each), written in bulk; reused by
  the tests on a small country.
- ``pages``: country, region, province and commune pages against the same figures in one SQL
  query (the floor).
- ``weights``: bytes of a first and a repeat visit, and the step form on a slow 3G link, in
  Chromium against a real server (DEBUG off, WhiteNoise, collected static files).
- ``later``: national export and imports, wired when those features exist.
- ``annex``: the PAC annex with its background workers.

``python -m prim.bench --help`` lists the options. Importing this package has no side effect.
"""
