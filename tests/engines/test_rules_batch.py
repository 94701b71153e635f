"""Batch path = one path, on random enterprises with missing values and values exactly at thresholds."""

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.rules.batch import evaluate_frame, records_frame
from engines.rules.evaluate import evaluate
from engines.rules.fields import FIELDS, SRDI_LEVELS
from engines.rules.loader import load_programmes

AS_OF = dt.date(2024, 6, 30)
PROGRAMMES = load_programmes()


def _thresholds(name):
    found = set()
    for programme in PROGRAMMES.values():
        for leaf in programme.leaves():
            if name in leaf.fields and leaf.threshold:
                found.add(leaf.threshold[0].value)
    return sorted(found)


def _strategy(name):
    spec = FIELDS[name]
    at = _thresholds(name)
    if spec.type == "ratio":
        near = [st.sampled_from(at)] if at else []
        base = st.one_of(*near, st.decimals(min_value=-1, max_value=2, places=4))
    elif spec.type == "money":
        near = [st.sampled_from(at)] if at else []
        base = st.one_of(*near, st.integers(0, 300_000_000).map(Decimal))
    elif spec.type == "count":
        near = [st.sampled_from([int(v) for v in at])] if at else []
        base = st.one_of(*near, st.integers(spec.minimum, 12))
    elif spec.type == "bool":
        base = st.booleans()
    elif spec.type == "date":
        base = st.one_of(
            st.sampled_from(
                [dt.date(2021, 6, 30), dt.date(2022, 6, 30), dt.date(2022, 7, 1), dt.date(2020, 2, 29)]
            ),
            st.dates(dt.date(2000, 1, 1), dt.date(2024, 6, 30)),
        )
    elif name == "region_code":
        base = st.sampled_from(
            ["110105", "310101", "440305", "441500", "330106", "120101", "370102", "130102", "430102"]
        )
    elif name == "industry_code":
        base = st.sampled_from(["3911", "6510", "6311", "7310", "5211", "1311"])
    elif name == "size_class":
        base = st.sampled_from(["large", "medium", "small", "micro"])
    else:
        base = st.sampled_from(["none", "pool", "municipal", "provincial", "national"])
    return st.one_of(st.none(), base)


ALL_FIELDS = sorted(
    {name for programme in PROGRAMMES.values() for name in programme.fields()} | {"revenue_cny"}
)
ENTERPRISE = st.fixed_dictionaries({name: _strategy(name) for name in ALL_FIELDS})


def _json(value):
    if isinstance(value, Decimal):
        return float(value)  # what a JSON reader hands over; the one path takes repr(), batch takes float64
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _frame(rows):
    return records_frame([{k: _json(v) for k, v in row.items()} for row in rows])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ENTERPRISE, min_size=1, max_size=25))
def test_it_gives_the_same_outcome_and_reasons_in_batch_as_one_by_one(rows):
    frame = _frame(rows)
    for programme in PROGRAMMES.values():
        batch = evaluate_frame(frame, programme, AS_OF).to_dicts()
        for row, got in zip(rows, batch, strict=True):
            one = evaluate(programme, {k: _json(v) for k, v in row.items()}, AS_OF)
            assert got["outcome"] == one.outcome, (programme.id, row)
            assert got["failing"] == [item["condition"] for item in one.failing]
            assert got["unknown"] == [item["condition"] for item in one.unknown]
            assert got["review"] == [item["condition"] for item in one.review]
            assert got["undetermined_because"] == one.undetermined_because
            amount = None if one.benefit is None else one.benefit["amount_cny"]
            assert (None if got["benefit_cny"] is None else f"{got['benefit_cny']:.2f}") == amount
            # Pages decode the batch's ids through the programme: the same texts in both languages.
            for kind in ("failing", "unknown", "review"):
                decoded = [(programme.nodes[i].text, programme.nodes[i].text_en) for i in got[kind]]
                assert decoded == [(item["text"], item["text_en"]) for item in getattr(one, kind)]


