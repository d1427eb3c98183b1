"""The ingest cache: packs written whole, entries found by (sha256, format), summaries and rows read apart."""

from __future__ import annotations

import os

import pytest

from helpers.corpus import cache as cache_module
from helpers import fileio
from helpers.corpus.cache import Cache, report_entry
from helpers.report import parse_file

from support import RAW

SEED_002 = RAW / "seeds" / "002_ed735561ce7e8ab6.txt"
HTML_049 = RAW / "real" / "049_pingtan-shichangjianguanju_2023.html"


@pytest.fixture(scope="module")
def entries():
    return [report_entry(parse_file(path)) for path in (SEED_002, HTML_049)]


def test_a_pack_round_trips_summaries_and_rows(tmp_path, entries):
    Cache(tmp_path).store(entries)
    fresh = Cache(tmp_path)  # another process: finds the pack by reading the folder
    for entry in entries:
        sha, fmt = entry["summary"]["sha256"], entry["summary"]["input_format"]
        assert fresh.has(sha, fmt) and not fresh.has(sha, "pdf")
        summary = fresh.load_summary(sha, fmt)
        assert summary["values"] == parse_file(SEED_002 if fmt == "text" else HTML_049).values
        assert (summary["status"], summary["parser_version"]) == (entry["summary"]["status"], cache_module.PARSER_VERSION)
        rows = fresh.load_rows(sha, fmt)
        assert rows["cells"].num_rows == len(summary["values"]) and rows["cells"].schema == cache_module.PARSED_CELLS
        assert rows["checks"] == entry["rows"]["checks"] and rows["warnings"] == entry["rows"]["warnings"]


def test_packs_written_later_are_found_and_other_versions_are_not(tmp_path, entries, monkeypatch):
    reader = Cache(tmp_path)
    assert not reader.has(entries[0]["summary"]["sha256"], "text")
    Cache(tmp_path).store(entries[:1])  # a worker writes while the reader waits
    assert reader.load_summary(entries[0]["summary"]["sha256"], "text")["status"] == entries[0]["summary"]["status"]
    monkeypatch.setattr(cache_module, "PARSER_VERSION", "999")
    assert not Cache(tmp_path).has(entries[0]["summary"]["sha256"], "text")
    assert not Cache(tmp_path, {"ocr": False}).has(entries[0]["summary"]["sha256"], "text")


def test_a_pack_is_never_half_written(tmp_path, entries, monkeypatch):
    def interrupted(src, dst):
        raise OSError("interrupted before the pack was in place")

    monkeypatch.setattr(fileio.os, "replace", interrupted)
    with pytest.raises(OSError):
        Cache(tmp_path).store(entries)
    monkeypatch.undo()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not Cache(tmp_path).has(entries[0]["summary"]["sha256"], "text")


def test_values_keep_their_keys_order_and_types():
    values = {"t2.new_received.total": 3, "t1.art20_9.procurement.procurement_amount_wan": 1.5, "t3.review_total": None}
    packed = cache_module._packed_values(values)
    assert isinstance(packed[0], str)
    assert list(cache_module._unpacked_values(packed).items()) == list(values.items())


def test_the_stat_index_spares_hashing_an_unchanged_file(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_bytes(b"report")
    first = Cache(tmp_path / "cache")
    sha, stat = first.sha256(path)
    assert (stat.st_size, stat.st_mtime_ns) == (path.stat().st_size, path.stat().st_mtime_ns)
    first.save_stats()
    monkeypatch.setattr(cache_module, "file_sha256", lambda p: pytest.fail("hashed again"))
    assert Cache(tmp_path / "cache").sha256(path)[0] == sha
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    monkeypatch.setattr(cache_module, "file_sha256", lambda p: "changed")
    assert Cache(tmp_path / "cache").sha256(path)[0] == "changed"
