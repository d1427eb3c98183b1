"""helpers.analysis: hand-computed values on small frames, then exact values on the bundled reports."""

from __future__ import annotations

import pandas as pd
import pytest
from support import RAW

from helpers import corpus, schema
from helpers.analysis import metrics as analysis
from helpers.analysis import (
    application_metrics,
    denial_reasons,
    format_coverage,
    harmonised_applications,
    load_tables,
    narrative_metrics,
    narrative_vs_tables,
    rank,
    review_litigation_metrics,
    year_over_year,
)

NA = pd.NA
RECEIVED, CARRIED_OVER, HANDLED, CARRIED_FORWARD, GRANTED, PARTIAL = (
    analysis.SINGLE_ROW_MEASURES[m]
    for m in ("received", "carried_over", "handled", "carried_forward", "granted", "partially_granted")
)
TOTAL = schema.COLS7[-1]


def _applications(report_id: str, rows: dict[str, object], column: str = TOTAL) -> pd.DataFrame:
    """A long Table 2 for one report: ``rows`` in ``column``, every other applicant column blank."""
    frame = pd.DataFrame({"report_id": report_id, "row": list(rows)})
    for col in schema.COLS7:
        frame[col] = pd.array([rows[r] if col == column else None for r in rows], dtype="Float64")
    return frame


def _full_2019(**overrides) -> dict[str, object]:
    rows = {r.key: 0.0 for r in schema.t2_data_rows(schema.GOV2019)}
    return {**rows, **overrides}


def _full_2021(**overrides) -> dict[str, object]:
    rows = {r.key: 0.0 for r in schema.t2_data_rows(schema.GOV2021)}
    return {**rows, **overrides}