def test_it_agrees_at_exactly_three_percent_seventy_percent_and_ten_million():
    programme = PROGRAMMES["srdi-shanghai"]
    rows = [
        {"region_code": "310101", "founded_on": "2015-01-01", "revenue_cny": rev, "rd_intensity_2y": rd}
        for rev, rd in [
            (10_000_000, 0.03),
            (9_999_999.99, 0.03),
            (10_000_000, 0.0299),
            (10_000_000.01, 0.0301),
        ]
    ]
    batch = evaluate_frame(
        pl.DataFrame(rows).with_columns(pl.col("founded_on").str.to_date()), programme, AS_OF
    )
    states = evaluate_frame(
        pl.DataFrame(rows).with_columns(pl.col("founded_on").str.to_date()),
        programme,
        AS_OF,
        keep_states=True,
    )
    basic = states["__node__sh-revenue-1000"].to_list(), states["__node__sh-rd-3"].to_list()
    assert basic == ([True, False, True, True], [True, True, False, True])
    for row, outcome in zip(rows, batch["outcome"], strict=True):
        assert evaluate(programme, row, AS_OF).outcome == outcome
    national = PROGRAMMES["srdi-national-little-giant"]
    shares = pl.DataFrame(
        {"main_business_share": [0.7, 0.69999, 0.70001], "debt_ratio": [0.7, 0.70001, 0.69999]}
    )
    got = evaluate_frame(shares, national, AS_OF, keep_states=True)
    assert got["__node__main-business-70"].to_list() == [True, False, True]
    assert got["__node__debt-ratio"].to_list() == [True, False, True]
    for share, debt, want_share, want_debt in [
        (0.7, 0.7, "pass", "pass"),
        (0.69999, 0.70001, "fail", "fail"),
    ]:
        one = evaluate(national, {"main_business_share": share, "debt_ratio": debt}, AS_OF)
        assert (one.states["main-business-70"].value, one.states["debt-ratio"].value) == (
            want_share,
            want_debt,
        )


def _c(text):
    return {"clause": "test", "quote": text}


SYNTHETIC = {
    "id": "synthetic",
    "name": "全部操作符",
    "name_en": "every operator",
    "issuing_body": "test",
    "issuing_body_en": "test",
    "region_code": "330000",
    "effective_from": "2021-01-01",
    "version": "1",
    "source_document": "test",
    "conditions": {
        "id": "root",
        "text": "root",
        "text_en": "root",
        "citation": _c("root"),
        "all": [
            {
                "id": "region",
                "text": "r",
                "text_en": "r",
                "citation": _c("r"),
                "field": "region_code",
                "op": "region_prefix",
                "values": ["33", "31"],
            },
            {
                "id": "age",
                "text": "a",
                "text_en": "a",
                "citation": _c("a"),
                "field": "founded_on",
                "op": "years_at_least",
                "threshold": 2,
            },
            {
                "id": "size",
                "text": "s",
                "text_en": "s",
                "citation": _c("s"),
                "field": "size_class",
                "op": "in",
                "values": ["small", "micro"],
            },
            {
                "id": "pick",
                "text": "p",
                "text_en": "p",
                "citation": _c("p"),
                "at_least": 2,
                "of": [
                    {
                        "id": "rev",
                        "text": "v",
                        "text_en": "v",
                        "citation": _c("v"),
                        "field": "revenue_cny",
                        "op": ">=",
                        "threshold": 10000000,
                    },
                    {
                        "id": "rd",
                        "text": "d",
                        "text_en": "d",
                        "citation": _c("d"),
                        "field": "rd_intensity_2y",
                        "op": ">",
                        "threshold": 0.03,
                    },
                    {
                        "id": "debt",
                        "text": "b",
                        "text_en": "b",
                        "citation": _c("b"),
                        "field": "debt_ratio",
                        "op": "<=",
                        "threshold": 0.7,
                    },
                    {
                        "id": "ind",
                        "text": "i",
                        "text_en": "i",
                        "citation": _c("i"),
                        "field": "industry_code",
                        "op": "industry",
                        "values": ["C", "65"],
                    },
                ],
            },
            {
                "id": "either",
                "text": "e",
                "text_en": "e",
                "citation": _c("e"),
                "any": [
                    {
                        "id": "brand",
                        "text": "o",
                        "text_en": "o",
                        "citation": _c("o"),
                        "field": "own_brand",
                        "op": "is_true",
                    },
                    {
                        "id": "ip",
                        "text": "ip",
                        "text_en": "ip",
                        "citation": _c("ip"),
                        "fields": ["utility_models", "design_patents"],
                        "op": ">=",
                        "threshold": 5,
                    },
                    {
                        "id": "share",
                        "text": "sh",
                        "text_en": "sh",
                        "citation": _c("sh"),
                        "field": "main_business_share",
                        "op": "<",
                        "threshold": 0.5,
                    },
                ],
            },
        ],
    },
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ENTERPRISE, min_size=1, max_size=30))
def test_it_agrees_on_a_programme_without_qualitative_clauses_where_every_outcome_occurs(rows):
    from engines.rules.loader import parse_programme

    programme = parse_programme(SYNTHETIC, "synthetic")
    batch = evaluate_frame(
        records_frame([{k: _json(v) for k, v in row.items()} for row in rows]), programme, AS_OF
    )
    for row, got in zip(rows, batch.to_dicts(), strict=True):
        one = evaluate(programme, {k: _json(v) for k, v in row.items()}, AS_OF)
        assert (got["outcome"], got["failing"], got["unknown"]) == (
            one.outcome,
            [item["condition"] for item in one.failing],
            [item["condition"] for item in one.unknown],
        )


