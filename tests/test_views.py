"""Views the notebooks show, on the bundled data."""

from __future__ import annotations

import pytest

from helpers import analysis, views
from helpers.corpus import ingest

from support import RAW


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    out = tmp_path_factory.mktemp("views")
    ingest(RAW, out, workers=2, progress=False)
    return analysis.load_tables(out)


def test_procurement_keeps_the_printed_amount(tables):
    proc = views.procurement(tables["active_disclosure"], tables["cells"], tables["reports"]).set_index("agency_label")
    assert proc.loc["广州市增城区小楼镇人民政府", "procurement_amount_wan"] == 42.6796
    assert proc.loc["广州市增城区小楼镇人民政府", "amount_as_printed"] == "426796元"


def test_fees_only_for_2021_format(tables):
    fees = views.fees(tables["active_disclosure"], tables["reports"])
    assert set(fees["template"]) == {"gov2021"}
    assert fees.set_index("agency_label").loc["淮安市人民政府", "fee_amount_wan"] == 96171.6


def test_applicants_row(tables):
    applicants = views.applicants(tables["applications"], tables["reports"]).set_index("agency_label")
    assert applicants.loc["淮安市人民政府", "natural_person"] == 3001
    assert applicants.loc["淮安市人民政府", "total"] == 3119


def test_agency_profile(tables):
    profile = views.agency_profile(tables, "平潭综合实验区市场监督管理局")
    assert list(profile["summary"]["report_year"]) == list(range(2019, 2026))
    assert profile["summary"].set_index("report_year").loc[2025, "other"] == 4
    assert set(profile["cross_year"]["id"]) == {"X-INFORCE", "X-ITEMS"}


def test_interactive_outcomes_is_static_without_a_front_end(tables):
    metrics = analysis.application_metrics(analysis.harmonised_applications(tables["applications"], tables["reports"]))
    shown = views.interactive_outcomes(metrics)
    assert list(shown.columns) == ["value"] and "substantive_disclosure_rate" in shown.index
