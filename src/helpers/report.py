"""One report, end to end: read the file, find and map its tables, check them, describe it.

>>> from helpers import read_report
>>> report = read_report("data/raw/seeds/002_ed735561ce7e8ab6.txt")  # doctest: +SKIP
>>> report.values["t2.new_received.total"]  # doctest: +SKIP
1
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import schema
from .tables.checks import Check, run_checks
from .document import MIN_CONFIDENCE, Document
from .errors import ATTACHMENT_ONLY, NOT_A_REPORT, PARSER_ERROR, TOO_LARGE, UNREADABLE, ReportError
from .tables.meta import Meta, attachment_links, extract_meta, find_sections, section_texts
from .normalize import norm
from .readers import input_format, read_document
from .tables import CellValue, TableResult, parse_t1, parse_t2, parse_t3, parse_t4, table_regions

PARSER_VERSION = "0.4.0"
CONTRACT = 1
OK, PARTIAL, ERROR = "ok", "partial", "error"

CELL_COLUMNS = ["key", "table", "subtable", "row", "column", "value", "raw_text", "label_zh", "printed_label",
                "unit", "dtype", "page", "line", "x", "derived", "source", "confidence"]


@dataclass
class Report:
    """A parsed report. ``values`` maps every key of its template to a number or None."""

    path: str
    sha256: str
    input_format: str
    status: str
    meta: dict = field(default_factory=dict)
    values: dict[str, int | float | None] = field(default_factory=dict)
    cell_records: list[CellValue] = field(default_factory=list)
    check_records: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)
    error: dict | None = None
    # an error of this run rather than of the file (out of time or memory, a dead worker): an
    # ingest cache does not keep it as the file's result, so the next ingest tries the file again
    retry: bool = False

    @property
    def cells(self) -> pd.DataFrame:
        """Tidy long table: one row per canonical cell with its printed text and position."""
        rows = []
        for rec in self.cell_records:
            f = schema.field(rec.key)
            rows.append({
                "key": rec.key, "table": f.table, "subtable": f.subtable, "row": f.row, "column": f.column,
                "value": rec.value, "raw_text": rec.raw, "label_zh": f.label_zh, "printed_label": rec.label,
                "unit": rec.unit or f.unit, "dtype": f.dtype, "page": rec.page, "line": rec.line, "x": rec.x,
                "derived": rec.derived, "source": rec.source, "confidence": rec.confidence,
            })
        frame = pd.DataFrame(rows, columns=CELL_COLUMNS)
        frame["value"] = pd.array(frame["value"].tolist(), dtype="Float64")
        for col in ("page", "line"):
            frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
        for col in ("x", "confidence"):
            frame[col] = pd.array(frame[col].tolist(), dtype="Float64")
        return frame

    @property
    def derived(self) -> list[str]:
        """Keys whose value the report does not print but its own arithmetic forces."""
        return [rec.key for rec in self.cell_records if rec.derived]

    @property
    def checks(self) -> pd.DataFrame:
        return pd.DataFrame([c.as_dict() for c in self.check_records],
                            columns=["id", "scope", "status", "detail", "blank_as_zero"])

    @property
    def template(self) -> str | None:
        return self.meta.get("template")

    def failed_checks(self) -> list[Check]:
        return [c for c in self.check_records if c.status == "fail"]

    def to_json(self) -> dict:
        """The record ``ogi parse --json`` prints (``output-contract.md``, contract 1)."""
        return {
            "contract": CONTRACT,
            "file": self.path,
            "sha256": self.sha256,
            "input_format": self.input_format,
            "status": self.status,
            "error": self.error,
            "meta": self.meta,
            "values": self.values,
            "checks": [c.as_dict() for c in self.check_records],
            "warnings": self.warnings,
            "derived": self.derived,
            "ocr_confidence": {rec.key: rec.confidence for rec in self.cell_records if rec.confidence is not None},
            "parser_version": PARSER_VERSION,
        }


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _year_template(year: int | None) -> str | None:
    if year is None:
        return None
    if year <= 2018:
        return schema.LEGACY
    return schema.GOV2019 if year <= 2020 else schema.GOV2021


def _decide_template(t1: TableResult, t2: TableResult, year_template: str | None) -> tuple[str | None, str]:
    """The report's format and how sure that is: table markers first, report year second."""
    for table in (t1, t2):
        if table.votes:
            template = max(table.votes, key=lambda t: (table.votes[t], t))
            return template, f"{table.name} labels"
    if year_template in schema.TEMPLATES:
        return year_template, "report year"
    return year_template, "none"


