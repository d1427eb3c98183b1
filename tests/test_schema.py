"""The one declaration of keys and labels."""

from __future__ import annotations

from helpers import schema


def test_key_counts_per_format():
    assert len(schema.template_keys(schema.GOV2019)) == 22 + 23 * 7 + 15
    assert len(schema.template_keys(schema.GOV2021)) == 10 + 25 * 7 + 15


def test_keys_follow_the_contract_scheme():
    for template in schema.TEMPLATES:
        for key in schema.template_keys(template):
            table = key.split(".")[0]
            assert len(key.split(".")) == {"t1": 4, "t2": 3, "t3": 2}[table], key
    assert "t1.art20_9.central_procurement.procurement_amount_wan" in schema.template_keys(schema.GOV2019)
    assert "t1.art20_8.admin_fees.fee_amount_wan" in schema.template_keys(schema.GOV2021)


def test_shared_keys_know_both_formats():
    assert schema.field("t2.granted.total").templates == (schema.GOV2019, schema.GOV2021)
    assert schema.field("t2.other.total").templates == (schema.GOV2019,)
    assert schema.field("t2.other_misc.total").templates == (schema.GOV2021,)


def test_outcome_rows_add_up_per_format():
    assert len(schema.t2_outcome_keys(schema.GOV2019)) == 19
    assert len(schema.t2_outcome_keys(schema.GOV2021)) == 21


def test_data_dictionary_has_a_label_for_every_key():
    rows = schema.data_dictionary()
    assert len(rows) == len({r["key"] for r in rows})
    assert all(r["label_zh"] for r in rows)


def test_table_4_keys_are_declared_once_and_optional_in_2021():
    """report-format.md §12: 信息处理费收取情况, one row under three columns, optional in gov2021."""
    assert schema.optional_keys(schema.GOV2021) == (
        "t4.fee_notices", "t4.fee_notified_amount_wan", "t4.fee_collected_amount_wan")
    assert schema.optional_keys(schema.GOV2019) == ()
    assert not any(k.startswith("t4.") for t in schema.TEMPLATES for k in schema.template_keys(t))
    fees = [schema.field(k) for k in schema.optional_keys(schema.GOV2021)]
    # pivotable by column into one row per report: fee_notices, fee_notified_amount_wan, fee_collected_amount_wan
    assert {(f.table, f.subtable, f.row) for f in fees} == {("t4", None, "processing_fees")}
    assert [f.column for f in fees] == ["fee_notices", "fee_notified_amount_wan", "fee_collected_amount_wan"]
    assert [(f.dtype, f.unit) for f in fees] == [(schema.COUNT, None), (schema.AMOUNT_WAN, "万元"),
                                                 (schema.AMOUNT_WAN, "万元")]
    assert fees[1].label_zh == "信息处理费收取情况 / 通知收取金额（元）"
    assert all(f.templates == (schema.GOV2021,) for f in fees)
    assert {r["key"] for r in schema.data_dictionary()} >= set(schema.optional_keys(schema.GOV2021))


def test_headings_follow_the_shifted_numbering_of_reports_with_table_4():
    """「五、信息处理费收取情况」 pushes 存在的主要问题 to 六 and 其他需要报告的事项 to 七."""
    of = schema.section_of_heading
    assert of("五", "信息处理费收取情况") is schema.FEE_SECTION
    assert of("六", "存在的主要问题和改进情况").key == "s5_problems"
    assert of("七", "其他需要报告的事项").key == "s6_other"
    assert of("五", "存在的主要问题及改进情况").key == "s5_problems"
    assert of("六", "其他需要报告的事项").key == "s6_other"
    assert of("七", "存在的主要问题") is None and of("四", "结转下年度继续办理") is None
    assert [s.key for s in schema.PRINTED_SECTIONS] == [
        "s1_overview", "s2_active", "s3_applications", "s4_review_litigation", "s5_fees", "s5_problems", "s6_other"]
    assert len(schema.SECTIONS) == 6  # the six official sections, in their official numbering
