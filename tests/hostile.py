"""Hostile and huge input files, made on the spot (nothing of this is committed).

Each function writes one file to ``path`` and returns it. The sizes default to those of the
files a user met in a scraped folder (see the README's reliability section); tests may ask for
smaller ones where the limit, not the size, is what is tested. Used by ``tests/test_limits.py``
and ``benchmarks/bench_hostile.py``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>')
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    '</Relationships>')
_MB = 1 << 20


def _docx_package(zf: zipfile.ZipFile) -> None:
    zf.writestr("[Content_Types].xml", _DOCX_TYPES)
    zf.writestr("_rels/.rels", _DOCX_RELS)


def docx_bomb(path: Path, inflated_mb: int = 400) -> Path:
    """A Word document whose ``word/document.xml`` inflates to ``inflated_mb`` MB (about 1,000:1)."""
    paragraph = f"<w:p><w:r><w:t>{'一' * 20}</w:t></w:r></w:p>".encode()
    chunk = paragraph * (_MB // len(paragraph))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _docx_package(zf)
        with zf.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode())
            for _ in range(inflated_mb):
                part.write(chunk)
            part.write(b"</w:body></w:document>")
    return path


def docx_entity_bomb(path: Path, levels: int = 10) -> Path:
    """A Word document whose ``document.xml`` declares nested XML entities ("billion laughs")."""
    entities = ['<!ENTITY e0 "政府信息公开">']
    entities += [f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, levels)]
    document = (f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [{"".join(entities)}]>'
                f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>&e{levels - 1};</w:t></w:r></w:p>'
                '</w:body></w:document>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _docx_package(zf)
        zf.writestr("word/document.xml", document)
    return path


def xlsx_cells(path: Path, n_cells: int = 2_000_000, columns: int = 20) -> Path:
    """A workbook with one sheet of ``n_cells`` filled number cells (``columns`` per row)."""
    letters = [chr(ord("A") + i) for i in range(columns)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '</Types>'))
        zf.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            '</Relationships>'))
        zf.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        zf.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            '</Relationships>'))
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            n_rows = -(-n_cells // columns)
            for first in range(1, n_rows + 1, 1000):
                rows = []
                for r in range(first, min(first + 1000, n_rows + 1)):
                    cells = "".join(f'<c r="{c}{r}"><v>{r * columns + i}</v></c>' for i, c in enumerate(letters))
                    rows.append(f'<row r="{r}">{cells}</row>')
                part.write("".join(rows).encode())
            part.write(b"</sheetData></worksheet>")
    return path


def deep_html(path: Path, depth: int = 200_000) -> Path:
    """An HTML page of ``depth`` nested ``<div>`` elements."""
    path.write_text("<html><body>" + "<div>" * depth + "政府信息公开" + "</div>" * depth + "</body></html>",
                    encoding="utf-8")
    return path


def huge_table_html(path: Path, megabytes: int = 18) -> Path:
    """An HTML page of one table of about ``megabytes`` MB (numbers, ten cells a row)."""
    rows = []
    size, n = 0, 0
    while size < megabytes * _MB:
        row = "<tr>" + "".join(f"<td>{n * 10 + i}</td>" for i in range(10)) + "</tr>\n"
        rows.append(row)
        size += len(row)
        n += 1
    path.write_text("<html><head><meta charset='utf-8'></head><body><h1>2024年政府信息公开工作年度报告</h1><table>"
                    + "".join(rows) + "</table></body></html>", encoding="utf-8")
    return path


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` (object n is ``objects[n - 1]``), its cross-reference table and trailer."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def long_pdf(path: Path, pages: int = 3000) -> Path:
    """A PDF of ``pages`` pages, each with one line of text (``Page n``)."""
    first_page = 4  # objects: 1 catalog, 2 page tree, 3 font, then a page and its content per page
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i in range(pages):
        stream = b"BT /F1 12 Tf 72 720 Td (Page %d) Tj ET" % (i + 1)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                       b"/Contents %d 0 R >>" % (first_page + 2 * i + 1))
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    path.write_bytes(_pdf(objects))
    return path


def cyclic_pdf(path: Path) -> Path:
    """A PDF whose page tree contains itself (the root ``/Pages`` is its own kid)."""
    stream = b"BT /F1 12 Tf 72 720 Td (Page 1) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
               b"/Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    path.write_bytes(_pdf(objects))
    return path


def corrupt_zip_directory(source: Path, path: Path) -> Path:
    """``source`` (a DOCX or XLSX) with its ZIP central directory overwritten by noise."""
    data = bytearray(source.read_bytes())
    directory = data.rfind(b"PK\x01\x02")
    start = data.find(b"PK\x01\x02")
    for i in range(start, directory + 46):
        data[i] = (i * 7919) % 251
    path.write_bytes(bytes(data))
    return path


HOSTILE = {  # name → (file name, maker), the files of the README's reliability figures
    "docx_bomb": ("bomb.docx", docx_bomb),
    "docx_entity_bomb": ("entities.docx", docx_entity_bomb),
    "xlsx_cells": ("cells.xlsx", xlsx_cells),
    "deep_html": ("deep.html", deep_html),
    "huge_table_html": ("huge-table.html", huge_table_html),
    "long_pdf": ("long.pdf", long_pdf),
    "cyclic_pdf": ("cyclic.pdf", cyclic_pdf),
}