def test_it_reaches_every_outcome_on_the_synthetic_programme():
    from engines.rules.loader import parse_programme

    programme = parse_programme(SYNTHETIC, "synthetic")
    good = {
        "region_code": "330106",
        "founded_on": "2020-01-01",
        "size_class": "small",
        "revenue_cny": 10_000_000,
        "rd_intensity_2y": 0.03,
        "debt_ratio": 0.7,
        "own_brand": True,
    }
    assert evaluate(programme, good, AS_OF).outcome == "eligible"
    assert evaluate(programme, good | {"own_brand": None}, AS_OF).outcome == "undetermined"
    assert evaluate(programme, good | {"region_code": "110105"}, AS_OF).outcome == "not_eligible"


CODES_ONLY = {
    **{key: value for key, value in SYNTHETIC.items() if key != "conditions"},
    "id": "codes",
    "conditions": {
        "id": "root",
        "text": "root",
        "text_en": "root",
        "citation": _c("root"),
        "all": [
            {
                "id": "region",
                "text": "r",
                "text_en": "r",
                "citation": _c("r"),
                "field": "region_code",
                "op": "region_prefix",
                # Prefixes of every length, overlapping ones and a leading zero: the integer ranges of the
                # batch path must say exactly what str.startswith says.
                "values": ["12", "1201", "4403", "330106", "09", "4404"],
            },
            {
                "id": "ind",
                "text": "i",
                "text_en": "i",
                "citation": _c("i"),
                "field": "industry_code",
                "op": "industry",
                "values": ["C", "I", "01", "65"],
            },
            {
                "id": "level",
                "text": "l",
                "text_en": "l",
                "citation": _c("l"),
                "field": "srdi_level",
                "op": "in",
                "values": ["provincial", "national"],
            },
        ],
    },
}
DIGITS6 = st.one_of(
    st.from_regex(r"\A[0-9]{6}\Z"),
    st.sampled_from(
        ["120000", "119999", "130000", "440299", "440300", "440399", "440400", "440499", "090000"]
    ),
)
DIGITS4 = st.one_of(
    st.from_regex(r"\A[0-9]{4}\Z"),
    st.sampled_from(["1299", "1300", "4399", "4400", "6499", "6500", "6599", "0100", "0199", "0200"]),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "region_code": st.one_of(st.none(), DIGITS6),
                "industry_code": st.one_of(st.none(), DIGITS4),
                "srdi_level": st.one_of(st.none(), st.sampled_from(SRDI_LEVELS)),
            }
        ),
        min_size=1,
        max_size=30,
    )
)
def test_it_reads_region_prefixes_and_industry_divisions_as_integers_exactly_like_text(rows):
    from engines.rules.loader import parse_programme

    programme = parse_programme(CODES_ONLY, "codes.yaml")
    batch = evaluate_frame(records_frame(rows), programme, AS_OF, keep_states=True)
    for row, got in zip(rows, batch.iter_rows(named=True), strict=True):
        one = evaluate(programme, row, AS_OF)
        assert got["outcome"] == one.outcome
        for node in ("region", "ind", "level"):
            want = {"pass": True, "fail": False, "unknown": None}[one.states[node].value]
            assert got[f"__node__{node}"] is want, (node, row)


def test_it_refuses_a_frame_whose_codes_break_their_format():
    import polars.exceptions

    national = PROGRAMMES["srdi-national-little-giant"]
    with pytest.raises(polars.exceptions.InvalidOperationError):
        evaluate_frame(pl.DataFrame({"size_class": ["tiny"]}), national, AS_OF)


def test_it_does_not_wrap_around_when_counts_near_the_int32_limit_are_summed():
    national = PROGRAMMES["srdi-national-little-giant"]
    big = 2_147_483_647
    rows = [
        {"utility_models": big, "design_patents": big, "software_copyrights": 0},  # wraps to -2 in Int32
        {"utility_models": big, "design_patents": None, "software_copyrights": 0},
        {"utility_models": 2, "design_patents": 2, "software_copyrights": 0},
        {"utility_models": 2, "design_patents": 2, "software_copyrights": None},
    ]
    got = evaluate_frame(records_frame(rows), national, AS_OF, keep_states=True)["__node__ip-other"]
    assert got.to_list() == [True, True, False, None]
    for row, want in zip(rows, ["pass", "pass", "fail", "unknown"], strict=True):
        assert evaluate(national, row, AS_OF).states["ip-other"].value == want


