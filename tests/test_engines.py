"""Parse engines: a worker trusts the caller's hash only while the file is unchanged; batches shrink towards the end."""

from __future__ import annotations

import os
import shutil

from helpers.corpus import engines
from helpers.corpus.cache import Cache
from helpers.report import file_sha256

from support import RAW

SEED_002 = RAW / "seeds" / "002_ed735561ce7e8ab6.txt"


def test_a_worker_parses_under_the_callers_hash_without_hashing_again(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    shutil.copy(SEED_002, path)
    sha, stat = Cache(tmp_path / "cache").sha256(path)
    monkeypatch.setattr("helpers.report.file_sha256", lambda p: "hashed again")
    [brief] = engines.parse_to_cache([engines.task(path, sha, stat)], str(tmp_path / "cache"))
    assert brief["sha256"] == sha and brief["status"] != "error"
    assert Cache(tmp_path / "cache").has(sha, "text")


def test_a_file_changed_since_it_was_hashed_is_hashed_again(tmp_path):
    path = tmp_path / "a.txt"
    shutil.copy(SEED_002, path)
    stale = Cache(tmp_path / "cache").sha256(path)
    path.write_bytes(SEED_002.read_bytes().replace("小楼镇".encode(), "大楼镇".encode()))
    os.utime(path, ns=(stale[1].st_atime_ns, stale[1].st_mtime_ns + 1_000_000))
    [brief] = engines.parse_to_cache([engines.task(path, *stale)], str(tmp_path / "cache"))
    assert brief["sha256"] == file_sha256(path) != stale[0]


def test_batches_cover_every_file_once_and_shrink_towards_the_end():
    items = list(range(1000))
    batches = list(engines._guided_batches(items, 2))
    assert [i for b in batches for i in b] == items
    sizes = [len(b) for b in batches]
    assert max(sizes) == engines.BATCH and sizes == sorted(sizes, reverse=True) and sizes[-1] == 1
