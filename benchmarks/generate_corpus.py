#!/usr/bin/env python
"""Generate a synthetic corpus of annual reports with known values, for benchmarks.

Usage::

    .venv/bin/python benchmarks/generate_corpus.py N OUT_DIR [--formats text,html,docx,pdf,xlsx]
        [--seed 0] [--mix text=40,html=40,docx=15,pdf=3,xlsx=2] [--verify K]

Writes N reports under ``OUT_DIR/<format>/<province>/`` plus ``OUT_DIR/sources.csv`` (the
columns of ``data/raw/sources.csv``) and ``OUT_DIR/../<OUT_DIR name>.truth.jsonl`` (one line a
file: file, agency, report_year, template, input_format, values). ``--verify K`` then parses K
files of each format with ``helpers.read_report`` and prints the share whose values equal the
truth exactly.

Values are random but satisfy every hard identity of report-format.md §6.1 (T2-BAL, T2-OUT,
T2-ROW, T3-*); blanks (None) appear only in a few non-total cells. Each synthetic agency
reports for consecutive years, with carried_over(Y) = carried_forward(Y−1) except for a few
deliberate breaks (listed in the notes column), and Table 1 stocks that roll forward
(in_force, items_prev_year, published_total). Report years 2019–2020 use the gov2019 keys,
2021+ the gov2021 keys. The same seed gives the same bytes; the values do not depend on
``--mix``/``--formats``, so per-format corpora of one seed share their agencies.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import random
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from helpers import schema  # noqa: E402
from synth_layout import RENDERERS  # noqa: E402

FORMATS = ("text", "html", "docx", "pdf", "xlsx")
DEFAULT_MIX = "text=40,html=40,docx=15,pdf=3,xlsx=2"
YEARS = range(2019, 2026)
SOURCE = "synthetic: benchmarks/generate_corpus.py"

PROVINCES = {
    "guangdong": ["广州", "深圳", "佛山", "东莞", "惠州", "江门"],
    "jiangsu": ["南京", "苏州", "无锡", "常州", "淮安", "扬州"],
    "zhejiang": ["杭州", "宁波", "温州", "绍兴", "台州"],
    "shandong": ["济南", "青岛", "威海", "烟台", "潍坊"],
    "hubei": ["武汉", "宜昌", "襄阳", "荆州"],
    "fujian": ["福州", "厦门", "泉州", "漳州"],
    "sichuan": ["成都", "绵阳", "德阳", "南充"],
    "henan": ["郑州", "洛阳", "开封", "新乡"],
}
DISTRICTS = ["东城", "西城", "南湖", "北塘", "清河", "新华", "长安", "城关", "高新", "滨江", "临江", "河西",
             "望城", "金水", "鼓楼", "青山", "红旗", "白云", "龙湖", "松林"]
DEPARTMENTS = ["财政局", "教育局", "民政局", "司法局", "商务局", "农业农村局", "水务局", "统计局", "审计局",
               "应急管理局", "市场监督管理局", "住房和城乡建设局", "交通运输局", "文化和旅游局", "卫生健康局",
               "退役军人事务局", "医疗保障局", "人力资源和社会保障局", "自然资源局", "城市管理局", "信访局",
               "发展和改革局", "科学技术局", "人民政府办公室", "东风街道办事处", "光明街道办事处"]

T2_OUTCOME_WEIGHTS = {
    "granted": 35, "partially_granted": 10,
    "denied_state_secret": 0.3, "denied_prohibited_by_law": 0.5, "denied_security_stability": 0.3,
    "denied_third_party": 1.5, "denied_internal_affairs": 1, "denied_process_info": 1,
    "denied_enforcement_file": 0.5, "denied_admin_query": 0.5,
    "unavailable_not_held": 20, "unavailable_needs_creation": 4, "unavailable_unclear": 3,
    "rejected_petition": 4, "rejected_duplicate": 2, "rejected_publication": 0.5, "rejected_excessive": 0.5,
    "rejected_reconfirm": 0.5,
    "other": 5, "other_no_correction": 3, "other_fee_unpaid": 0.5, "other_misc": 2,
}
SIZES = {"tiny": 1.0, "small": 5.0, "medium": 30.0, "large": 250.0}
SIZE_WEIGHTS = [45, 30, 20, 5]


# --- agencies and years ----------------------------------------------------------------------


def make_agencies(rng: random.Random, n: int) -> list[dict]:
    """``n`` distinct agencies 「<某>市<某>区<某某>局」, each with a province folder and a size."""
    combos = [(prov, city, district, dept) for prov, cities in PROVINCES.items() for city in cities
              for district in DISTRICTS for dept in DEPARTMENTS]
    if n > len(combos):
        raise SystemExit(f"at most {len(combos)} synthetic agencies")
    chosen = rng.sample(combos, n)
    return [{"id": i, "province": prov, "name": f"{city}市{district}区{dept}",
             "size": rng.choices(list(SIZES), SIZE_WEIGHTS)[0]} for i, (prov, city, district, dept) in enumerate(chosen)]


def plan_reports(rng: random.Random, n: int) -> list[tuple[dict, int]]:
    """(agency, year) pairs: each agency reports for 2–7 consecutive years, N in total."""
    agencies = make_agencies(rng, max(1, n // 3) + 10)
    out: list[tuple[dict, int]] = []
    for agency in agencies:
        span = rng.randint(2, 7)
        first = rng.randint(YEARS.start, YEARS.stop - span)
        for year in range(first, first + span):
            out.append((agency, year))
            if len(out) == n:
                return out
    raise SystemExit("not enough agencies planned")  # pragma: no cover


# --- values ----------------------------------------------------------------------------------


def _count(rng: random.Random, mean: float) -> int:
    return int(rng.expovariate(1 / mean)) if mean > 0 else 0


def _amount_text(rng: random.Random, style: str) -> str:
    if style == "yuan":
        return f"{rng.randint(10_000, 9_000_000)}元"
    if style == "wan4":
        return f"{rng.randint(1, 50_000_000) / 10_000:.4f}万元"
    return f"{rng.randint(1, 500_000) / 100:.2f}万元"


def _amount_wan(text: str) -> float:
    """The value ``helpers.values.parse_amount_wan`` gives, computed the same way (Decimal)."""
    if text.endswith("万元"):
        return float(Decimal(text[:-2]))
    if text.endswith("元"):
        return float(Decimal(text[:-1]) * Decimal("0.0001"))
    return float(Decimal(text))


def gen_t2(rng, template, size, state, notes) -> dict:
    mean = SIZES[size]
    cols = schema.COLS6
    outcome_rows = schema.t2_outcome_keys(template)
    weights = [T2_OUTCOME_WEIGHTS[k] for k in outcome_rows]
    v = {schema.t2_key(r.key, c): 0 for r in schema.t2_data_rows(template) for c in schema.COLS7}
    carried = state.get("carried_forward")
    broken = carried is not None and rng.random() < 0.05
    if broken:
        notes.append("X-CARRY break: carried_over differs from last year's carried_forward")
    for c in cols:
        col_mean = mean if c == "natural_person" else (mean * 0.15 if rng.random() < 0.3 else 0)
        new = _count(rng, col_mean)
        if carried is None:
            co = _count(rng, col_mean * 0.1) if rng.random() < 0.2 else 0
        else:
            co = carried[c] + (rng.randint(1, 3) if broken and c == "natural_person" else 0)
        incoming = new + co
        cf = rng.randint(0, incoming // 4) if incoming and rng.random() < 0.3 else 0
        handled = incoming - cf
        v[schema.t2_key("new_received", c)] = new
        v[schema.t2_key("carried_over", c)] = co
        v[schema.t2_key("carried_forward", c)] = cf
        v[schema.t2_key("total_handled", c)] = handled
        for key, k in Counter(rng.choices(outcome_rows, weights, k=handled)).items():
            v[schema.t2_key(key, c)] = k
    for r in schema.t2_data_rows(template):
        v[schema.t2_key(r.key, "total")] = sum(v[schema.t2_key(r.key, c)] for c in cols)
    state["carried_forward"] = {c: v[schema.t2_key("carried_forward", c)] for c in cols}
    return v


def gen_t3(rng, size) -> dict:
    v = {}
    busy = rng.random() < {"tiny": 0.05, "small": 0.15, "medium": 0.4, "large": 0.8}[size]
    for group, _ in schema.T3_GROUPS:
        parts = {r: (_count(rng, 1.5) if busy and rng.random() < 0.5 else 0)
                 for r in ("upheld", "corrected", "other", "pending")}
        v.update({schema.t3_key(f"{group}_{r}"): n for r, n in parts.items()})
        v[schema.t3_key(f"{group}_total")] = sum(parts.values())
    return v


def gen_t1(rng, template, size, state) -> tuple[dict, str | None]:
    mean = SIZES[size]
    v: dict = {}
    raw_amount = None
    k = schema.t1_key
    if template == schema.GOV2019:
        for row, p in (("regulations", 0.05), ("normative_docs", 0.6)):
            made = rng.randint(1, 6) if rng.random() < p else 0
            published = made if rng.random() < 0.9 else rng.randint(0, made)
            total = state.get(("published_total", row), rng.randint(0, 30) if p > 0.5 else 0) + published
            state[("published_total", row)] = total
            v.update({k("art20_1", row, "made_new"): made, k("art20_1", row, "published_new"): published,
                      k("art20_1", row, "published_total"): total})
        for sub, rows in (("art20_5", ("licensing", "other_admin_services")), ("art20_6", ("penalty", "coercion")),
                          ("art20_8", ("admin_fees",))):
            for row in rows:
                prev = state.get(("items", row), _count(rng, 10))
                change = rng.randint(-min(prev, 3), 3) if rng.random() < 0.25 else 0
                state[("items", row)] = prev + change
                v[k(sub, row, "items_prev_year")] = prev
                v[k(sub, row, "items_change")] = change
                if sub != "art20_8":
                    v[k(sub, row, "decisions")] = _count(rng, mean * 20) if rng.random() < 0.7 else 0
        items = _count(rng, 8) if rng.random() < 0.6 else 0
        raw_amount = "0" if items == 0 else _amount_text(rng, rng.choice(["wan2", "wan4", "yuan"]))
        v[k("art20_9", "central_procurement", "procurement_items")] = items
        v[k("art20_9", "central_procurement", "procurement_amount_wan")] = _amount_wan(raw_amount)
    else:
        for row, p in (("regulations", 0.05), ("normative_docs", 0.6)):
            issued = rng.randint(1, 8) if rng.random() < p else 0
            stock = state.get(("in_force", row), rng.randint(0, 40) if p > 0.5 else 0)
            repealed = rng.randint(0, min(3, stock)) if stock and rng.random() < 0.3 else 0
            state[("in_force", row)] = stock + issued - repealed
            v.update({k("art20_1", row, "issued"): issued, k("art20_1", row, "repealed"): repealed,
                      k("art20_1", row, "in_force"): stock + issued - repealed})
        for sub, row in (("art20_5", "licensing"), ("art20_6", "penalty"), ("art20_6", "coercion")):
            v[k(sub, row, "decisions")] = _count(rng, mean * 20) if rng.random() < 0.7 else 0
        fee = "0" if rng.random() < 0.8 else f"{rng.randint(1, 2_000_000) / 10_000:.4f}".rstrip("0").rstrip(".")
        v[k("art20_8", "admin_fees", "fee_amount_wan")] = float(Decimal(fee))
    return v, raw_amount


def blank_some(rng, values: dict, template: str, notes: list[str]) -> None:
    """Leave a few zero non-total cells blank (None), as real reports do."""
    if rng.random() >= 0.15:
        return
    t2 = [key for key in values if key.startswith("t2.") and values[key] == 0
          and schema.field(key).column != "total"
          and schema.field(key).row not in ("new_received", "carried_over", "total_handled", "carried_forward")]
    t3 = [key for key in values if key.startswith("t3.") and values[key] == 0 and not key.endswith("_total")]
    pool = t2 + t3
    chosen = rng.sample(pool, min(len(pool), rng.randint(1, 4)))
    for key in chosen:
        values[key] = None
    notes.append(f"{len(chosen)} blank cells")


def gen_report(rng: random.Random, agency: dict, year: int, state: dict) -> dict:
    template = schema.GOV2019 if year <= 2020 else schema.GOV2021
    notes: list[str] = []
    t1, raw_amount = gen_t1(rng, template, agency["size"], state)
    values = {**t1, **gen_t2(rng, template, agency["size"], state, notes), **gen_t3(rng, agency["size"])}
    blank_some(rng, values, template, notes)
    ordered = {key: values[key] for key in schema.template_keys(template)}
    assert len(ordered) == len(values), set(values) ^ set(ordered)
    return {"agency": agency["name"], "agency_id": agency["id"], "province": agency["province"],
            "report_year": year, "template": template, "values": ordered,
            "procurement_amount_raw": raw_amount, "notes": notes}


# --- narrative -------------------------------------------------------------------------------


def _v(values, key) -> int:
    return values.get(key) or 0


def narrative_for(rng: random.Random, report: dict) -> dict:
    y, agency, values = report["report_year"], report["agency"], report["values"]
    k2 = schema.t2_key
    new, co = _v(values, k2("new_received", "total")), _v(values, k2("carried_over", "total"))
    handled, cf = _v(values, k2("total_handled", "total")), _v(values, k2("carried_forward", "total"))
    review = _v(values, "t3.review_total")
    lit = _v(values, "t3.lit_direct_total") + _v(values, "t3.lit_after_review_total")
    title_year = rng.choice(["年", "年度"])
    published = rng.randint(20, 3000)
    six = ["无。"] if report["template"] == schema.GOV2019 else [
        rng.choice(["依据《政府信息公开信息处理费管理办法》，本年度未收取信息处理费。",
                    f"依据《政府信息公开信息处理费管理办法》，本年度收取信息处理费{rng.choice([100, 200, 400])}元。"])]
    return {
        "title": f"{agency}{y}{title_year}政府信息公开工作年度报告",
        "intro": ("本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。"
                  f"本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"),
        "一": [f"{y}年，本机关深入贯彻落实《条例》，坚持以公开为常态、不公开为例外，全年主动公开政府信息{published}条，"
               f"收到政府信息公开申请{new}件，均在法定期限内答复。",
               "（一）主动公开。围绕重点领域及时发布政策文件、工作动态和办事指南，做好政策解读。"],
        "二": [f"{y}年，本机关通过门户网站和政务新媒体主动公开各类政府信息{published}条。"],
        "三": [f"{y}年，本机关共收到政府信息公开申请{new}件，上年结转{co}件，办结{handled}件，结转下年度继续办理{cf}件。"],
        "四": ["本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。" if review + lit == 0 else
               f"本年度发生政府信息公开行政复议{review}件、行政诉讼{lit}件。"],
        "五": ["一是政策解读形式还不够丰富；二是信息发布的及时性有待加强。下一步将加强业务培训，完善审核机制，提升公开质量。"],
        "六": six,
        "agency": agency,
        "date": f"{y + 1}年1月{rng.randint(5, 31)}日",
    }


def layout_variant(rng: random.Random, fmt: str, template: str) -> dict:
    if fmt == "text":
        return {"compact": rng.random() < 0.4, "spaced_headers": rng.random() < 0.3}
    if fmt == "docx":
        return {"split_t2": template == schema.GOV2021 and rng.random() < 0.3}
    if fmt == "xlsx":
        return {"floats": rng.random() < 0.3}
    if fmt == "pdf":
        return {"body_size": rng.choice([10.5, 11, 12, 13]), "repeat_header": rng.random() < 0.7,
                "spaced_headers": rng.random() < 0.2}
    return {}


# --- the corpus ------------------------------------------------------------------------------


def parse_mix(mix: str, formats: list[str] | None) -> dict[str, float]:
    weights = {}
    for part in mix.split(","):
        name, _, weight = part.partition("=")
        if name.strip() not in FORMATS:
            raise SystemExit(f"unknown format in --mix: {name!r} (known: {', '.join(FORMATS)})")
        weights[name.strip()] = float(weight or 1)
    if formats:
        weights = {f: weights.get(f, 1.0) for f in formats}
    weights = {f: w for f, w in weights.items() if w > 0}
    if not weights:
        raise SystemExit("no format left to generate")
    return weights


def truth_path(out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    return out_dir.parent / f"{out_dir.name}.truth.jsonl"


def generate(n: int, out_dir: Path, formats: list[str] | None = None, seed: int = 0, mix: str = DEFAULT_MIX,
             progress: bool = False) -> dict:
    """Write the corpus; return {format: count}, seconds per format and the total time."""
    out_dir = Path(out_dir)
    weights = parse_mix(mix, formats)
    value_rng = random.Random(f"values:{seed}")
    format_rng = random.Random(f"formats:{seed}:{mix}:{formats}")
    plan = plan_reports(value_rng, n)
    states: dict[int, dict] = {}
    names, w = list(weights), list(weights.values())
    counts: Counter = Counter()
    seconds: Counter = Counter()
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    rows, truths = [], []
    for index, (agency, year) in enumerate(plan):
        report = gen_report(value_rng, agency, year, states.setdefault(agency["id"], {}))
        fmt = format_rng.choices(names, w)[0]
        t0 = time.perf_counter()
        file_rng = random.Random(f"file:{seed}:{index}")
        narrative = narrative_for(file_rng, report)
        variant = layout_variant(file_rng, fmt, report["template"])
        render, ext = RENDERERS[fmt]
        data = render(report, narrative, variant)
        rel = f"{fmt}/{agency['province']}/{index:06d}_a{agency['id']:05d}_{year}{ext}"
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        seconds[fmt] += time.perf_counter() - t0
        counts[fmt] += 1
        layout = ", ".join(f"{k}={v}" for k, v in variant.items() if v) or "plain"
        rows.append({"file": rel, "sha256": hashlib.sha256(data).hexdigest(), "source": f"{SOURCE} seed={seed}",
                     "agency": report["agency"], "report_year": year, "template": report["template"],
                     "input_format": fmt, "notes": "; ".join([f"layout: {layout}", *report["notes"]])})
        truths.append({"file": rel, "agency": report["agency"], "report_year": year, "template": report["template"],
                       "input_format": fmt, "values": report["values"]})
        if progress and (index + 1) % 1000 == 0:
            print(f"  {index + 1}/{n} files", file=sys.stderr)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, ["file", "sha256", "source", "agency", "report_year", "template", "input_format",
                                  "notes"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out_dir / "sources.csv").write_text(buf.getvalue(), encoding="utf-8")
    truth_path(out_dir).write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in truths),
                                   encoding="utf-8")
    return {"counts": dict(counts), "seconds": dict(seconds), "total_seconds": time.perf_counter() - started}


def load_truth(out_dir: Path) -> list[dict]:
    with open(truth_path(out_dir), encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def values_equal(got: dict, want: dict) -> tuple[int, int]:
    """(cells equal, cells compared) over the truth's keys; None only equals None."""
    same = 0
    for key, expected in want.items():
        value = got.get(key)
        if expected is None or value is None:
            same += expected is None and value is None
        else:
            same += abs(float(value) - float(expected)) <= 1e-9 * max(1.0, abs(float(expected)))
    return same, len(want)


