"""Exact error records for unreadable inputs, encoding detection, and the CLI's error contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ReportError, parse_file, read_report
from helpers.errors import (
    ATTACHMENT_ONLY,
    BINARY_FILE,
    EMPTY_FILE,
    NOT_A_REPORT,
    UNDECODABLE,
    UNREADABLE,
    UNSUPPORTED_FORMAT,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "seeds" / "002_ed735561ce7e8ab6.txt"

EMPTY_MSG = "the file is empty"
NUL_MSG = "binary file (NUL bytes), not text"
NOT_CHINESE_MSG = "bytes are neither UTF-8 nor a Chinese encoding (GB18030/GBK, Big5)"
NOT_REPORT_MSG = ("not a government information disclosure annual report: no report tables and "
                  "0 of the six section headings found")

NEWS = ("新华社北京电 今天上午，全国多地迎来降温天气。据气象台预报，本周末北方地区将出现大风和降雨，"
        "请市民注意防寒保暖，合理安排出行。交通部门提醒，雨雪天气请减速慢行。\n"
        "另据报道，春节假期铁路客流持续增长，各地车站加开临时列车。\n")

PNG_LIKE = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00" + bytes(range(256))
# 0xFF never starts a GB18030/GBK/Big5 sequence and is never valid UTF-8.
HIGH_BYTES = bytes([0xFF, 0xFD, 0x80, 0xFF]) * 50


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _error(path: Path) -> ReportError:
    with pytest.raises(ReportError) as info:
        read_report(path)
    return info.value


def _assert_error(path: Path, kind: str, message: str | None = None) -> None:
    err = _error(path)
    assert err.kind == kind
    assert err.path == str(path)
    if message is not None:
        assert err.message == message
        assert err.as_record() == {"type": kind, "message": message}
    assert str(err) == f"{path}: {err.message}"
    # parse_file gives the same record instead of raising
    report = parse_file(path)
    assert report.status == "error"
    assert report.error == err.as_record()
    assert report.values == {}
    assert report.meta == {"agency_name": None, "report_year": None, "template": None, "published_date": None}
    record = report.to_json()
    assert record["status"] == "error" and record["error"] == err.as_record()
    json.dumps(record, ensure_ascii=False)


# --- error records ------------------------------------------------------------------------------

def test_empty_file(tmp_path):
    path = _write(tmp_path, "empty.txt", b"")
    _assert_error(path, EMPTY_FILE, EMPTY_MSG)
    assert parse_file(path).sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("data", [b" ", b"\n\n\n", b"  \t \r\n \n\t"], ids=["space", "newlines", "mixed"])
def test_whitespace_only_file(tmp_path, data):
    _assert_error(_write(tmp_path, "blank.txt", data), EMPTY_FILE, EMPTY_MSG)


def test_binary_png_like_file(tmp_path):
    _assert_error(_write(tmp_path, "image.txt", PNG_LIKE), BINARY_FILE, NUL_MSG)


def test_binary_with_nul_bytes_in_otherwise_text(tmp_path):
    data = SEED.read_bytes()[:2000] + b"\x00\x00\x00\x00" + SEED.read_bytes()[2000:]
    _assert_error(_write(tmp_path, "nul.txt", data), BINARY_FILE, NUL_MSG)


def test_undecodable_high_bytes(tmp_path):
    for enc in ("utf-8", "gb18030", "gbk", "big5"):
        with pytest.raises(UnicodeDecodeError):
            HIGH_BYTES.decode(enc)
    _assert_error(_write(tmp_path, "high.txt", HIGH_BYTES), UNDECODABLE, NOT_CHINESE_MSG)


def test_undecodable_only_ff(tmp_path):
    _assert_error(_write(tmp_path, "ff.txt", b"\xff" * 100), UNDECODABLE, NOT_CHINESE_MSG)


def test_utf8_news_is_not_a_report(tmp_path):
    _assert_error(_write(tmp_path, "news.txt", NEWS.encode("utf-8")), NOT_A_REPORT, NOT_REPORT_MSG)


def test_ascii_text_is_not_a_report(tmp_path):
    _assert_error(_write(tmp_path, "hello.txt", b"hello world\nnothing to see here\n"), NOT_A_REPORT, NOT_REPORT_MSG)



def test_page_with_only_a_link_to_its_report_attachment():
    """平潭公安局 2020: the page holds the title and a link to a .doc the archive does not have."""
    path = ROOT / "data" / "raw" / "panel" / "pingtan-gonganju_2020.html"
    _assert_error(path, ATTACHMENT_ONLY,
                  "the page holds no report, only a link to it as an attachment: "
                  "「平潭综合实验区公安局2020年政府信息公开工作年度报告.doc」; the report is in that file, "
                  "which is not part of this input")


@pytest.mark.parametrize("suffix", ["doc", "docx", "pdf", "wps", "xls"])
def test_any_attachment_only_page_says_so(tmp_path, suffix):
    page = (f"<html><body><h1>某某局2021年政府信息公开工作年度报告</h1><p>发布时间：2022-01-20</p>"
            f"<ul><li><a href='./a.{suffix}'>某某局2021年政府信息公开工作年度报告.{suffix}</a></li>"
            f"<li><a href='./b.pdf'>附件2：政府信息公开工作年度报告附表.pdf</a></li></ul></body></html>")
    err = _error(_write(tmp_path, "page.html", page.encode("utf-8")))
    assert err.kind == ATTACHMENT_ONLY
    assert f"「某某局2021年政府信息公开工作年度报告.{suffix}」; 「政府信息公开工作年度报告附表.pdf」" in err.message


def test_a_page_with_a_file_link_but_no_report_is_not_a_report(tmp_path):
    page = "<html><body><h1>办事指南</h1><p><a href='./g.pdf'>办事指南.pdf</a></p></body></html>"
    _assert_error(_write(tmp_path, "guide.html", page.encode("utf-8")), NOT_A_REPORT, NOT_REPORT_MSG)


@pytest.mark.parametrize("suffix,fmt", [(".rtf", "rtf"), (".zip", "zip"), ("", "unknown")])
def test_unsupported_format(tmp_path, suffix, fmt):
    # even a real report's text under an extension no reader handles is refused
    path = _write(tmp_path, "report" + suffix, SEED.read_bytes())
    report = parse_file(path)
    assert report.status == "error" and report.error["type"] == UNSUPPORTED_FORMAT
    assert report.error["message"].startswith(f"no reader for {fmt!r} files (supported: ")
    assert report.input_format == fmt


def test_missing_path(tmp_path):
    path = tmp_path / "does-not-exist.txt"
    _assert_error(path, UNREADABLE, "cannot open the file: No such file or directory")
    assert parse_file(path).sha256 is None


def test_directory_path_is_unreadable(tmp_path):
    err = _error(tmp_path)
    assert err.kind == UNREADABLE
    assert err.message.startswith("cannot open the file: ")


# --- encodings ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def original():
    report = read_report(SEED)
    assert report.status == "ok"
    assert report.meta["encoding"] == "utf-8"
    return report


@pytest.mark.parametrize("codec,expected", [
    ("gb18030", "gb18030"),
    ("utf-8-sig", "utf-8-sig"),
    ("gbk", "gb18030"),  # GBK is a subset of GB18030: decoded with the superset
])
def test_reencoded_seed_gives_same_values(tmp_path, original, codec, expected):
    text = SEED.read_text(encoding="utf-8")
    data = text.encode(codec)
    if codec != "utf-8-sig":
        assert not data.startswith(b"\xef\xbb\xbf")
    path = _write(tmp_path, f"seed_{codec}.txt", data)
    report = read_report(path)
    assert report.meta["encoding"] == expected
    assert report.status == original.status
    assert report.values == original.values
    assert report.meta["agency_name"] == original.meta["agency_name"] == "广州市增城区小楼镇人民政府"
    assert report.meta["report_year"] == original.meta["report_year"] == 2020
    assert report.warnings == original.warnings


# --- CLI ----------------------------------------------------------------------------------------

def _run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "helpers.cli", *args], capture_output=True, text=True, check=False,
                          encoding="utf-8", cwd=ROOT, timeout=120)


def test_cli_good_seed_and_empty_file(tmp_path):
    empty = _write(tmp_path, "empty.txt", b"")
    proc = _run_cli("parse", str(SEED), str(empty), "--json")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    assert len(lines) == 2
    good, bad = (json.loads(ln) for ln in lines)
    assert good["file"] == str(SEED)
    assert good["status"] == "ok" and good["error"] is None
    assert good["meta"]["agency_name"] == "广州市增城区小楼镇人民政府"
    assert bad["file"] == str(empty)
    assert bad["status"] == "error"
    assert bad["error"] == {"type": "empty_file", "message": EMPTY_MSG}
    assert bad["values"] == {}


def test_cli_all_good_exit_zero():
    proc = _run_cli("parse", str(SEED), "--json")
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 1


def test_cli_no_arguments_is_usage_error():
    proc = _run_cli()
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    proc = _run_cli("parse")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


# --- emptiness is judged on the decoded text, after the byte-order mark ---

# regression: a BOM-only or U+3000-only file was reported as not_a_report
@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b"\xef\xbb\xbf  \r\n\n", b"\xff\xfe", "\u3000\u3000\n".encode("utf-8")],
                         ids=["utf8-bom-only", "utf8-bom-whitespace", "utf16-bom-only", "ideographic-space-only"])
def test_bom_or_unicode_whitespace_only_is_empty(tmp_path, data):
    _assert_error(_write(tmp_path, "blank.txt", data), EMPTY_FILE, EMPTY_MSG)
