"""Property-based robustness tests: arbitrary, mutated and binary inputs never crash the parser.

Contract under test: ``read_report`` returns a Report or raises ``ReportError`` (nothing else);
``parse_file`` never raises for bad inputs; a returned Report's values are None/int/float keyed by
``t1.``/``t2.``/``t3.`` strings.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from helpers import ReportError, parse_file, read_report
from helpers.report import Report

ROOT = Path(__file__).resolve().parents[1]
SEED_PATHS = sorted((ROOT / "data" / "raw" / "seeds").glob("*.txt"))
PARTIAL_PATHS = sorted((ROOT / "data" / "raw" / "partial").glob("*.txt"))
SEEDS = [p.read_text(encoding="utf-8") for p in SEED_PATHS]
ALL_TEXTS = SEEDS + [p.read_text(encoding="utf-8") for p in PARTIAL_PATHS]
BLANKS = ["—", "/", "无", "", "-", "－", " "]
ERROR_KINDS = {"empty_file", "binary_file", "undecodable_text", "not_a_report", "unsupported_format",
               "unreadable_file", "corrupt_file", "encrypted", "no_text_layer", "converter_missing"}

SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}


def _write_tmp(data: bytes, suffix: str = ".txt") -> str:
    fd, path = tempfile.mkstemp(suffix=suffix, prefix="ogi_prop_")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path


def _read(data: bytes) -> Report | None:
    """read_report on the bytes: a Report, or None after a ReportError; anything else propagates."""
    path = _write_tmp(data)
    try:
        report = read_report(path)
    except ReportError as err:
        assert err.kind in ERROR_KINDS
        assert err.path == path
        assert isinstance(err.message, str) and err.message
        event(f"ReportError {err.kind}")
        return None
    finally:
        os.unlink(path)
    assert isinstance(report, Report)
    assert report.status in {"ok", "partial"}
    event(f"Report {report.status}")
    return report


def _assert_report_shape(report: Report) -> None:
    assert isinstance(report.values, dict)
    for key, value in report.values.items():
        assert isinstance(key, str)
        assert key.startswith(("t1.", "t2.", "t3.")), key
        assert value is None or (type(value) in (int, float)), (key, value)
        if isinstance(value, float):
            assert not math.isnan(value), key
    assert all(isinstance(w, str) for w in report.warnings)
    json.dumps(report.to_json(), ensure_ascii=False)


# --- (a) arbitrary unicode text -----------------------------------------------------------------

@settings(max_examples=300, **SETTINGS)
@given(st.text(max_size=2000))
def test_arbitrary_text_gives_report_or_report_error(text):
    report = _read(text.encode("utf-8", "surrogatepass"))
    if report is not None:
        _assert_report_shape(report)


# Text built from report-ish vocabulary, so the parser gets past "not a report" more often.
_WORDS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
          "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
          "政府信息公开", "年度报告", "2020年", "规章", "规范性文件", "行政许可", "行政处罚", "行政强制",
          "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "予以公开", "总计", "结转下年度继续办理",
          "行政复议", "行政诉讼", "维持", "纠正", "其他结果", "尚未审结", "自然人", "商业企业", "\t", "\n", "\t\t",
          "0", "1", "12", "3.5", "—", "/", "无", " ", "|", "||", "  "]


@settings(max_examples=200, **SETTINGS)
@given(st.lists(st.one_of(st.sampled_from(_WORDS),
                          st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=5)), max_size=300))
def test_report_vocabulary_soup(parts):
    report = _read("".join(parts).encode("utf-8", "surrogatepass"))
    if report is not None:
        _assert_report_shape(report)


# --- (b) mutated real reports -------------------------------------------------------------------

def _cell_texts(draw) -> str:
    return draw(st.one_of(
        st.sampled_from(BLANKS),
        st.integers(min_value=-10, max_value=10**9).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
        st.text(alphabet="0123456789.,-—/无 ", max_size=8),
    ))


@st.composite
def mutated_report(draw):
    text = draw(st.sampled_from(ALL_TEXTS))
    lines = text.split("\n")
    n_ops = draw(st.integers(min_value=1, max_value=8))
    for _ in range(n_ops):
        if not lines:
            lines = [""]
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "cell", "cell", "whitespace", "truncate"]))
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        if op == "delete":
            count = draw(st.integers(min_value=1, max_value=20))
            del lines[i:i + count]
        elif op == "duplicate":
            count = draw(st.integers(min_value=1, max_value=10))
            lines[i:i] = lines[i:i + count]
        elif op == "swap":
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "cell":
            tabbed = [k for k, ln in enumerate(lines) if "\t" in ln]
            if tabbed:
                for _ in range(draw(st.integers(min_value=1, max_value=15))):
                    k = draw(st.sampled_from(tabbed))
                    cells = lines[k].split("\t")
                    c = draw(st.integers(min_value=0, max_value=len(cells) - 1))
                    cells[c] = _cell_texts(draw)
                    lines[k] = "\t".join(cells)
        elif op == "whitespace":
            line = lines[i]
            pos = draw(st.integers(min_value=0, max_value=len(line)))
            ins = draw(st.text(alphabet="\t \u3000", min_size=1, max_size=4))
            lines[i] = line[:pos] + ins + line[pos:]
        elif op == "truncate":
            joined = "\n".join(lines)
            # (test_truncated_seed covers offsets from 0; here keep enough text to stay report-like)
            cut = draw(st.integers(min_value=len(joined) // 3, max_value=len(joined)))
            lines = joined[:cut].split("\n")
    return "\n".join(lines)


@settings(max_examples=600, **SETTINGS)
@given(mutated_report())
def test_mutated_reports(text):
    report = _read(text.encode("utf-8"))
    if report is not None:
        _assert_report_shape(report)


@settings(max_examples=150, **SETTINGS)
@given(st.sampled_from(SEEDS), st.data())
def test_truncated_seed(text, data):
    cut = data.draw(st.integers(min_value=0, max_value=len(text)))
    report = _read(text[:cut].encode("utf-8"))
    if report is not None:
        _assert_report_shape(report)


@settings(max_examples=120, **SETTINGS)
@given(st.sampled_from(SEEDS), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]), st.data())
def test_mutated_reports_other_encodings(text, codec, data):
    # whole-byte truncation may split a multi-byte character: still only Report or ReportError
    raw = text.encode(codec)
    cut = data.draw(st.integers(min_value=0, max_value=len(raw)))
    report = _read(raw[:cut])
    if report is not None:
        _assert_report_shape(report)


# --- (c) random bytes ---------------------------------------------------------------------------

def _parse_bytes(data: bytes, suffix: str = ".txt") -> Report:
    path = _write_tmp(data, suffix)
    try:
        report = parse_file(path)
    finally:
        os.unlink(path)
    assert isinstance(report, Report)
    assert report.status in {"ok", "partial", "error"}
    if report.status == "error":
        assert set(report.error) == {"type", "message"}
        assert report.error["type"] in ERROR_KINDS
    else:
        assert report.error is None
        _assert_report_shape(report)
    json.dumps(report.to_json(), ensure_ascii=False)
    return report


@settings(max_examples=300, **SETTINGS)
@given(st.binary(max_size=4000))
def test_random_bytes_parse_file_never_raises(data):
    _parse_bytes(data)


@settings(max_examples=200, **SETTINGS)
@given(st.sampled_from(SEEDS), st.data())
def test_seed_bytes_corrupted(text, data):
    raw = bytearray(text.encode(data.draw(st.sampled_from(["utf-8", "gb18030"]))))
    for _ in range(data.draw(st.integers(min_value=1, max_value=20))):
        pos = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
        raw[pos] = data.draw(st.sampled_from([0x00, 0xFF, 0x80, 0xC3, 0xFE, 0x1B, 0x0C])) \
            if data.draw(st.booleans()) else data.draw(st.integers(min_value=0, max_value=255))
    _parse_bytes(bytes(raw))


@settings(max_examples=60, **SETTINGS)
@given(st.binary(max_size=500), st.sampled_from([".txt", ".md", ".pdf", ".html", ".docx", ".xlsx", "", ".bin"]))
def test_random_bytes_any_suffix(data, suffix):
    """Random bytes under any name give an error record, never an exception."""
    report = _parse_bytes(data, suffix)
    assert report.status == "error" or report.status in {"ok", "partial"}
    if report.status == "error":
        assert report.error["type"] in ERROR_KINDS
    if suffix in {"", ".bin"}:
        assert report.error["type"] == "unsupported_format"