def test_it_lists_reasons_of_a_programme_with_more_leaves_than_one_64_bit_word():
    from engines.rules.loader import parse_programme

    leaves = [
        {
            "id": f"n{i}",
            "text": f"n{i}",
            "text_en": f"n{i}",
            "citation": _c(f"n{i}"),
            "field": "employees",
            "op": ">=",
            "threshold": i,
        }
        for i in range(70)
    ]
    wide = {
        **{key: value for key, value in SYNTHETIC.items() if key != "conditions"},
        "id": "wide",
        "conditions": {
            "id": "root",
            "text": "root",
            "text_en": "root",
            "citation": _c("root"),
            "all": leaves,
        },
    }
    programme = parse_programme(wide, "wide.yaml")
    rows = [{"employees": 66}, {"employees": 3}, {"employees": None}, {"employees": 69}]
    batch = evaluate_frame(records_frame(rows), programme, AS_OF)
    for row, got in zip(rows, batch.iter_rows(named=True), strict=True):
        one = evaluate(programme, row, AS_OF).as_dict()
        assert got["outcome"] == one["outcome"]
        assert got["failing"] == [item["condition"] for item in one["failing"]]
        assert got["unknown"] == [item["condition"] for item in one["unknown"]]
    assert batch["failing"].to_list()[0] == ["n67", "n68", "n69"]
    assert len(batch["unknown"].to_list()[2]) == 70


def _neighbours(programme, enterprise):
    """The enterprise, and each of its programme's fields in turn unknown, or on each of its thresholds."""
    yield enterprise
    for leaf in programme.leaves():
        for name in leaf.fields:
            yield enterprise | {name: None}
            for dated in leaf.threshold:
                if FIELDS[name].type in ("ratio", "money", "count"):
                    yield enterprise | {
                        name: float(dated.value) if FIELDS[name].type != "count" else int(dated.value)
                    }
            if FIELDS[name].type == "bool":
                yield enterprise | {name: not enterprise.get(name, False)}


def test_it_agrees_around_every_scenario_on_outcome_and_why():
    """Near the scenarios' well-documented enterprises every kind of answer occurs; both paths agree."""
    import yaml

    from tests.support.paths import ROOT

    seen = set()
    for path in sorted((ROOT / "engines" / "rules" / "scenarios").glob("*.yaml")):
        suite = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in suite["scenarios"]:
            programme = PROGRAMMES[case.get("programme", suite["programme"])]
            as_of = case.get("as_of", suite["as_of"])
            as_of = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
            base = {k: _json(v) for k, v in (suite.get("base", {}) | case.get("enterprise", {})).items()}
            rows = list(_neighbours(programme, base))
            batch = evaluate_frame(records_frame(rows), programme, as_of).to_dicts()
            for row, got in zip(rows, batch, strict=True):
                one = evaluate(programme, row, as_of)
                assert (got["outcome"], got["undetermined_because"], got["review"]) == (
                    one.outcome,
                    one.undetermined_because,
                    [item["condition"] for item in one.review],
                ), (programme.id, row)
                seen.add((one.outcome, one.subject_to_review, *one.undetermined_because))
    # Every programme still has required qualitative clauses, so "eligible" always comes with review.
    assert {
        ("eligible", True),
        ("not_eligible", False),
        ("undetermined", False, "missing_data"),
        ("undetermined", False, "qualitative_alternative"),
        ("undetermined", False, "discretionary"),
    } <= seen


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.integers(0, 10**13).map(lambda fen: Decimal(fen).scaleb(-2))),
        min_size=1,
        max_size=40,
    )
)
def test_benefit_amounts_agree_to_the_fen_including_halves_and_the_cap(amounts):
    """Half a fen rounds to even on both paths; the cap applies after rounding."""
    programme = PROGRAMMES["zj-cloud-loan-subsidy"]
    rows = [
        {
            "region_code": "330106",
            "size_class": "small",
            "clean_record_3y": True,
            "cloud_loan_interest_cny": a,
        }
        for a in amounts
    ]
    batch = evaluate_frame(_frame(rows), programme, AS_OF)["benefit_cny"].to_list()
    for row, got in zip(rows, batch, strict=True):
        want = evaluate(programme, {k: _json(v) for k, v in row.items()}, AS_OF).benefit["amount_cny"]
        assert (None if got is None else f"{got:.2f}") == want
