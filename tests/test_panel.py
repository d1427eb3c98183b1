"""The panel layer on the bundled data: who is compared, labels, agency × year tables."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import analysis
from helpers.analysis import panel
from helpers.corpus import ingest

from support import RAW

MARKET = "平潭综合实验区市场监督管理局"


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    out = tmp_path_factory.mktemp("panel")
    ingest(RAW, out, workers=2, progress=False)
    return analysis.load_tables(out)


@pytest.fixture(scope="module")
def headline(tables):
    return panel.headline(tables)


def test_truncated_excerpts_and_incomplete_reports_stay_out_of_comparisons(tables):
    reasons = panel.exclusions(tables["reports"]).set_index("file")["reason"]
    assert all(pd.notna(reasons[f]) for f in reasons.index if f.startswith("partial/"))
    assert reasons["seeds/004_167c701a66cee456.txt"] == "incomplete: 47/198 values"
    assert reasons["real/026_pingtan_2018_older.html"] in ("not an official format", "no agency name")
    assert pd.isna(reasons["panel/pingtan-supingpianqu_2020.html"])  # partial, one value short: still compared
    kept = panel.comparable(tables["reports"])
    assert kept["agency_key"].notna().all() and set(kept["template"]) == {"gov2019", "gov2021"}
    assert list(kept[["agency_key", "report_year"]].itertuples(index=False)) == sorted(
        kept[["agency_key", "report_year"]].itertuples(index=False))


def test_agency_labels_drop_the_shared_division_but_keep_bare_bodies(tables):
    labels = panel.agency_labels(tables["reports"])
    assert labels[MARKET] == "市场监督管理局"
    assert labels["平潭综合实验区综合执法与应急管理局"] == "综合执法与应急管理局"
    assert labels["淮安市人民政府"] == "淮安市人民政府"
    assert labels.is_unique


def test_headline_counts_are_integers_and_match_the_reports(headline):
    market = headline[headline["agency_key"] == MARKET].set_index("report_year")
    assert market["received"].tolist() == [1, 5, 5, 3, 1, 4, 21]
    assert str(market["received"].dtype) == "Int64" and str(market["review_total"].dtype) == "Int64"
    assert market.loc[2025, "review_total"] == 10
    huaian = headline[headline["agency_key"] == "淮安市人民政府"].iloc[0]
    assert (huaian["received"], huaian["review_total"], huaian["fee_amount_wan"]) == (3119, 351, 96171.6)
    # procurement exists in the 2019 format only, fee income in the 2021 format only
    assert headline.loc[headline["template"] == "gov2021", "procurement_amount_wan"].isna().all()
    assert headline.loc[headline["template"] == "gov2019", "fee_amount_wan"].isna().all()


def test_agency_year_keeps_zero_apart_from_blank(headline):
    table = panel.agency_year(headline, "received")
    assert list(table.columns) == list(range(2019, 2026))
    assert table.loc["市场监督管理局"].tolist() == [1, 5, 5, 3, 1, 4, 21]
    row = table.loc["农业农村局"]
    assert pd.isna(row[2019]) and row[2022] == 0  # no report in 2019; a report of no requests in 2022
    assert list(table.index) == sorted(table.index)


def test_styled_tables_print_integers_and_blanks(headline):
    html = panel.styled(panel.agency_year(headline, "received")).to_html()
    assert ">3,119<" in html and "nan" not in html and "&lt;NA&gt;" not in html and ".0<" not in html
    shown = panel.show(headline[["agency_label", "report_year", "received", "fee_amount_wan"]]).to_html()
    assert "&lt;NA&gt;" not in shown and ">96,171.60<" in shown


def test_coverage_counts_the_reports_that_print_a_measure(headline):
    fees = panel.coverage(headline[headline["template"] == "gov2021"], "fee_amount_wan").set_index("report_year")
    assert (fees["printing"] <= fees["reports"]).all()
    assert fees.loc[2024, "reports"] == len(headline[headline["report_year"] == 2024])


def test_reasons_sum_the_printed_rows_only(tables):
    reasons = panel.reasons(tables["applications"], tables["reports"]).set_index("row")
    assert reasons.loc["unavailable_not_held", "label_zh"] == "1.本机关不掌握相关政府信息"
    assert list(reasons["group"].unique()) == ["denied", "unavailable"]
    kept = set(panel.comparable(tables["reports"])["report_id"])
    apps = tables["applications"]
    expected = apps[apps["report_id"].isin(kept) & (apps["row"] == "denied_admin_query")]["total"].sum()
    assert reasons.loc["denied_admin_query", "count"] == expected


def test_ranking_leaves_out_small_volumes_and_says_how_many(headline):
    metrics = analysis.application_metrics(headline)
    ranked, note = panel.ranking(metrics, "substantive_disclosure_rate", min_volume=5, year=2024)
    assert (ranked["received"] >= 5).all() and ranked["rank"].is_monotonic_increasing
    in_year = metrics[metrics["report_year"] == 2024]
    below = int((in_year["received"].fillna(0) < 5).sum())
    assert note.startswith(f"2024: {len(ranked)} of {len(in_year)} agencies ranked; {below} left out")


def test_outcome_counts_keep_zero_request_years(headline):
    counts = panel.outcome_counts(headline)
    year = counts[(counts["agency_label"] == "农业农村局") & (counts["report_year"] == 2022)]
    assert set(year["outcome"]) >= {"granted", "denied", "carried_forward"} and (year["handled"] == 0).all()


def test_inventory_lists_every_report_with_a_label(tables):
    inventory = panel.inventory(tables["reports"])
    assert len(inventory) == len(tables["reports"])
    assert inventory["row_label"].notna().all()
    assert not inventory.loc[inventory["file"].str.startswith("partial/"), "is_compared"].any()


def test_applicants_by_year_sums_printed_cells(tables):
    by_year = panel.applicants_by_year(tables["applications"], tables["reports"]).set_index("report_year")
    assert by_year.loc[2024, "total"] >= 3119 and str(by_year["total"].dtype) == "Int64"