def analyse(doc: Document, path: str, sha256: str) -> Report:
    """Everything after reading: tables, values, checks, metadata, status."""
    headings = find_sections(doc)
    full_text = doc.plain_text()
    meta: Meta = extract_meta(doc, headings, full_text)
    year_template = _year_template(meta.report_year)
    regions = table_regions(doc, {h.block_index: h.key for h in headings})
    t2 = parse_t2(regions["t2"])
    t1_fallback = max(t2.votes, key=t2.votes.get) if t2.votes else (
        year_template if year_template in schema.TEMPLATES else None)
    t1 = parse_t1(regions["t1"], t1_fallback)
    t3 = parse_t3(regions["t3"])
    t4 = parse_t4(regions["t4"])
    found = [t for t in (t1, t2, t3) if t.found]
    text = norm(full_text[:20000])
    if not found and (len(headings) < 3 or "政府信息公开" not in text):
        links = attachment_links(doc)
        if links:
            shown = "; ".join(f"「{link}」" for link in links)
            raise ReportError(path, ATTACHMENT_ONLY,
                              f"the page holds no report, only a link to it as an attachment: {shown}; "
                              "the report is in that file, which is not part of this input")
        if doc.cuts:  # a limit stopped the reading before any report was found
            raise ReportError(path, TOO_LARGE, f"{'; '.join(doc.cuts)}; no report in what was read")
        raise ReportError(path, NOT_A_REPORT,
                          "not a government information disclosure annual report: no report tables and "
                          f"{len(headings)} of the six section headings found")
    warnings: list[str] = [*doc.cuts, *doc.warnings]  # a cut leaves the report partial
    short_rows = sum(t.short_rows for t in (t1, t2, t3, t4))
    if doc.edge_pages and short_rows:
        # a table that reaches the page's edge and rows a number short: a column was cut off
        warnings.append(f"page {', '.join(map(str, doc.edge_pages))}: a table runs to the edge of the page and "
                        f"{short_rows} rows lack a number: its outer column is cut off (not printed)")
    doubts = len(warnings) + sum(len(t.doubts) for t in (t1, t2, t3, t4))
    template, basis = _decide_template(t1, t2, year_template)
    if template == schema.LEGACY or (not found and year_template == schema.LEGACY):
        template = schema.LEGACY
        warnings.append("legacy (pre-2019) report format: its tables are not mapped to canonical keys")
    if t1.template and t2.votes and max(t2.votes, key=t2.votes.get) != t1.template:
        t2_style = max(t2.votes, key=t2.votes.get)
        warnings.append(f"mixed format: Table 1 is {t1.template}, Table 2's （六）其他处理 is printed as in {t2_style}")
    values: dict[str, int | float | None] = {}
    records: list[CellValue] = []
    if template in schema.TEMPLATES:
        wanted = schema.template_keys(template)
        by_key: dict[str, CellValue] = {}
        for table in (t1, t2, t3):
            by_key.update(table.cells)
        wanted_set = frozenset(wanted)
        extra = [k for k in by_key if k not in wanted_set and k.startswith("t2.") and by_key[k].raw is not None]
        optional = schema.optional_keys(template) if t4.found else ()
        by_key.update(t4.cells)
        for key in (*wanted, *extra, *optional):
            rec = by_key.get(key) or CellValue(key, None, None)
            values[key] = rec.value
            records.append(rec)
        if extra and template == schema.GOV2021:
            warnings.append("t2: the single （六）其他处理 row is recorded under t2.other; the three 2021 sub-rows are "
                            "not printed (derived where it prints 0, else null)")
            warnings.extend(_split_of_zero(values, records))
        distrusted = _distrust_low_confidence(values, records)
        warnings.extend(distrusted)
        doubts += len(distrusted)
    read_tables = [t1, t2, t3]
    if t4.found and template in schema.TEMPLATES and not schema.optional_keys(template):
        warnings.append(f"t4: a 信息处理费收取情况 table is printed, which the {template} format does not have; "
                        "it is not read")
        doubts -= len(t4.doubts)
    else:
        read_tables.append(t4)
    table_templates = {"t1": t1.template if t1.found else None,
                       "t2": (max(t2.votes, key=t2.votes.get) if t2.votes else None) if t2.found else None}
    for table in read_tables:
        warnings.extend(table.warnings)
    complete = _completeness(template, values, t1, t2, t3, warnings, bool(doc.ocr_pages))
    checks = run_checks(values, template, _printed_t2_rows(records)) if template in schema.TEMPLATES else []
    if doc.ocr_pages and any(c.status == "fail" for c in checks):
        failed = ", ".join(sorted({f"{c.id}:{c.scope}" for c in checks if c.status == "fail"}))
        warnings.append(f"OCR: checks fail ({failed}): a value on the OCR'd pages may be misread; compare with the scan")
        doubts += 1
    status = OK if complete and not doubts else PARTIAL
    meta_out = {
        "agency_name": meta.agency_name,
        "report_year": meta.report_year,
        "template": template,
        "published_date": meta.published_date,
        "template_basis": basis,
        "table_templates": table_templates,
        "agency_name_source": meta.agency_name_source,
        "report_year_source": meta.report_year_source,
        "published_date_raw": meta.published_date_raw,
        "title": meta.title,
        "period_start": meta.period.start if meta.period else None,
        "period_end": meta.period.end if meta.period else None,
        "is_part_year": meta.period.is_part_year if meta.period else None,
        "period_raw": meta.period.raw if meta.period else None,
        "encoding": doc.encoding,
        "page_count": doc.page_count,
        "tables_found": {t.name: t.found for t in (t1, t2, t3, t4)},
        "table_lines": {t.name: t.first_line for t in (t1, t2, t3, t4)},
        "sections_found": [h.key for h in headings],
        "ocr_pages": list(doc.ocr_pages),
    }
    return Report(path, sha256, doc.input_format, status, meta_out, values, records, checks, warnings,
                  section_texts(doc, headings))


