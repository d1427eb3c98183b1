"""Building a corpus: the third layer, from a folder of files to the output tables.

``pipeline`` (``ingest``: discover, parse, reconcile, store), ``engines`` and ``workers`` (where
files are parsed, and held to their limits), ``cache`` (parse results by content hash),
``store`` and ``outputs`` (the tables, declared once, as Parquet and DuckDB), ``overrides``,
``crossyear`` (checks across an agency's years), ``agency`` (region, level and type from the
name) and ``export`` (the Excel workbook). It uses :mod:`helpers.report` to read each file.
"""

from .pipeline import IngestSummary, ingest, read_manifest

__all__ = ["IngestSummary", "ingest", "read_manifest"]
