"""The policy record of an enterprise: one record and the frame agree, derived fields are exact, null = unknown."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import polars as pl
import pytest

from engines.rules.batch import POLARS_DTYPE, evaluate_frame
from engines.rules.evaluate import evaluate
from engines.rules.fields import FIELDS, FieldValueError
from engines.rules.loader import load_programmes
from funeng.apps.enterprises.classification import enterprises_apply_classes
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.policy_record import (
    enterprise_policy_record,
    enterprises_policy_frame,
    inputs_for,
)
from funeng.apps.enterprises.services import enterprise_create
from tests.conftest import make_credit_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

D = Decimal
AS_OF = dt.date(2024, 6, 30)
REGIONS = ("330106", "110105", "310101", "440305", "120101", "370102", "130102", "430102")
INDUSTRIES = ("3484", "6513", "1751", "5181", "3670")


def _money(rng: random.Random, top: int) -> Decimal | None:
    if rng.random() < 0.15:
        return None
    return D(rng.choice([0, rng.randrange(0, 300), rng.randrange(0, top)])).scaleb(-2)


def _random_enterprise(rng: random.Random) -> Enterprise:
    """An enterprise with every policy field drawn at random, about one value in six unknown."""

    def maybe(value: object) -> object:
        return None if rng.random() < 0.17 else value

    def ratio(low: int, high: int) -> Decimal | None:
        return maybe(D(rng.randrange(low * 10**6, high * 10**6 + 1)).scaleb(-6))  # type: ignore[return-value]

    revenue = _money(rng, 10**11)
    return Enterprise(
        credit_code=make_credit_code(rng.choice(REGIONS)),
        name="随机企业",
        industry_code=rng.choice(INDUSTRIES),
        region_code=rng.choice(REGIONS),
        founded_on=maybe(dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))),
        employees=maybe(rng.choice([0, rng.randrange(1, 40), rng.randrange(1, 5000)])),
        revenue_cny=revenue,
        revenue_prev_cny=_money(rng, 10**11),
        main_business_revenue_cny=None
        if revenue is None
        else maybe(D(rng.randrange(0, int(revenue * 100) + 1)).scaleb(-2)),
        assets_cny=_money(rng, 10**11),
        liabilities_cny=_money(rng, 10**11),
        net_profit_cny=maybe(D(rng.randrange(-(10**9), 10**9)).scaleb(-2)),
        rd_expense_cny=_money(rng, 10**9),
        rd_staff=maybe(rng.randrange(0, 60)),
        invention_patents=maybe(rng.randrange(0, 5)),
        utility_models=maybe(rng.randrange(0, 8)),
        design_patents=maybe(rng.randrange(0, 4)),
        software_copyrights=maybe(rng.randrange(0, 6)),
        main_business_growth_avg_2y=ratio(-1, 1),
        net_profit_growth_avg_2y=ratio(-2, 2),
        revenue_growth_avg_2y=ratio(-1, 1),
        net_profit_2y_cny=maybe(D(rng.randrange(-(10**9), 10**10)).scaleb(-2)),
        equity_financing_2y_cny=_money(rng, 10**10),
        valuation_cny=_money(rng, 10**12),
        rd_expense_2y_cny=_money(rng, 10**10),
        has_rd_institution=maybe(rng.random() < 0.5),
        standards_2y=maybe(rng.randrange(0, 3)),
        quality_cert=maybe(rng.random() < 0.6),
        own_brand=maybe(rng.random() < 0.6),
        niche_market_since=maybe(dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(0, 5000))),
        srdi_level=rng.choice(["", "none", "pool", "municipal", "provincial", "national"]),
        it_supported_core_processes=maybe(rng.randrange(0, 4)),
    )


@pytest.fixture
def region() -> list[Enterprise]:
    rng = random.Random(20240630)
    enterprises = [_random_enterprise(rng) for _ in range(250)]
    enterprises_apply_classes(enterprises)
    Enterprise.objects.bulk_create(enterprises)
    return list(Enterprise.objects.order_by("pk"))  # values as the database gives them back


def _plain(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


def test_the_frame_row_of_every_enterprise_equals_its_record(region, django_assert_num_queries):
    with django_assert_num_queries(1):
        frame = enterprises_policy_frame(Enterprise.objects.all())
    assert frame.columns == ["enterprise_id", *FIELDS]
    assert frame.height == len(region)
    rows = {row["enterprise_id"]: row for row in frame.iter_rows(named=True)}
    for enterprise in region:
        record = enterprise_policy_record(enterprise)
        assert set(record) == set(FIELDS)
        row = rows[enterprise.pk]
        assert {name: _plain(value) for name, value in record.items()} == {name: row[name] for name in FIELDS}


def test_the_frame_is_typed_as_the_batch_path_expects(region):
    frame = enterprises_policy_frame(Enterprise.objects.all())
    assert frame.schema["enterprise_id"] == pl.Int64
    for name, spec in FIELDS.items():
        assert frame.schema[name] == POLARS_DTYPE[spec.type], name
    assert frame["srdi_level"].null_count() > 0  # "" in the database is unknown, not a code
    assert not frame["srdi_level"].drop_nulls().is_in([""]).any()


def test_every_programme_decides_the_same_from_records_and_from_the_frame(region):
    frame = enterprises_policy_frame(Enterprise.objects.all())
    records = {e.pk: enterprise_policy_record(e) for e in region}
    ids = frame["enterprise_id"].to_list()
    for programme in load_programmes().values():
        batch = evaluate_frame(frame, programme, AS_OF)["outcome"].to_list()
        one = [evaluate(programme, records[pk], AS_OF).outcome for pk in ids]  # type: ignore[arg-type]
        assert one == batch, programme.id
    assert {"eligible", "not_eligible", "undetermined"} >= set(batch)


def test_derived_fields_are_computed_and_unknown_without_their_inputs(enterprise_fields):
    full = enterprise_create(
        acting_user=None,
        **enterprise_fields(
            revenue_cny=D("100000000.00"),
            revenue_prev_cny=D("80000000.00"),
            main_business_revenue_cny=D("70000000.00"),
            liabilities_cny=D("56000000.00"),
            assets_cny=D("80000000.00"),
            rd_expense_2y_cny=D("5400000.00"),
            employees=200,
            rd_staff=30,
        ),
    )
    record = enterprise_policy_record(full)
    assert record["main_business_share"] == D("0.7")
    assert record["debt_ratio"] == D("0.7")
    assert record["revenue_growth_1y"] == D("0.25")
    assert record["rd_intensity_2y"] == D("0.03")  # 540万 over 1亿 + 8000万
    assert record["rd_staff_share"] == D("0.15")
    sparse = enterprise_create(acting_user=None, **enterprise_fields(revenue_cny=D("0"), assets_cny=None))
    record = enterprise_policy_record(sparse)
    assert record["main_business_share"] is None  # no main-business revenue, and revenue 0
    assert record["debt_ratio"] is None
    assert record["rd_intensity_2y"] is None
    assert record["srdi_level"] is None and record["has_rd_institution"] is None


def test_a_debt_ratio_of_exactly_70_percent_passes_on_both_paths(enterprise_fields):
    # 135,439,379.18 / 193,484,827.40 = 0.7 exactly; float64 division alone would make it 0.7000000000000001.
    enterprise = enterprise_create(
        acting_user=None,
        **enterprise_fields(liabilities_cny=D("135439379.18"), assets_cny=D("193484827.40")),
    )
    programme = load_programmes()["srdi-national-little-giant"]
    one = evaluate(programme, enterprise_policy_record(enterprise), AS_OF)  # type: ignore[arg-type]
    assert one.states["debt-ratio"].value == "pass"
    frame = enterprises_policy_frame(Enterprise.objects.filter(pk=enterprise.pk))
    states = evaluate_frame(frame, programme, AS_OF, keep_states=True)
    assert states["__node__debt-ratio"].to_list() == [True]


def test_an_undetermined_size_class_is_unknown(enterprise_fields):
    enterprise = enterprise_create(acting_user=None, **enterprise_fields(employees=None, revenue_cny=None))
    assert enterprise.size_class == "undetermined"
    assert enterprise_policy_record(enterprise)["size_class"] is None
    frame = enterprises_policy_frame(Enterprise.objects.all())
    assert frame["size_class"].to_list() == [None]


def test_an_empty_queryset_gives_an_empty_typed_frame():
    frame = enterprises_policy_frame(Enterprise.objects.none())
    assert frame.height == 0
    assert frame.columns == ["enterprise_id", *FIELDS]
    assert frame.schema["debt_ratio"] == pl.Float64


def test_inputs_for_names_the_model_fields_to_fill():
    assert inputs_for("srdi_level") == ("srdi_level",)
    assert inputs_for("revenue_cny") == ("revenue_cny",)
    assert inputs_for("rd_intensity_2y") == ("rd_expense_2y_cny", "revenue_cny", "revenue_prev_cny")
    assert inputs_for("debt_ratio") == ("liabilities_cny", "assets_cny")
    assert inputs_for("size_class") == ("industry_code", "employees", "revenue_cny", "assets_cny")
    model_fields = {f.name for f in Enterprise._meta.get_fields()}
    for name in FIELDS:
        assert set(inputs_for(name)) <= model_fields, name
    with pytest.raises(FieldValueError, match="unknown field 'turnover'"):
        inputs_for("turnover")
