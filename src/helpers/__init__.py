"""OGI Workbook: China's government information disclosure annual reports as tidy tables.

>>> from helpers import read_report, schema
>>> schema.field("t3.review_total").label_zh
'行政复议 / 总计'
"""

from . import schema
from .errors import ReportError
from .report import PARSER_VERSION, Report, parse_file, read_report

__version__ = "0.1.0"
__all__ = ["PARSER_VERSION", "Report", "ReportError", "__version__", "parse_file", "read_report", "schema"]
