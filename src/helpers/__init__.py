"""OGI Workbook: China's government information disclosure annual reports as tidy tables.

Four layers, each a folder that imports only the ones before it (``tests/test_layers.py``):
``readers`` (a file → the document model), ``tables`` (a document → canonical values, checks,
metadata), ``corpus`` (a folder → the output tables) and ``analysis`` (the tables → metrics,
views, charts). The core declarations (``schema``, ``document``, ``values``, ``normalize``,
``errors``, ``limits``, ``fileio``) sit here beside the faces: ``report`` (one file) and ``cli``.

>>> from helpers import read_report, schema
>>> schema.field("t3.review_total").label_zh
'行政复议 / 总计'
"""

from importlib import import_module

from . import schema
from .errors import ReportError
from .report import PARSER_VERSION, Report, parse_file, read_report

__version__ = "0.1.0"
__all__ = ["PARSER_VERSION", "Report", "ReportError", "__version__", "parse_file", "read_report", "schema"]

# modules the notebooks import by their short name (``from helpers import charts``), loaded on first use
_SHORT_NAMES = {"charts": "analysis.charts", "views": "analysis.views", "panel": "analysis.panel",
                "agency": "corpus.agency", "outputs": "corpus.outputs", "export": "corpus.export"}


def __getattr__(name: str):
    if name in _SHORT_NAMES:
        return import_module(f".{_SHORT_NAMES[name]}", __name__)
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")