def _scope(key: str) -> str:
    """What a derived value rests on: a Table 2 row, Table 3, a Table 1 sub-table."""
    f = schema.field(key)
    if f.table == "t2":
        return "t2.other" if f.row in schema.T2_OTHER_2021 or f.row == schema.T2_OTHER_2019 else f"t2.{f.row}"
    return f"{f.table}.{f.subtable or ''}"


def _distrust_low_confidence(values: dict, records: list[CellValue]) -> list[str]:
    """OCR'd values recognised with less than :data:`~helpers.document.MIN_CONFIDENCE` are left
    null (their printed text is kept), and so is any value derived from the same row or table."""
    low = [rec for rec in records if rec.confidence is not None and rec.confidence < MIN_CONFIDENCE
           and rec.value is not None]
    if not low:
        return []
    warnings = []
    for rec in low:
        warnings.append(f"{rec.key}: OCR read 「{rec.raw}」 with confidence {rec.confidence:.2f} (below "
                        f"{MIN_CONFIDENCE}); value left null (page {rec.page})")
        values[rec.key] = None
        rec.value = None
    scopes = {_scope(rec.key) for rec in low}
    for i, rec in enumerate(records):
        if rec.derived and _scope(rec.key) in scopes:
            warnings.append(f"{rec.key}: not derived: a value it rests on was read with low confidence")
            values[rec.key] = None
            records[i] = CellValue(rec.key, None, None, rec.label)
    return warnings


def _split_of_zero(values: dict, records: list[CellValue]) -> list[str]:
    """A 2021 report printing one 「（六）其他处理」 row: where it prints 0, its three sub-rows
    are 0 too (counts are never negative), so they are filled, marked derived. Nothing else is."""
    by_key = {rec.key: i for i, rec in enumerate(records)}
    columns = []
    for col in schema.COLS7:
        if values.get(schema.t2_key(schema.T2_OTHER_2019, col)) != 0:
            continue
        keys = [schema.t2_key(row, col) for row in schema.T2_OTHER_2021]
        if any(values.get(k) is not None or k not in by_key or records[by_key[k]].raw is not None for k in keys):
            continue
        for key in keys:
            values[key] = 0
            old = records[by_key[key]]
            records[by_key[key]] = CellValue(key, 0, None, old.label, derived=True)
        columns.append(col)
    if not columns:
        return []
    return [f"t2.other_no_correction/other_fee_unpaid/other_misc: derived 0 in {', '.join(columns)}: the single "
            "（六）其他处理 row prints 0 there, and three counts that add up to 0 are each 0"]


def _printed_t2_rows(records: list[CellValue]) -> list[str]:
    rows: dict[str, None] = {}  # in order of first appearance
    for rec in records:
        if rec.raw is not None and rec.key.startswith("t2."):
            rows[schema.field(rec.key).row] = None
    return list(rows)