def verify(out_dir: Path, per_format: int = 20, show: int = 3) -> dict[str, tuple[int, int, int, int]]:
    """Parse up to ``per_format`` files of each format; {format: (exact files, files, cells ok, cells)}."""
    from helpers import parse_file

    out_dir = Path(out_dir)
    picked: dict[str, list[dict]] = {}
    for truth in load_truth(out_dir):
        bucket = picked.setdefault(truth["input_format"], [])
        if len(bucket) < per_format:
            bucket.append(truth)
    result = {}
    for fmt, truths in picked.items():
        exact = cells_ok = cells = 0
        shown = 0
        for truth in truths:
            report = parse_file(out_dir / truth["file"])
            same, total = values_equal(report.values, truth["values"])
            exact += same == total and report.values.keys() == truth["values"].keys()
            cells_ok, cells = cells_ok + same, cells + total
            if same != total and shown < show:
                shown += 1
                wrong = [(k, report.values.get(k), v) for k, v in truth["values"].items()
                         if values_equal({k: report.values.get(k)}, {k: v})[0] == 0][:5]
                print(f"    {truth['file']}: {report.status} {report.error or ''} {total - same} cells differ, "
                      f"e.g. {wrong}", file=sys.stderr)
        result[fmt] = (exact, len(truths), cells_ok, cells)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of reports")
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--formats", help="comma-separated subset of " + ",".join(FORMATS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mix", default=DEFAULT_MIX, help=f"format weights (default {DEFAULT_MIX})")
    ap.add_argument("--verify", type=int, default=0, metavar="K",
                    help="parse K files of each format and compare with the truth")
    args = ap.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",")] if args.formats else None
    if formats and (bad := [f for f in formats if f not in FORMATS]):
        ap.error(f"unknown format(s): {', '.join(bad)}")
    stats = generate(args.n, args.out_dir, formats, args.seed, args.mix, progress=args.n >= 5000)
    print(f"{args.n} reports → {args.out_dir} in {stats['total_seconds']:.1f} s "
          f"(truth: {truth_path(args.out_dir)})")
    for fmt, count in sorted(stats["counts"].items()):
        secs = stats["seconds"][fmt]
        print(f"  {fmt:5s} {count:6d} files  {count / secs if secs else float('inf'):8.1f} files/s (rendering + writing)")
    if args.verify:
        print(f"verify: helpers.read_report(path).values == truth, {args.verify} files per format")
        for fmt, (exact, files, ok, cells) in sorted(verify(args.out_dir, args.verify).items()):
            print(f"  {fmt:5s} {exact}/{files} files exact  ({ok}/{cells} cells, {100 * ok / cells:.2f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
