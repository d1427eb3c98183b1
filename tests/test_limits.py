"""Hostile and huge files: each gives its record (naming the figure and the limit) without being
read whole; a report cut short by a limit is ``partial`` and says what was not read; a folder
mixing them with real reports ingests with every real report exact.

The hostile files are made here (``hostile.py``), at the sizes a user met. Every parse runs in
a worker held to a 60 s wall time and a 1 GiB address space: a file that got past its limit
would end as ``timeout`` or as a memory error, not as the record asserted.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import replace

import pandas as pd
import pytest

import hostile
from helpers.corpus import ingest
from helpers.corpus.engines import parse_files
from helpers.limits import DEFAULT_LIMITS, Limits, describe
from helpers.report import parse_file

from support import FIXTURES, RAW

HTML_050 = RAW / "real" / "050_pingtan-shichangjianguanju_2025.html"
DOCX_044 = FIXTURES / "office" / "044_huaian_2024.docx"
XLSX_044 = FIXTURES / "office" / "044_huaian_2024.xlsx"
PDF_050 = FIXTURES / "rendered" / "050_pingtan-shichangjianguanju_2025.pdf"
GUARDED = replace(DEFAULT_LIMITS, timeout_s=60, worker_memory_mb=1024)


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    for name, make in hostile.HOSTILE.values():
        make(folder / name)
    hostile.corrupt_zip_directory(DOCX_044, folder / "corrupt-directory.docx")
    return folder


def _guarded(path, limits: Limits = GUARDED):
    [report] = parse_files([path], {"ocr": False, "limits": limits})
    return report


def _error(report) -> tuple[str, str]:
    assert report.status == "error", report.status
    return report.error["type"], report.error["message"]


# -- limits, declared once ----------------------------------------------------------------------

def test_limits_are_declared_once_with_their_defaults_and_documented():
    rows = describe()
    assert [name for name, _, _ in rows][:3] == ["html_mb", "text_mb", "docx_mb"]
    assert dict((n, d) for n, d, _ in rows)["pdf_pages"] == "60" and all(doc for _, _, doc in rows)


@pytest.mark.parametrize("pairs, message", [
    (["pages=3"], "unknown limit 'pages=3'"),
    (["pdf_pages"], "unknown limit 'pdf_pages'"),
    (["pdf_pages=many"], "limit pdf_pages needs a number"),
    (["timeout_s=0"], "must be positive"),
])
def test_a_bad_limit_flag_is_named(pairs, message):
    with pytest.raises(ValueError, match=message):
        Limits.parse(pairs)


def test_reading_limits_change_the_cache_variant_run_limits_do_not():
    assert Limits.parse(["timeout_s=10", "worker_memory_mb=100"]).variant() == ""
    assert Limits.parse(["xlsx_cells=5"]).variant() == ".limits-xlsx_cells=5"


# -- each hostile file: its record, from the limit that stops it --------------------------------

def test_a_docx_bomb_is_refused_from_the_archive_directory(hostile_dir):
    kind, message = _error(_guarded(hostile_dir / "bomb.docx"))
    assert kind == "bomb"
    assert message.startswith("word/document.xml inflates to 400.0 MB from 1.4 MB (ratio 295:1, over the 200:1 limit")


def test_a_part_over_the_size_limit_is_too_large(hostile_dir):
    limits = replace(GUARDED, zip_ratio=1000)  # not a bomb by ratio: the part's size stops it
    kind, message = _error(_guarded(hostile_dir / "bomb.docx", limits))
    assert kind == "too_large" and "inflates to 400.0 MB, over the 64.0 MB limit for one part" in message


def test_xml_entities_in_a_docx_are_a_bomb_not_expanded(hostile_dir):
    kind, message = _error(_guarded(hostile_dir / "entities.docx"))
    assert kind == "bomb" and message.startswith("word/document.xml declares XML entities")


def test_a_workbook_of_two_million_cells_is_too_large_before_openpyxl_loads_it(hostile_dir):
    kind, message = _error(_guarded(hostile_dir / "cells.xlsx"))
    assert kind == "too_large" and message.startswith("the sheets hold over 200,000 cells")


def test_cells_are_counted_exactly_across_chunks(tmp_path):
    from lxml import etree

    from helpers.readers.xlsx import _count_cells

    path = hostile.xlsx_cells(tmp_path / "cells.xlsx", n_cells=100_000, columns=7)  # 2.6 MB: three chunks
    for workbook, name in ((path, "xl/worksheets/sheet1.xml"), (XLSX_044, "xl/worksheets/sheet1.xml")):
        with zipfile.ZipFile(workbook) as zf:
            tree = etree.fromstring(zf.read(name))
            assert _count_cells(zf, name, "x") == len(tree.findall(".//{*}c"))
    with zipfile.ZipFile(path) as zf:
        assert _count_cells(zf, "xl/worksheets/sheet1.xml", "x") == 14_286 * 7


def test_a_few_cells_far_apart_are_too_large_not_a_grid_of_millions(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["ZZ90000"] = "2024年政府信息公开工作年度报告", 1
    workbook.save(tmp_path / "far.xlsx")
    kind, message = _error(_guarded(tmp_path / "far.xlsx"))
    assert kind == "too_large" and "spans 90,000 rows × 702 columns, over the 200,000-cell limit" in message


def test_a_page_nested_200000_deep_says_where_the_parser_stopped(hostile_dir):
    kind, message = _error(_guarded(hostile_dir / "deep.html"))
    assert kind == "too_large"
    assert message.startswith("the page nests elements deeper than 256 levels (line 1), the HTML parser's limit")


def test_an_18_mb_page_is_too_large_by_its_size(hostile_dir):
    kind, message = _error(_guarded(hostile_dir / "huge-table.html"))
    assert (kind, message) == ("too_large", "the file is 18.0 MB, over the 10.0 MB limit for html files "
                                            "(--limit html_mb=…)")


def test_a_table_over_the_row_limit_is_not_read(hostile_dir):
    kind, message = _error(_guarded(hostile_dir / "huge-table.html", replace(GUARDED, html_mb=20)))
    assert kind == "too_large"
    assert message.startswith("table 1 (line 1) has 117,562 rows, over the 5,000-row limit")


def test_a_3000_page_pdf_is_read_up_to_the_page_limit(hostile_dir):
    kind, message = _error(_guarded(hostile_dir / "long.pdf"))
    assert kind == "too_large" and message.startswith(
        "the PDF has 3,000 pages; pages 61–3,000 were not read (the limit is 60 pages")


def test_a_pdf_whose_page_tree_contains_itself_gives_its_record(hostile_dir):
    kind, _ = _error(_guarded(hostile_dir / "cyclic.pdf"))
    assert kind == "not_a_report"  # its one real page is read; the loop is not followed


def test_a_corrupt_zip_directory_is_a_corrupt_file(hostile_dir):
    kind, message = _error(_guarded(hostile_dir / "corrupt-directory.docx"))
    assert kind == "corrupt_file" and "central directory" in message


def test_a_directory_that_understates_a_part_never_inflates_past_it(tmp_path):
    """zipfile stops at the size the directory states; the CRC then fails: corrupt, never inflated."""
    path = hostile.docx_bomb(tmp_path / "lying.docx", inflated_mb=64)
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")  # the last entry: word/document.xml
    data[central + 24:central + 28] = (1000).to_bytes(4, "little")  # its uncompressed size
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("word/document.xml").file_size in (1000, 0xFFFFFFFF)
    assert _error(_guarded(path))[0] == "corrupt_file"


# -- a report cut short by a limit is partial and says so ---------------------------------------

def test_a_real_report_followed_by_deep_nesting_is_partial_with_the_cut_named(tmp_path):
    page = HTML_050.read_text(encoding="utf-8")  # a page fragment: the nesting follows it
    (tmp_path / "deep-tail.html").write_text(page + "<div>" * 300 + "x" + "</div>" * 300, encoding="utf-8")
    report, clean = _guarded(tmp_path / "deep-tail.html"), parse_file(HTML_050)
    assert report.status == "partial" and report.values == clean.values
    assert report.warnings[0].startswith("the page nests elements deeper than 256 levels")


def test_a_huge_extra_table_is_left_out_and_the_report_read(tmp_path):
    page = HTML_050.read_text(encoding="utf-8")
    end = page.rindex("</div>")  # the end of the report's container: the table is part of the report
    rows = "".join(f"<tr><td>{i}</td><td>{i}</td></tr>" for i in range(6000))
    (tmp_path / "extra.html").write_text(page[:end] + f"<table>{rows}</table>" + page[end:], encoding="utf-8")
    report, clean = _guarded(tmp_path / "extra.html"), parse_file(HTML_050)
    assert report.status == "partial" and report.values == clean.values
    assert any("has 6,000 rows, over the 5,000-row limit (--limit html_table_rows=…): not read" in w
               for w in report.warnings)


def test_a_pdf_cut_by_the_page_limit_is_partial_and_its_pages_counted():
    report = _guarded(PDF_050, replace(GUARDED, pdf_pages=3))
    assert report.status == "partial" and report.meta["page_count"] == 6
    assert report.warnings[0] == ("the PDF has 6 pages; pages 4–6 were not read (the limit is 3 pages: "
                                  "--limit pdf_pages=…)")
    assert parse_file(PDF_050, ocr=False).status == "ok"  # under the default limit: read whole


# -- the mixed folder -----------------------------------------------------------------------------

def test_a_folder_mixing_hostile_files_and_real_reports_ingests_every_file(hostile_dir, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in (HTML_050, DOCX_044, *sorted(hostile_dir.iterdir())):
        shutil.copy(path, raw / path.name)
    out = tmp_path / "out"
    summary = ingest(raw, out, workers=2, progress=False, ocr=False, limits=GUARDED)
    assert summary.n_files == 10 and summary.n_reports == 2 and summary.n_errors == 8
    errors = pd.read_parquet(out / "errors.parquet").set_index("file")["error_type"].to_dict()
    assert errors == {"bomb.docx": "bomb", "entities.docx": "bomb", "cells.xlsx": "too_large",
                      "deep.html": "too_large", "huge-table.html": "too_large", "long.pdf": "too_large",
                      "cyclic.pdf": "not_a_report", "corrupt-directory.docx": "corrupt_file"}
    reports = pd.read_parquet(out / "reports.parquet").set_index("file")
    assert set(reports["status"]) == {"ok"}
    cells = pd.read_parquet(out / "cells.parquet")
    for path in (HTML_050, DOCX_044):
        read = cells[cells["report_id"] == reports.loc[path.name, "report_id"]].set_index("key")["value"]
        expected = {k: v for k, v in parse_file(path).values.items()}
        assert {k: (None if pd.isna(v) else v) for k, v in read.items()} == expected


def test_the_readme_lists_every_limit_with_its_default_and_meaning():
    from support import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    rows = [line for line in readme if line.startswith("| `") and line.count("|") == 4]
    for name, default, doc in describe():
        assert f"| `{name}` | {int(float(default)):,} | {doc} |" in rows, name