def _completeness(template, values, t1, t2, t3, warnings, ocr: bool = False) -> bool:
    if template not in schema.TEMPLATES:
        return False
    complete = True
    names = {"t1": "Table 1 (主动公开)", "t2": "Table 2 (依申请)", "t3": "Table 3 (复议诉讼)"}
    for table in (t1, t2, t3):
        if not table.found:
            warnings.append(f"{table.name}: {names[table.name]} not found")
            complete = False
    if t1.found:
        def unprinted(sub, row) -> bool:
            cells = (t1.cells.get(schema.t1_key(sub.key, row.key, c.key)) for c in sub.columns)
            return all(cell is None or cell.raw is None for cell in cells)

        subtables = schema.T1_BY_TEMPLATE[template]
        missing = [s.key for s in subtables if all(unprinted(s, r) for r in s.rows)]
        if missing:
            warnings.append(f"t1: sub-tables not printed or cut off: {', '.join(missing)}")
            complete = False
        absent = [f"{s.key}.{r.key}" for s in subtables if s.key not in missing for r in s.rows if unprinted(s, r)]
        if absent and ocr:  # some offices leave a row out; on OCR'd pages its label may be misread
            warnings.append(f"t1: rows not found on the OCR'd pages (not printed, or a label misread): "
                            f"{', '.join(absent)}")
            complete = False
        elif absent:
            # the report leaves the row out (e.g. no 规章 row under 第二十条第（一）项): nothing was
            # missed, so the report stays complete, but its values are null, not 0
            left_out = [a for a in absent if a not in t1.printed_rows]
            if left_out:
                warnings.append(f"t1: the report does not print these rows (their values are null, not 0): "
                                f"{', '.join(left_out)}")
    if t2.found:
        printed = {schema.field(k).row for k, v in t2.cells.items() if v.raw is not None}
        labelled = set(printed) | {k.split(".")[1] for k in t2.cells}
        missing = [r.key for r in schema.t2_data_rows(template)
                   if r.key not in labelled and not (r.key in schema.T2_OTHER_2021 and "other" in labelled)]
        if missing:
            warnings.append(f"t2: rows not found (table cut off?): {', '.join(missing)}")
            complete = False
    return complete


def read_report(path: str | Path, sha256: str | None = None, **options) -> Report:
    """Parse one report file. Raises :class:`~helpers.errors.ReportError` if it is not readable as one.

    ``sha256``: the file's hash when the caller has it already (it is then not hashed again).
    ``options`` go to the reader: for PDFs ``ocr`` (default True: scanned pages are OCR'd),
    ``ocr_cache`` (a folder for recognised pages) and ``progress`` (a bar per OCR'd page).
    """
    path_str = str(path)
    try:
        sha = sha256 or file_sha256(path)
    except OSError as exc:
        raise ReportError(path_str, UNREADABLE, f"cannot open the file: {exc.strerror or exc}") from exc
    doc = read_document(path, **options)
    return analyse(doc, path_str, sha)


def parse_file(path: str | Path, sha256: str | None = None, **options) -> Report:
    """Like :func:`read_report`, but a bad file gives a report with status ``error`` instead of raising.

    An unexpected exception (a bug, or a library failing on a file no test has seen) becomes an
    error record of type ``parser_error`` naming it, so that a batch goes on.
    """
    try:
        return read_report(path, sha256, **options)
    except ReportError as exc:
        record = exc.as_record()
    except MemoryError:
        return error_report(path, sha256, TOO_LARGE, "reading it needed more memory than this process may use "
                                                     "(an ingest worker's limit: --limit worker_memory_mb=…)",
                            retry=True)
    except Exception as exc:  # noqa: BLE001 - the batch must go on; the record names the failure
        record = {"type": PARSER_ERROR, "message": f"unexpected {type(exc).__name__}: {exc}"}
    return error_report(path, sha256, record["type"], record["message"])


def error_report(path: str | Path, sha256: str | None, kind: str, message: str, retry: bool = False) -> Report:
    """The report of a file that could not be read: status ``error``, its record, no values.
    ``retry``: the error belongs to this run, not to the file (see :attr:`Report.retry`)."""
    try:
        sha = sha256 or file_sha256(path)
    except OSError:
        sha = None
    return Report(str(path), sha, input_format(path), ERROR, {
        "agency_name": None, "report_year": None, "template": None, "published_date": None,
    }, error={"type": kind, "message": message}, retry=retry)


def report_summary(report: Report) -> str:
    """One line for a terminal: status, agency, year, format, failed checks, warnings."""
    if report.status == ERROR:
        return f"{report.path}: error ({report.error['type']}): {report.error['message']}"
    failed = sorted({f"{c.id}:{c.scope}" for c in report.failed_checks()})
    meta = report.meta
    return (f"{report.path}: {report.status} | {meta.get('agency_name') or '?'} | {meta.get('report_year') or '?'} | "
            f"{meta.get('template') or '?'} | {sum(v is not None for v in report.values.values())}/{len(report.values)} values | "
            f"checks failed: {', '.join(failed) if failed else 'none'} | warnings: {len(report.warnings)}")


__all__ = ["PARSER_VERSION", "Report", "analyse", "error_report", "parse_file", "read_report", "report_summary"]
