"""云量贷 collateral: worked examples by hand, one path = batch path, validated and cited rules."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.credit.collateral import (
    CATEGORIES,
    PROVENANCES,
    RULES_PATH,
    CollateralRulesError,
    EvidenceRecord,
    load_rules,
    load_versions,
    parse_versions,
    value_batch,
    value_one,
)
from engines.library.links import clause_text, quote_in_clause
from engines.library.manifest import library_documents
from tests.support.i18n import CJK
from tests.support.paths import ROOT

AS_OF = dt.date(2024, 6, 30)
SEEDS = ROOT.parent / "shared" / "seeds"  # the project's seed documents, beside the checkout
RAW = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


def cloud(category: str, amount: str, on: dt.date, provenance: str = "platform_verified") -> EvidenceRecord:
    return EvidenceRecord("cloud_usage", category, Decimal(amount), on, provenance)


def invest(category: str, amount: str, on: dt.date, provenance: str = "platform_verified") -> EvidenceRecord:
    return EvidenceRecord("digital_investment", category, Decimal(amount), on, provenance)


def frame(records: dict[str, list[EvidenceRecord]], *, as_float: bool = False) -> pl.DataFrame:
    rows = [
        {
            "credit_code": code,
            "kind": r.kind,
            "category": r.category,
            "amount_cny": float(r.amount_cny) if as_float else r.amount_cny,
            "on": r.on,
            "provenance": r.provenance,
        }
        for code, rs in records.items()
        for r in rs
    ]
    amount = pl.Float64 if as_float else pl.Decimal(38, 2)
    schema = {"credit_code": pl.String, "kind": pl.String, "category": pl.String, "amount_cny": amount}
    return pl.DataFrame(rows, schema={**schema, "on": pl.Date, "provenance": pl.String})


# ---------------------------------------------------------------- worked examples (rules 2020.1)


def test_the_twelfth_monthly_bill_back_counts_and_the_thirteenth_does_not():
    # 2023-07-01 → 2024-06-30: 11 whole months; 2023-06-01: 12, outside the 12-month window.
    value = value_one(
        [cloud("compute", "1000", dt.date(2023, 7, 1)), cloud("compute", "1000", dt.date(2023, 6, 1))], AS_OF
    )
    # Compute ¥1,000 × 50% recognised, × 30% R&D input.
    assert (value.recognised_cny, value.rd_input_cny) == (Decimal("500.00"), Decimal("300.00"))
    assert [line.counted for line in value.lines] == [True, False]
    assert "outside the 12-month look-back window" in value.lines[1].reason_en
    assert "超出12个月回溯期" in value.lines[1].reason


def test_a_month_completes_on_the_same_day_of_a_later_month():
    # On the first of a month the bill of the same month a year earlier has just left the window.
    bills = [cloud("storage", "100", dt.date(2023, m, 1)) for m in (7, 8)]
    value = value_one(bills, dt.date(2024, 7, 1))
    assert [line.counted for line in value.lines] == [False, True]
    assert value.recognised_cny == Decimal("40.00")  # 100 × 40%


def test_smart_equipment_is_depreciated_straight_line_by_whole_months():
    # 2023-01-15 → 2024-06-30: 17 whole months, 43 of 60 left: 10,000 × 43/60 = 7,166.666… → 7,166.67;
    # × 70% = 5,016.669 → 5,016.67 recognised; × 20% = 1,433.334 → 1,433.33 R&D input.
    value = value_one([invest("smart_equipment", "10000", dt.date(2023, 1, 15))], AS_OF)
    assert (value.recognised_cny, value.rd_input_cny) == (Decimal("5016.67"), Decimal("1433.33"))
    assert "43/60" in value.lines[0].reason_en
    # A day earlier than the 15th, the 17th month is not complete yet: 44/60 → 7,333.33 × 70% = 5,133.331.
    earlier = value_one([invest("smart_equipment", "10000", dt.date(2023, 1, 15))], dt.date(2024, 6, 14))
    assert earlier.recognised_cny == Decimal("5133.33")


def test_a_transformation_project_is_not_depreciated_but_leaves_after_36_months():
    records = [
        invest("digital_transformation_project", "1000", dt.date(2021, 7, 1)),  # 35 months: counted in full
        invest("digital_transformation_project", "1000", dt.date(2021, 6, 30)),  # 36 months: outside
    ]
    value = value_one(records, AS_OF)
    assert (value.recognised_cny, value.rd_input_cny) == (Decimal("600.00"), Decimal("400.00"))
    assert "36-month look-back" in value.lines[1].reason_en


def test_amounts_round_half_to_even_to_the_fen():
    # SaaS ¥0.05 × 30% = 1.5 fen → 2; ¥0.15 × 30% = 4.5 fen → 4; R&D ¥0.15 × 10% = 1.5 fen → 2.
    assert value_one([cloud("saas", "0.05", AS_OF)], AS_OF).recognised_cny == Decimal("0.02")
    value = value_one([cloud("saas", "0.15", AS_OF)], AS_OF)
    assert (value.recognised_cny, value.rd_input_cny) == (Decimal("0.04"), Decimal("0.02"))


def test_self_declared_evidence_counts_half_and_provider_reported_ninety_percent():
    # Industrial internet ¥2,000: × 60% × 50% = 600, R&D × 30% × 50% = 300.
    own = value_one([cloud("industrial_internet", "2000", dt.date(2024, 5, 1), "self_declared")], AS_OF)
    assert (own.recognised_cny, own.rd_input_cny) == (Decimal("600.00"), Decimal("300.00"))
    assert "self-declared multiplier 50%" in own.lines[0].reason_en
    provider = value_one(
        [cloud("industrial_internet", "2000", dt.date(2024, 5, 1), "provider_reported")], AS_OF
    )
    assert (provider.recognised_cny, provider.rd_input_cny) == (Decimal("1080.00"), Decimal("540.00"))


def test_the_recognised_value_is_capped_and_rd_input_stays_a_part_of_it():
    # ¥10,000,000 project × 60% = 6,000,000 > cap 5,000,000; R&D × 40% = 4,000,000 stays.
    value = value_one([invest("digital_transformation_project", "10000000", dt.date(2024, 1, 10))], AS_OF)
    assert (value.recognised_cny, value.rd_input_cny, value.capped) == (
        Decimal("5000000.00"),
        Decimal("4000000.00"),
        True,
    )
    assert "exceeds the cap" in value.explanation_en and "按上限认定" in value.explanation
    # ¥20,000,000: R&D 8,000,000 would exceed the capped 5,000,000 recognised.
    bigger = value_one([invest("digital_transformation_project", "20000000", dt.date(2024, 1, 10))], AS_OF)
    assert (bigger.recognised_cny, bigger.rd_input_cny) == (Decimal("5000000.00"), Decimal("5000000.00"))


def test_a_record_dated_after_the_valuation_date_is_not_counted():
    value = value_one([cloud("compute", "1000", dt.date(2024, 7, 1))], AS_OF)
    assert value.recognised_cny == Decimal("0.00") and not value.lines[0].counted
    assert "after the valuation date 2024-06-30" in value.lines[0].reason_en
    assert "晚于评估日" in value.lines[0].reason


def test_no_records_are_worth_nothing_and_still_explained():
    value = value_one([], AS_OF)
    assert (value.recognised_cny, value.rd_input_cny, value.capped, value.lines) == (
        Decimal("0.00"),
        Decimal("0.00"),
        False,
        (),
    )
    assert value.provisional and value.rules_version == "2020.1"
    assert "CNY 0.00" in value.explanation_en and "¥0.00" in value.explanation


def test_the_value_serialises_with_its_lines():
    data = value_one([cloud("compute", "1000", AS_OF)], AS_OF).as_dict()
    assert data["recognised_cny"] == "500.00" and data["rules_version"] == "2020.1"
    assert data["lines"][0]["counted"] and data["lines"][0]["on"] == "2024-06-30"


@pytest.mark.parametrize(
    ("record", "named"),
    [
        (EvidenceRecord("loan", "compute", Decimal(1), AS_OF, "platform_verified"), "kind 'loan'"),
        (cloud("software", "1", AS_OF), "category 'software'"),
        (cloud("compute", "1", AS_OF, "rumour"), "provenance 'rumour'"),
        (cloud("compute", "-1", AS_OF), "amount_cny"),
        (cloud("compute", "1.005", AS_OF), "amount_cny"),
    ],
)
def test_a_bad_record_is_refused_by_name(record, named):
    with pytest.raises(ValueError, match=named):
        value_one([record], AS_OF)


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [
        ("kind", "loan", "kind 'loan'"),
        ("category", "gpu", "category 'gpu'"),
        ("provenance", "rumour", "provenance 'rumour'"),
        ("amount_cny", Decimal("-1.00"), "amount_cny"),
    ],
)
def test_the_batch_refuses_a_bad_row_naming_the_enterprise(column, value, named):
    bad = frame({"B": [cloud("compute", "1", AS_OF)]}).with_columns(pl.lit(value).alias(column))
    good = frame({"A": [cloud("compute", "1", AS_OF)]})
    with pytest.raises(ValueError, match=f"credit_code B: {named}"):
        value_batch(pl.concat([good, bad], how="vertical_relaxed"), AS_OF)


def test_the_batch_refuses_amounts_finer_than_a_fen_and_missing_values():
    finer = pl.DataFrame(
        {
            "credit_code": ["A"],
            "kind": ["cloud_usage"],
            "category": ["compute"],
            "amount_cny": [Decimal("1.005")],
        }
    ).with_columns(on=pl.lit(AS_OF), provenance=pl.lit("platform_verified"))
    with pytest.raises(ValueError, match="at most 2 decimals"):
        value_batch(finer, AS_OF)
    with pytest.raises(ValueError, match="missing"):
        value_batch(
            frame({"A": [cloud("compute", "1", AS_OF)]}).with_columns(on=pl.lit(None, pl.Date)), AS_OF
        )


# ---------------------------------------------------------------- one path = batch path

PAIRS = [(kind, category) for kind, categories in CATEGORIES.items() for category in categories]
RECORDS = st.builds(
    lambda pair, fen, on, provenance: EvidenceRecord(*pair, Decimal(fen).scaleb(-2), on, provenance),
    st.sampled_from(PAIRS),
    st.integers(0, 10**11),  # up to ¥1,000,000,000: the cap is reached now and then
    st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31)),
    st.sampled_from(sorted(PROVENANCES)),
)


@settings(max_examples=150, deadline=None)
@given(
    enterprises=st.dictionaries(
        st.sampled_from("ABCDEFG"), st.lists(RECORDS, max_size=12), min_size=1, max_size=5
    ),
    as_of=st.dates(dt.date(2020, 4, 7), dt.date(2026, 6, 30)),
    as_float=st.booleans(),
)
def test_the_batch_agrees_exactly_with_the_one_path(enterprises, as_of, as_float):
    batch = value_batch(frame(enterprises, as_float=as_float), as_of)
    with_records = {code for code, records in enterprises.items() if records}
    assert batch["credit_code"].to_list() == sorted(with_records)
    for row in batch.iter_rows(named=True):
        one = value_one(enterprises[row["credit_code"]], as_of)
        assert (row["recognised_cny"], row["rd_input_cny"], row["capped"]) == (
            one.recognised_cny,
            one.rd_input_cny,
            one.capped,
        )


# ---------------------------------------------------------------- rules data


def test_the_rules_in_force_are_chosen_by_date():
    assert load_rules(AS_OF).version == "2020.1"
    with pytest.raises(CollateralRulesError, match="no collateral rules are in force on 2020-04-06"):
        load_rules(dt.date(2020, 4, 6))


def _broken(change) -> dict:
    data = copy.deepcopy(RAW)
    change(data["versions"][0])
    return data


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            lambda v: v["cloud_usage"]["categories"]["compute"].update(recognised_rate=1.5),
            "compute.recognised_rate",
        ),
        (
            lambda v: v["cloud_usage"]["categories"]["saas"].update(rd_rate=0.9),
            "saas.rd_rate: must not exceed",
        ),
        (lambda v: v["cloud_usage"]["categories"].update(gpu={"recognised_rate": 0, "rd_rate": 0}), "gpu"),
        (lambda v: v["provenance"]["multipliers"].pop("self_declared"), "provenance"),
        (lambda v: v["look_back_months"].update(cloud_usage=0), "look_back_months.cloud_usage"),
        (
            lambda v: v["digital_investment"]["categories"]["software"].update(depreciation_years=0.5),
            "depreciation_years",
        ),
        (lambda v: v["cap_cny"].pop("note_en"), "cap_cny.note_en"),
        (lambda v: v.update(effective_from="someday"), "effective_from"),
        (lambda v: v.update(citations=[]), "citations"),
    ],
)
def test_the_loader_names_the_bad_field(change, named):
    with pytest.raises(CollateralRulesError, match=named.replace(".", r"\.")):
        parse_versions(_broken(change))


def test_the_loader_refuses_overlapping_versions():
    data = copy.deepcopy(RAW)
    later = copy.deepcopy(data["versions"][0]) | {"version": "2025.1", "effective_from": "2025-01-01"}
    data["versions"].append(later)
    with pytest.raises(CollateralRulesError, match="overlap"):
        parse_versions(data)
    data["versions"][0]["effective_to"] = "2024-12-31"
    assert [v.version for v in parse_versions(data)] == ["2020.1", "2025.1"]


def test_every_version_quotes_its_seed_verbatim_and_links_the_library_clause():
    documents = {d.id: d for d in library_documents()}
    for rules in load_versions():
        assert {c.source for c in rules.citations} == {"000_a031d1bd700990c2.txt", "001_797ca64ec391d12e.txt"}
        for citation in rules.citations:
            doc = documents[citation.clause_id.split("/")[0]]
            assert quote_in_clause(citation.quote, clause_text(doc, doc.clause(citation.clause_id)))
            seed = SEEDS / citation.source
            if seed.is_file():  # a clean clone has the library texts but not the seed folder beside it
                assert citation.quote in seed.read_text(encoding="utf-8"), citation.clause


def test_every_number_is_provisional_with_a_note_in_both_languages():
    for version in RAW["versions"]:
        for section in ("look_back_months", "cloud_usage", "digital_investment", "provenance", "cap_cny"):
            part = version[section]
            assert part["provisional"] is True, section
            assert CJK.search(part["note"]) and not any(mark in part["note"] for mark in ",;:()"), section
            assert part["note_en"].strip() and not CJK.search(part["note_en"]), section
    rules = load_rules(AS_OF)
    assert rules.provisional and len(rules.notes) == len(rules.notes_en) == 5


def test_every_explanation_reads_in_chinese_and_english():
    records = [
        cloud("compute", "1000", AS_OF),
        cloud("saas", "10", dt.date(2020, 1, 1)),
        cloud("other", "10", dt.date(2025, 1, 1), "self_declared"),
        invest("smart_equipment", "60000", dt.date(2022, 6, 30), "provider_reported"),
        invest("digital_transformation_project", "90000000", AS_OF, "official_verified"),
    ]
    value = value_one(records, AS_OF)
    texts = [(value.explanation, value.explanation_en)] + [(x.reason, x.reason_en) for x in value.lines]
    for zh, en in texts:
        assert CJK.search(zh)
        assert en.strip() and not CJK.search(en), en
