"""The lending pages over HTTP: the enterprise applies with one click, the bank decides, the official approves."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from funeng.apps.consents.services import consent_revoke
from funeng.apps.core.pages import new_submit_token
from funeng.apps.lending.models import Loan, LoanApplication
from funeng.apps.lending.services import application_decide, application_submit, repayment_record
from tests.apps.lending.test_services import months_ago
from tests.support.i18n import CJK

pytestmark = pytest.mark.django_db


def as_user(client, user, language="zh-hans"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def apply(world):
    return application_submit(
        actor=world["enterprise_a"],
        product=world["product"],
        amount=Decimal(500_000),
        term_months=24,
        purpose="设备",
    )


def test_the_enterprise_applies_with_one_click_and_a_double_post_makes_one_application(client, world):
    as_user(client, world["enterprise_a"])
    home = client.get("/lending/").content.decode()
    assert "云量贷" in home and f"/lending/products/{world['product'].pk}/apply/" in home
    form = client.get(f"/lending/products/{world['product'].pk}/apply/").content.decode()
    assert (
        "甲银行杭州分行" in form and "上云与数字化投入" in form
    )  # the bank and the digital category it will read
    token = new_submit_token()
    data = {"amount": "500000", "term_months": "24", "purpose": "购置设备", "submit_token": token}
    first = client.post(f"/lending/products/{world['product'].pk}/apply/", data)
    second = client.post(f"/lending/products/{world['product'].pk}/apply/", data)
    assert first.status_code == 302 and second.status_code == 302
    assert LoanApplication.objects.count() == 1
    page = client.get(first["Location"]).content.decode()
    assert "已提交" in page and "什么拉低了评分" in page


def test_a_bad_amount_is_shown_on_the_form_and_nothing_is_written(client, world):
    as_user(client, world["enterprise_a"])
    page = client.post(
        f"/lending/products/{world['product'].pk}/apply/",
        {"amount": "10", "term_months": "24", "purpose": "x"},
    )
    assert page.status_code == 200 and "form-error" in page.content.decode()
    assert LoanApplication.objects.count() == 0


def test_the_bank_decides_with_reason_codes_and_the_enterprise_reads_them(client, world):
    application = apply(world)
    bank = as_user(client, world["banker"], "en")
    page = bank.get(f"/lending/applications/{application.pk}/").content.decode()
    assert "What lowered the score" in page and "Facts the scorecard used" in page
    assert "Cloud spend, last 12 months (CNY)" in page and "cloud_spend_12m_cny" not in page
    response = bank.post(
        f"/lending/applications/{application.pk}/decide/",
        {"decision": "reject", "note": "资产负债率偏高", "submit_token": new_submit_token()},
    )
    assert response.status_code == 302
    enterprise = (
        as_user(client, world["enterprise_a"])
        .get(f"/lending/applications/{application.pk}/")
        .content.decode()
    )
    assert "资产负债率偏高" in enterprise and "status-rejected" in enterprise
    assert "什么拉低了评分" in enterprise  # the reason codes are the enterprise's too
    assert "Facts the scorecard used" not in enterprise and "评分卡使用的数据" not in enterprise


def test_after_revocation_the_bank_sees_no_data(client, world):
    application = apply(world)
    consent_revoke(actor=world["enterprise_a"], consent=application.consent)
    page = (
        as_user(client, world["banker"], "en")
        .get(f"/lending/applications/{application.pk}/")
        .content.decode()
    )
    assert "no longer shown" in page and "Facts the scorecard used" not in page


@pytest.mark.parametrize("who", ["enterprise_b", "other_banker", "official", "provider"])
def test_others_cannot_open_an_application(client, world, who):
    application = apply(world)
    assert as_user(client, world[who]).get(f"/lending/applications/{application.pk}/").status_code == 404


def test_the_official_sees_the_regions_loans_and_subsidy_and_approves_once(client, world):
    application = apply(world)
    application_decide(
        actor=world["banker"], application=application, decision="approve", amount=Decimal(500_000),
        rate=Decimal("3.6"), disbursed_on=months_ago(3),
    )  # fmt: skip
    loan = Loan.objects.get()
    repayment_record(
        actor=world["banker"], loan=loan, month=months_ago(2), interest=1500, principal=0, status="on_time"
    )
    official = as_user(client, world["official"], "en")
    page = official.get("/lending/region/").content.decode()
    assert "CNY 750" in page and "甲银行杭州分行" in page
    data = {
        "institution": str(world["bank"].pk),
        "month": months_ago(2).isoformat(),
        "submit_token": new_submit_token(),
    }
    assert official.post("/lending/region/approve/", data).status_code == 302
    again = official.post("/lending/region/approve/", data | {"submit_token": new_submit_token()})
    assert again.status_code == 302
    assert "approved" in official.get("/lending/region/").content.decode()
    csv = official.get("/lending/region/subsidy.csv")
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "750.00" in text and world["a"].credit_code in text
    nanjing = as_user(client, world["nanjing_official"], "en").get("/lending/region/").content.decode()
    assert "甲银行杭州分行" not in nanjing
    assert as_user(client, world["nanjing_official"]).get(f"/lending/loans/{loan.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("who", "urls"),
    [
        ("enterprise_a", ["/lending/", "/lending/loans/"]),
        (
            "banker",
            ["/lending/bank/", "/lending/bank/monitoring/", "/lending/loans/", "/lending/bank/products/new/"],
        ),
        ("official", ["/lending/region/", "/lending/loans/"]),
    ],
)
def test_pages_read_in_english_without_ids(client, world, who, urls):
    apply(world)
    as_user(client, world[who], "en")
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        # What a reader sees: the text between the tags (option values and classes are not read).
        visible = re.sub(r"<[^>]+>", " ", response.content.decode())
        for raw in ("None", "cloud_credit", "more_info", "zj-cloud-loan-subsidy", "liabilities_ratio"):
            assert raw not in visible, (url, raw)


@pytest.mark.parametrize("who", ["provider"])
def test_roles_without_a_part_are_refused(client, world, who):
    assert as_user(client, world[who]).get("/lending/").status_code == 403
    assert as_user(client, world[who]).get("/lending/region/").status_code == 403
    assert as_user(client, world[who]).get("/lending/bank/").status_code == 403


def test_english_pages_carry_no_untranslated_interface_text_in_chinese(client, world):
    apply(world)
    text = as_user(client, world["enterprise_a"], "en").get("/lending/").content.decode()
    for phrase in ("贷款产品", "我的申请"):
        assert phrase not in text
    assert CJK.search("云量贷")  # data names stay as entered


def test_monitoring_does_not_judge_a_shift_from_a_handful_of_applicants(client, world):
    apply(world)
    page = as_user(client, world["banker"], "en").get("/lending/bank/monitoring/").content.decode()
    assert "PSI" in page and "too few applicants to judge" in page and "1 applicant" in page
    assert 'class="badge psi-' not in page


def test_a_bank_uploads_its_own_scorecard_and_bad_files_store_nothing(client, world, scorecard_model):
    import json as jsonlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from funeng.apps.lending.models import Scorecard

    bank = as_user(client, world["banker"], "en")
    good = SimpleUploadedFile(
        "card.json", jsonlib.dumps(scorecard_model).encode(), content_type="application/json"
    )
    response = bank.post(
        "/lending/bank/scorecards/new/",
        {"name": "本行评分卡", "model_file": good, "submit_token": new_submit_token()},
    )
    assert response.status_code == 302 and Scorecard.objects.filter(name="本行评分卡", demo=False).exists()
    broken = dict(scorecard_model)
    broken["schema"] = "pickle"
    for content, message in ((b"\x80\x04not json", "not JSON"), (jsonlib.dumps(broken).encode(), "schema")):
        upload = SimpleUploadedFile("card.json", content, content_type="application/json")
        page = bank.post("/lending/bank/scorecards/new/", {"name": "坏文件", "model_file": upload})
        assert page.status_code == 200 and message in page.content.decode()
    assert not Scorecard.objects.filter(name="坏文件").exists()
    assert as_user(client, world["enterprise_a"]).get("/lending/bank/scorecards/new/").status_code == 403


def test_industry_section_bins_read_as_section_names():
    from funeng.apps.lending.views import _section_names

    assert _section_names("C, G", english=False) == "制造业、交通运输、仓储和邮政业"
    assert _section_names("C, G", english=True) == "Manufacturing; Transport, storage and postal services"
