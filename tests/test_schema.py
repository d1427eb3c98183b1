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