def _reports(*rows: tuple[str, str, int, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["report_id", "agency_key", "report_year", "template"])


# --- harmonising ---------------------------------------------------------------------


def test_harmonised_sums_groups_and_reads_2019_other():
    denied = dict(zip(schema.DENIED_KEYS, [1.0, 0.0, 2.0, 0.0, 0.0, 3.0, 0.0, 0.0]))
    rows = _full_2019(**{RECEIVED: 20.0, CARRIED_OVER: 2.0, GRANTED: 5.0, PARTIAL: 4.0,
                         schema.UNAVAILABLE_KEYS[0]: 3.0, schema.REJECTED_KEYS[1]: 1.0,
                         schema.T2_OTHER_2019: 2.0, HANDLED: 21.0, CARRIED_FORWARD: 1.0}, **denied)
    h = harmonised_applications(_applications("a", rows), _reports(("a", "x", 2020, schema.GOV2019)))
    row = h.iloc[0]
    assert [row[m] for m in analysis.MEASURES] == [20, 2, 21, 1, 5, 4, 6, 3, 1, 2]
    assert row["other_source"] == analysis.OTHER_FROM_2019_ROW
    assert row["n_blank_addends"] == 0
    assert (row["agency_key"], row["report_year"], row["column"]) == ("x", 2020, TOTAL)


def test_harmonised_2021_other_is_the_sum_of_the_three_subrows():
    rows = _full_2021(**dict(zip(schema.T2_OTHER_2021, [2.0, 2.0, 0.0])))
    h = harmonised_applications(_applications("b", rows), _reports(("b", "x", 2025, schema.GOV2021)))
    assert h.loc[0, "other"] == 4
    assert h.loc[0, "other_source"] == analysis.OTHER_FROM_2021_SUBROWS


def test_harmonised_2021_report_printing_one_other_uses_it():
    rows = _full_2021(**{schema.T2_OTHER_2019: 3.0}, **dict.fromkeys(schema.T2_OTHER_2021, None))
    for blank_as_zero in (False, True):
        h = harmonised_applications(_applications("c", rows), _reports(("c", "x", 2021, schema.GOV2021)),
                                    blank_as_zero=blank_as_zero)
        assert h.loc[0, "other"] == 3
        assert h.loc[0, "other_source"] == analysis.OTHER_FROM_2021_SINGLE


def test_harmonised_blank_addend_makes_the_sum_null_unless_blank_as_zero():
    rows = _full_2021(**{schema.DENIED_KEYS[0]: None, schema.DENIED_KEYS[1]: 2.0, schema.T2_OTHER_2021[2]: None,
                         schema.T2_OTHER_2021[0]: 1.0, GRANTED: None})
    apps, reps = _applications("d", rows), _reports(("d", "x", 2022, schema.GOV2021))
    strict = harmonised_applications(apps, reps).iloc[0]
    assert strict["denied"] is NA and strict["other"] is NA and strict["granted"] is NA
    assert strict["unavailable"] == 0 and strict["n_blank_addends"] == 2
    lenient = harmonised_applications(apps, reps, blank_as_zero=True).iloc[0]
    assert (lenient["denied"], lenient["other"]) == (2, 1)
    assert lenient["granted"] is NA  # a single row has no addends: it stays blank


def test_harmonised_missing_rows_are_null_and_columns_are_selectable():
    apps = _applications("e", {RECEIVED: 7.0}, column=schema.COLS7[0])
    h = harmonised_applications(apps, _reports(("e", "x", 2020, schema.GOV2019)), column=schema.COLS7[0])
    assert h.loc[0, "received"] == 7 and h.loc[0, "handled"] is NA and h.loc[0, "denied"] is NA
    assert harmonised_applications(apps, _reports(("e", "x", 2020, schema.GOV2019)))["received"].isna().all()
    with pytest.raises(ValueError):
        harmonised_applications(apps, _reports(), column="everyone")


def test_format_coverage_lists_measures_of_one_format_only():
    cov = format_coverage().set_index(["subtable", "column"])
    assert cov.loc[("art20_9", "procurement_amount_wan"), "only_in"] == schema.GOV2019
    assert cov.loc[("art20_8", "fee_amount_wan"), "only_in"] == schema.GOV2021
    assert cov.loc[("art20_8", "fee_amount_wan"), "report_years"] == "2021 on"
    for col in ("issued", "repealed", "in_force"):
        assert cov.loc[("art20_1", col), "only_in"] == schema.GOV2021
    for sub in ("art20_5", "art20_6", "art20_8"):
        assert cov.loc[(sub, "items_prev_year"), "only_in"] == schema.GOV2019
        assert cov.loc[(sub, "items_change"), "only_in"] == schema.GOV2019
    t2 = format_coverage().query("table == 't2'")
    assert set(t2["row"]) == {schema.T2_OTHER_2019, *schema.T2_OTHER_2021}
    assert set(t2["harmonised_as"]) == {"other"}


# --- metrics -------------------------------------------------------------------------


def _harmonised(**columns) -> pd.DataFrame:
    base = {m: [0.0] for m in analysis.MEASURES}
    base.update({k: [v] if not isinstance(v, list) else v for k, v in columns.items()})
    n = max(len(v) for v in base.values())
    return pd.DataFrame({k: pd.array(v * n if len(v) == 1 else v, dtype="Float64") for k, v in base.items()})


def test_application_metrics_hand_computed():
    m = application_metrics(_harmonised(received=40.0, handled=32.0, granted=8.0, partially_granted=4.0,
                                        denied=2.0, unavailable=12.0, rejected=6.0, carried_forward=10.0)).iloc[0]
    assert m["full_grant_rate"] == 0.25
    assert m["substantive_disclosure_rate"] == 12 / 32
    assert m["denial_rate"] == 2 / 32
    assert m["unavailable_rate"] == 12 / 32
    assert m["rejection_rate"] == 6 / 32
    assert m["backlog"] == 0.25


def test_application_metrics_zero_or_null_denominator_is_na():
    m = application_metrics(_harmonised(received=[0.0, None], handled=[0.0, None], granted=[0.0, 3.0]))
    for col in ("full_grant_rate", "substantive_disclosure_rate", "denial_rate", "unavailable_rate",
                "rejection_rate", "backlog"):
        assert m[col].isna().all(), col
    assert str(m["full_grant_rate"].dtype) == "Float64"
    null_numerator = application_metrics(_harmonised(handled=4.0, granted=None, partially_granted=1.0)).iloc[0]
    assert null_numerator["full_grant_rate"] is NA and null_numerator["substantive_disclosure_rate"] is NA
    assert null_numerator["denial_rate"] == 0


def test_denial_reasons_shares_and_nulls():
    counts = [1.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0]
    apps = pd.concat([
        _applications("a", dict(zip(schema.DENIED_KEYS, counts))),
        _applications("z", dict.fromkeys(schema.DENIED_KEYS, 0.0)),
        _applications("n", dict(zip(schema.DENIED_KEYS, [None, 2.0, *([0.0] * 6)]))),
    ])
    shares = denial_reasons(apps).set_index(["report_id", "reason"])
    assert shares.loc[("a", schema.DENIED_KEYS[3]), "share"] == 0.75
    assert shares.loc[("a", schema.DENIED_KEYS[0]), "denied_total"] == 4
    assert shares.loc[("a", schema.DENIED_KEYS[0]), "label_zh"] == schema.T2_ROWS_2019[6].label
    assert shares.loc["z", "share"].isna().all()  # nothing denied: no shares
    assert shares.loc["n", "share"].isna().all()
    lenient = denial_reasons(apps, blank_as_zero=True).set_index(["report_id", "reason"])
    assert lenient.loc[("n", schema.DENIED_KEYS[1]), "share"] == 1
    assert lenient.loc[("n", schema.DENIED_KEYS[0]), "share"] == 0


def _t3(**values) -> pd.DataFrame:
    row = {c.key: 0.0 for c in schema.T3_COLUMNS}
    row.update(values)
    return pd.DataFrame([{"report_id": "r", **row}]).astype({c.key: "Float64" for c in schema.T3_COLUMNS})


def test_review_litigation_metrics_hand_computed():
    t3 = _t3(review_corrected=2.0, review_pending=2.0, review_total=10.0, lit_direct_corrected=1.0,
             lit_direct_pending=1.0, lit_direct_total=3.0, lit_after_review_corrected=0.0,
             lit_after_review_pending=0.0, lit_after_review_total=2.0)
    m = review_litigation_metrics(t3, pd.DataFrame({"report_id": ["r"], "received": [200.0]})).iloc[0]
    assert m["review_per_100"] == 5.0
    assert m["litigation_per_100"] == 2.5
    assert m["review_correction_rate"] == 2 / 8
    assert m["litigation_correction_rate"] == 1 / 4
    assert (m["litigation_total"], m["litigation_decided"]) == (5, 4)


def test_review_litigation_metrics_na_cases():
    all_pending = _t3(review_pending=3.0, review_total=3.0, lit_direct_total=None)
    m = review_litigation_metrics(all_pending, pd.DataFrame({"report_id": ["r"], "received": [0.0]})).iloc[0]
    assert m["review_per_100"] is NA  # nothing received
    assert m["review_correction_rate"] is NA  # nothing decided
    assert m["litigation_total"] is NA and m["litigation_correction_rate"] is NA  # a blank total
    with pytest.raises(ValueError):
        review_litigation_metrics(all_pending, pd.DataFrame({"report_id": ["r"], "received": [1.0],
                                                             "column": [schema.COLS7[0]]}))


# --- rank and year over year -----------------------------------------------------------


def test_rank_guards_small_volumes_and_ranks_within_year():
    f = pd.DataFrame({
        "agency_key": ["a", "b", "c", "d", "a"],
        "report_year": [2024, 2024, 2024, 2024, 2023],
        "received": pd.array([50.0, 9.0, 20.0, None, 10.0], dtype="Float64"),
        "rate": pd.array([0.5, 0.9, 0.5, 0.9, 0.1], dtype="Float64"),
    })
    out = rank(f, "rate")
    assert out["rank"].tolist() == [1, NA, 1, NA, 1]
    assert out["is_below_min_volume"].tolist() == [False, True, False, True, False]
    assert out["rank_of"].tolist() == [2, 2, 2, 2, 1]
    assert rank(f.iloc[:4], "rate", min_volume=0, within=None)["rank"].tolist() == [2, 1, 2, NA]
    assert rank(f, "rate", ascending=True)["rank"].tolist() == [1, NA, 1, NA, 1]
    with pytest.raises(ValueError):
        rank(pd.concat([f, f]), "rate")


def test_year_over_year_needs_the_previous_year_and_a_nonzero_base():
    f = pd.DataFrame({"agency_key": ["a", "a", "a", "a", "b", None],
                      "report_year": [2021, 2022, 2023, 2025, 2022, 2023],
                      "received": pd.array([0.0, 4.0, 5.0, 6.0, 3.0, 1.0], dtype="Float64")})
    out = year_over_year(f, "received")
    assert out["previous"].tolist() == [NA, 0, 4, NA, NA, NA]
    assert out["change"].tolist() == [NA, 4, 1, NA, NA, NA]
    assert out["pct_change"].tolist() == [NA, NA, 0.25, NA, NA, NA]


# --- narrative -----------------------------------------------------------------------


def _sections(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["report_id", "section", "text"])


S1, S6 = schema.SECTIONS[0].key, schema.SECTIONS[5].key


def test_narrative_metrics_patterns():
    text = ("全年主动公开各类政\n府信息5500余条，其他应主动公开的政府信息7条，制作政策解读\n21个。"
            "共受理政府信息公开申请3119件，政府信息公开行政复议351\n件；政府信息公开行政诉讼四十六起。")
    n = narrative_metrics(_sections(("r", S1, text), ("r", S6, "全年收取信息处理费0.04万元。")))
    got = {m: (v, a) for m, v, a in n[["metric", "value", "is_approximate"]].itertuples(index=False)}
    assert got == {"proactive_disclosed": (5500, True), "policy_interpretations": (21, False),
                   "applications_received": (3119, False), "reviews": (351, False),
                   "lawsuits": (46, False), "fee_yuan": (400, False)}
    assert n.set_index("metric").loc["reviews", "text"] == "政府信息公开行政复议351件"


def test_narrative_metrics_stated_none_and_silence():
    n = narrative_metrics(_sections(
        ("r", S1, "未收到政府信息公开申请，无信息公开类行政复议及诉讼案件。"),
        ("r", S6, "本年度没有产生信息公开处理费。"),
        ("q", S1, "持续推进政务公开。"),
    ))
    assert n[["metric", "value", "is_stated_none"]].values.tolist() == [
        ["applications_received", 0, True], ["reviews", 0, True], ["lawsuits", 0, True], ["fee_yuan", 0, True]]
    assert "q" not in set(n["report_id"])


def test_narrative_vs_tables_statuses():
    n = narrative_metrics(_sections(("r", S1, "收到政府信息公开申请12件，行政复议2件，行政诉讼3件。"),
                                    ("s", S1, "受理政府信息公开申请10余件。")))
    apps = pd.concat([_applications("r", {RECEIVED: 12.0}), _applications("s", {RECEIVED: 14.0})])
    t3 = pd.concat([_t3(review_total=1.0, lit_direct_total=1.0, lit_after_review_total=2.0).assign(report_id="r")])
    cmp = narrative_vs_tables(n, apps, t3).set_index(["report_id", "metric"])
    assert cmp.loc[("r", "applications_received"), "status"] == "agree"
    assert cmp.loc[("r", "reviews"), ["narrative_value", "table_value", "status"]].tolist() == [2, 1, "differ"]
    assert cmp.loc[("r", "lawsuits"), "status"] == "agree"
    assert cmp.loc[("s", "applications_received"), "status"] == "agree"  # 10余 and 14


# --- the bundled reports -------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_tables(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    corpus.ingest(RAW, out, progress=False)
    return load_tables(out)


def _report_id(tables, file_name: str) -> str:
    reports = tables["reports"]
    return reports.loc[reports["file"].str.endswith(file_name), "report_id"].item()


HUAIAN = "044_huaian_2024.pdf"
SHICHANG_2025 = "050_pingtan-shichangjianguanju_2025.html"
SHICHANG_2021 = "047_pingtan-shichangjianguanju_2021.html"
SHICHANG_2020 = "046_pingtan-shichangjianguanju_2020.html"


def test_load_tables_joins_report_info(corpus_tables):
    apps = corpus_tables["applications"]
    assert {"agency_key", "report_year", "template"} <= set(apps.columns)
    assert str(apps[TOTAL].dtype) == "Int64"  # counts are stored as integers (blank = <NA>)
    assert apps.loc[apps["report_id"] == _report_id(corpus_tables, HUAIAN), "agency_name"].iloc[0] == "淮安市人民政府"


def test_real_huaian_2024(corpus_tables):
    h = harmonised_applications(corpus_tables["applications"], corpus_tables["reports"])
    m = application_metrics(h).set_index("report_id").loc[_report_id(corpus_tables, HUAIAN)]
    assert [m[c] for c in ("received", "carried_over", "handled", "carried_forward", "granted",
                           "partially_granted", "denied", "unavailable", "rejected", "other")] == [
        3119, 34, 3050, 103, 1362, 454, 178, 781, 88, 71 + 6 + 110]
    assert m["substantive_disclosure_rate"] == (1362 + 454) / 3050
    assert m["full_grant_rate"] == 1362 / 3050
    assert m["backlog"] == 103 / 3119
    rl = review_litigation_metrics(corpus_tables["review_litigation"], h).set_index("report_id")
    r = rl.loc[_report_id(corpus_tables, HUAIAN)]
    assert r["review_per_100"] == 351 / 3119 * 100
    assert r["litigation_per_100"] == (26 + 20) / 3119 * 100
    assert r["review_correction_rate"] == 64 / (351 - 37)
    assert r["litigation_correction_rate"] == (4 + 1) / (26 + 20 - 1 - 6)
    reasons = denial_reasons(corpus_tables["applications"]).set_index(["report_id", "reason"])
    assert reasons.loc[(_report_id(corpus_tables, HUAIAN), schema.DENIED_KEYS[-1]), "share"] == 105 / 178


def test_real_other_across_formats(corpus_tables):
    h = harmonised_applications(corpus_tables["applications"], corpus_tables["reports"]).set_index("report_id")
    row = h.loc[_report_id(corpus_tables, SHICHANG_2025)]
    assert (row["other"], row["other_source"]) == (2 + 2 + 0, analysis.OTHER_FROM_2021_SUBROWS)
    row = h.loc[_report_id(corpus_tables, SHICHANG_2021)]  # prints one （六） row in a 2021 table
    assert (row["other"], row["other_source"]) == (0, analysis.OTHER_FROM_2021_SINGLE)
    row = h.loc[_report_id(corpus_tables, SHICHANG_2020)]
    assert (row["other"], row["other_source"]) == (3, analysis.OTHER_FROM_2019_ROW)


def test_real_year_over_year_for_one_agency(corpus_tables):
    h = harmonised_applications(corpus_tables["applications"], corpus_tables["reports"])
    yoy = year_over_year(h, "received").set_index("report_id")
    row = yoy.loc[_report_id(corpus_tables, SHICHANG_2025)]  # 2024: 4, 2025: 21
    assert (row["previous"], row["change"], row["pct_change"]) == (4, 17, 17 / 4)
    assert yoy.loc[_report_id(corpus_tables, SHICHANG_2020), "change"] == 4  # 2019: 1, 2020: 5


def test_real_narrative_agrees_with_tables(corpus_tables):
    n = narrative_metrics(corpus_tables["sections"])
    huaian = n[n["report_id"] == _report_id(corpus_tables, HUAIAN)].set_index("metric")
    assert huaian.loc["applications_received", "value"] == 3119
    assert huaian.loc["proactive_disclosed", ["value", "is_approximate"]].tolist() == [5500, True]
    assert huaian.loc["policy_interpretations", "value"] == 21
    assert huaian.loc["fee_yuan", "value"] == 3940
    cmp = narrative_vs_tables(n, corpus_tables["applications"], corpus_tables["review_litigation"])
    got = cmp[cmp["report_id"] == _report_id(corpus_tables, HUAIAN)].set_index("metric")
    assert got[["narrative_value", "table_value", "status"]].to_dict("index") == {
        "applications_received": {"narrative_value": 3119, "table_value": 3119, "status": "agree"},
        "reviews": {"narrative_value": 351, "table_value": 351, "status": "agree"},
        "lawsuits": {"narrative_value": 46, "table_value": 46, "status": "agree"},
    }
    # 平潭管委会办公室 2025 says 受理公开申请34件 where Table 2 has 32 new: reported, not changed.
    office = cmp[cmp["report_id"] == _report_id(corpus_tables, "030_pingtan-guanweihuibangongshi_2025.html")]
    assert office.set_index("metric").loc["applications_received", ["narrative_value", "table_value", "status"]
                                          ].tolist() == [34, 32, "differ"]
