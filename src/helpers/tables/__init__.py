"""Find the report's tables in a document and map every cell to its canonical key."""

from __future__ import annotations

from .locate import table_regions
from .model import CellValue, RegionRow, TableResult
from .t1 import parse_t1
from .t2 import parse_t2
from .t3 import parse_t3
from .t4 import parse_t4

__all__ = ["CellValue", "RegionRow", "TableResult", "parse_t1", "parse_t2", "parse_t3", "parse_t4", "table_regions"]
