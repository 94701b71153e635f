"""The demo region: a deterministic, realistic generator and the `demo_region` command."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from io import StringIO

import polars as pl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from engines import ENGINE_VERSION
from engines.reference.credit_code import is_valid_credit_code, org_code_check
from engines.reference.industry import industry_table
from engines.reference.regions import region_table
from funeng.apps.audit.models import AuditEvent
from funeng.apps.core.models import Membership
from funeng.apps.demo.generator import (
    COLUMNS,
    SNAPSHOT_DATE,
    _read_csv,
    demo_regions,
    generate_enterprises,
)
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import EDITABLE_FIELDS
from funeng.apps.finance.access import can_verify_investment
from funeng.apps.finance.models import DigitalInvestment

N = 300


@pytest.fixture(scope="module")
def region() -> pl.DataFrame:
    """A region big enough for shares and medians to be stable."""
    return generate_enterprises(5000, 7)


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo_region", *args, stdout=out)
    return out.getvalue()


def test_it_has_exactly_the_editable_enterprise_fields():
    assert COLUMNS == EDITABLE_FIELDS
    assert generate_enterprises(5, 1).columns == list(EDITABLE_FIELDS)


def test_it_gives_the_same_frame_for_the_same_seed_and_another_for_another_seed():
    first = generate_enterprises(N, 1)
    assert first.equals(generate_enterprises(N, 1))
    assert not first.equals(generate_enterprises(N, 2))
    assert first.height == N


def test_it_makes_valid_unique_credit_codes_registered_in_the_enterprise_region(region):
    codes = region.get_column("credit_code").to_list()
    assert len(set(codes)) == len(codes)
    assert all(is_valid_credit_code(code) for code in codes)
    for code, region_code in zip(codes, region.get_column("region_code"), strict=True):
        assert code[:2] == "91" and code[2:8] == region_code
        assert code[16] == org_code_check(code[8:16])


def test_it_uses_only_real_industry_classes_and_region_codes(region):
    industries = industry_table()
    for code in region.get_column("industry_code").unique():
        assert industries.get_class(code).level == "class"
    regions = region_table()
    for code in region.get_column("region_code").unique():
        assert regions.resolve(code).level == "county"


def test_it_ships_a_provisional_list_of_zhejiangs_county_level_divisions():
    rows = _read_csv("zhejiang_counties.csv")
    assert 85 <= len(rows) <= 95
    regions = region_table()
    for row in rows + _read_csv("jiangsu_districts.csv"):
        resolved = regions.resolve(row["code"])
        assert resolved.prefecture is not None and resolved.prefecture.name == row["prefecture"]
        assert row["status"] == "provisional"
    assert {row["code"][:2] for row in rows} == {"33"}
    assert abs(demo_regions().weights.sum() - 1) < 1e-9


def test_it_looks_like_a_manufacturing_province(region):
    divisions = region.get_column("industry_code").str.slice(0, 2).cast(pl.Int32)
    manufacturing = divisions.is_between(13, 43).mean()
    assert 0.35 <= manufacturing <= 0.55
    assert region.get_column("region_code").str.starts_with("33").mean() >= 0.90
    assert set(
        region.get_column("region_code")
        .str.slice(0, 4)
        .filter(~region.get_column("region_code").str.starts_with("33"))
    ) == {"3201", "3205"}
    employees = region.get_column("employees")
    assert 8 <= employees.median() <= 30
    assert employees.max() >= 500  # a heavy tail


def test_it_leaves_realistic_gaps_mostly_in_small_firms(region):
    nulls = region.null_count().row(0, named=True)
    share = {column: count / region.height for column, count in nulls.items()}
    assert 0.02 <= share["employees"] <= 0.10
    assert 0.04 <= share["revenue_cny"] <= 0.14
    assert 0.10 <= share["assets_cny"] <= 0.22
    assert nulls["credit_code"] == nulls["name"] == nulls["industry_code"] == nulls["region_code"] == 0
    small = region.filter(pl.col("employees") < 10)
    large = region.filter(pl.col("employees") >= 100)
    assert small.get_column("net_profit_cny").null_count() / small.height > 0.6
    assert large.get_column("net_profit_cny").null_count() / large.height < 0.5


def test_it_keeps_money_and_ratios_in_range(region):
    cents = pl.col("revenue_cny") * 100
    assert region.select(((cents - cents.round(0)).abs() < 1e-4).all()).item()
    for column in ("revenue_cny", "assets_cny", "rd_expense_cny", "cloud_spend_cny", "liabilities_cny"):
        assert region.get_column(column).min() >= 0
    assert region.select(
        (pl.col("main_business_revenue_cny") <= pl.col("revenue_cny") + 0.01).all(),
        (pl.col("main_product_revenue_cny") <= pl.col("main_business_revenue_cny") + 0.01).all(),
        (pl.col("liabilities_cny") <= pl.col("assets_cny") * 0.8 + 0.01).all(),
        (pl.col("rd_staff") <= pl.col("employees")).all(),
        pl.col("founded_on").dt.year().is_between(1985, 2025).all(),
        pl.col("cloud_level").is_in(["", "none", "infrastructure", "platform", "business"]).all(),
    ).row(0) == (True, True, True, True, True, True)
    names = region.get_column("name")
    assert names.str.ends_with("有限公司").all()
    manufacturers_with_rd = region.filter(
        pl.col("industry_code").str.slice(0, 2).cast(pl.Int32).is_between(13, 43)
        & (pl.col("rd_expense_cny") > 0)
    )
    manufacturers = region.filter(pl.col("industry_code").str.slice(0, 2).cast(pl.Int32).is_between(13, 43))
    assert 0.30 <= manufacturers_with_rd.height / manufacturers.height <= 0.50
    intensity = manufacturers_with_rd.select(pl.col("rd_expense_cny") / pl.col("revenue_cny")).to_series()
    assert intensity.drop_nulls().is_between(0.004, 0.081).all()


RECOGNISED = ["pool", "municipal", "provincial", "national"]


def test_it_recognises_a_few_percent_as_srdi_mostly_bigger_firms_doing_rd(region):
    recognised = region.filter(pl.col("srdi_level").is_in(RECOGNISED))
    assert 0.01 <= recognised.height / region.height <= 0.05
    levels = dict(recognised.group_by("srdi_level").len().iter_rows())
    assert levels.get("national", 0) < levels["provincial"] and levels["pool"] > levels.get("national", 0)
    assert (recognised.get_column("rd_expense_cny") > 0).mean() >= 0.9
    assert recognised.get_column("employees").median() > 2 * region.get_column("employees").median()
    assert set(region.get_column("srdi_level").unique()) <= {"", "none", *RECOGNISED}
    # Recognised firms answer the questions the criteria ask; others often leave them blank.
    assert recognised.get_column("quality_cert").null_count() == 0
    assert recognised.get_column("quality_cert").mean() > region.get_column("quality_cert").mean()


def test_it_leaves_more_policy_fields_blank_in_small_firms(region):
    small = region.filter(pl.col("employees") < 10)
    large = region.filter(pl.col("employees") >= 100)
    for column in ("main_business_growth_avg_2y", "quality_cert", "niche_market_since", "standards_2y"):
        small_blank = small.get_column(column).null_count() / small.height
        large_blank = large.get_column(column).null_count() / large.height
        assert small_blank > large_blank + 0.2, column
    assert 0.3 <= region.get_column("srdi_level").eq("").mean() <= 0.8  # "" is unknown


def test_it_keeps_the_policy_fields_within_the_model_bounds(region):
    checks = [
        pl.col("main_business_growth_avg_2y").is_between(-1, 100).all(),
        pl.col("revenue_growth_avg_2y").is_between(-1, 100).all(),
        pl.col("net_profit_growth_avg_2y").is_between(-100, 100).all(),
        (pl.col("rd_expense_2y_cny") >= pl.col("rd_expense_cny")).all(),
        (pl.col("valuation_cny").is_null() | (pl.col("equity_financing_2y_cny") > 0)).all(),
        (pl.col("valuation_cny") >= pl.col("equity_financing_2y_cny")).all(),
        *(
            pl.col(c).min() >= 0
            for c in ("standards_2y", "it_supported_core_processes", "niche_market_rank_province")
        ),
    ]
    assert region.select(check.alias(str(i)) for i, check in enumerate(checks)).row(0) == (True,) * len(
        checks
    )
    # Stored ratios carry at most six decimals (DecimalField(decimal_places=6)).
    for column in ("main_business_growth_avg_2y", "net_profit_growth_avg_2y", "revenue_growth_avg_2y"):
        exponents = {Decimal(repr(v)).as_tuple().exponent for v in region.get_column(column).drop_nulls()}
        assert min(exponents) >= -6, column  # type: ignore[operator]
    # A firm has been in its niche no longer than it exists, and not after the snapshot.
    since = pl.col("niche_market_since")
    assert region.select(((since >= pl.col("founded_on")) & (since <= SNAPSHOT_DATE)).all()).item()


def test_the_generator_never_imports_django():
    code = "import sys, funeng.apps.demo.generator as g; g.generate_enterprises(10, 1); print('django' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.django_db
def test_it_writes_enterprises_with_classes_and_one_audit_row_each():
    output = run("--enterprises", str(N), "--seed", "3")
    assert Enterprise.objects.count() == N
    assert not Enterprise.objects.filter(classified_with="").exists()
    assert Enterprise.objects.exclude(classified_with=ENGINE_VERSION).count() == 0
    assert Enterprise.objects.filter(size_class="").count() == 0
    assert Enterprise.objects.filter(size_class__in=["micro", "small"]).count() > N // 2
    events = AuditEvent.objects.filter(object_type="enterprises.enterprise")
    assert events.count() == N
    assert set(events.values_list("action", "actor", "actor_label").distinct()) == {
        ("create", None, "system")
    }
    assert set(events.values_list("object_id", flat=True)) == {
        str(pk) for pk in Enterprise.objects.values_list("pk", flat=True)
    }
    # Rows skip full_clean on the bulk path; prove they would pass it, policy fields included.
    for sample in Enterprise.objects.exclude(srdi_level="").order_by("pk")[:25]:
        sample.full_clean()
    assert Enterprise.objects.filter(main_business_growth_avg_2y__isnull=False).exists()
    assert f"wrote {N} enterprises" in output


@pytest.mark.django_db
def test_it_refuses_to_fill_a_registry_that_already_has_enterprises():
    run("--enterprises", "20")
    with pytest.raises(CommandError, match="already has 20 enterprises"):
        run("--enterprises", "20", "--seed", "2")
    assert Enterprise.objects.count() == 20


@pytest.mark.django_db
def test_it_does_nothing_with_if_empty_when_enterprises_exist():
    run("--enterprises", "20")
    events = AuditEvent.objects.count()  # enterprises and whatever else the demo writes
    assert run("--enterprises", "50", "--if-empty") == ""
    assert Enterprise.objects.count() == 20
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_it_fills_an_empty_registry_with_if_empty():
    run("--enterprises", "20", "--if-empty")
    assert Enterprise.objects.count() == 20


def test_it_writes_parquet_without_touching_the_database(tmp_path):
    # No django_db mark: any database query here would fail the test.
    path = tmp_path / "bench" / "region.parquet"
    output = run("--enterprises", str(N), "--parquet", str(path))
    frame = pl.read_parquet(path)
    assert frame.height == N
    assert frame.equals(generate_enterprises(N, 1))
    assert str(path) in output


@pytest.mark.django_db
def test_it_leaves_the_registry_empty_when_writing_parquet(tmp_path):
    run("--enterprises", "30", "--parquet", str(tmp_path / "x.parquet"))
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_it_creates_one_demo_login_per_role_when_debug_is_on():
    output = run("--enterprises", "60")
    users = get_user_model().objects
    admin = users.get(username="demo_admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password("funeng-demo-2026")
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {
        "demo_admin": "admin",
        "demo_enterprise": "enterprise",
        "demo_enterprise_b": "enterprise",
        "demo_provider": "provider",
        "demo_bank": "bank",
        "demo_official": "official",
        "demo_official_b": "official",
        "demo_official_zj": "official",
        "demo_worker": "enterprise",
    }
    a = Membership.objects.get(user__username="demo_enterprise").enterprise
    b = Membership.objects.get(user__username="demo_enterprise_b").enterprise
    # The isolation personas: A lies in demo_official's 330100, B outside it.
    assert a.region_code.startswith("3301") and not b.region_code.startswith("3301")
    assert "funeng-demo-2026" in output and all(name in output for name in roles)
    # demo_official has an invoice of A's to verify against its evidence file
    official = users.get(username="demo_official")
    to_verify = [
        i for i in DigitalInvestment.objects.filter(enterprise=a) if can_verify_investment(official, i)
    ]
    assert to_verify and all(i.evidence_file.storage.exists(i.evidence_file.name) for i in to_verify)


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_it_creates_no_demo_login_when_debug_is_off():
    output = run("--enterprises", "10")
    assert not get_user_model().objects.filter(username="demo_admin").exists()
    assert "funeng-demo-2026" not in output


def test_it_rejects_a_non_positive_count():
    with pytest.raises(CommandError, match="at least 1"):
        run("--enterprises", "0")
