"""Library pages as an official and as an enterprise user: lists, search, clause, measures, versions, upload."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from engines.library.model import Metadata
from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.library.models import DocumentVersion, PolicyDocument
from funeng.apps.library.services import document_ingest
from tests.support.library import PLAN_ID, PLAN_V1, PLAN_V2
from tests.support.personas import enterprise_admin, official

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(enterprise_fields):
    enterprise = enterprise_create(acting_user=None, **enterprise_fields(region_code="330106"))
    people = {
        "hangzhou": official("hz", "330100"),
        "nanjing": official("nj", "320100"),
        "enterprise": enterprise_admin("ea", enterprise),
    }
    document_ingest(
        actor=None,
        raw=PLAN_V1.encode(),
        slug=PLAN_ID,
        metadata=Metadata(region_code="330100", level="municipal"),
        provisional=frozenset({"validity"}),
    )
    return people


def _get(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("who", ["hangzhou", "enterprise"])
def test_every_reader_sees_the_library_the_document_and_its_measures(client, world, who):
    user = world[who]
    home = _get(client, user, reverse("library:home"))
    assert "关于印发测试市数字赋能行动计划的通知" in home and "测政发〔2021〕12号" in home
    page = _get(client, user, reverse("library:document", args=[PLAN_ID]))
    assert 'id="c-二/(一)/2"' in page and "创新“云量贷”服务" in page
    assert "暂定" in page  # validity is provisional
    assert ("编辑元数据" in page) is (who == "hangzhou")
    measures = _get(client, user, reverse("library:measures", args=[PLAN_ID]))
    assert "市金融办" in measures and "1000000000 元" in measures
    clause = _get(client, user, reverse("library:clause", args=[f"{PLAN_ID}/二/(一)/2"]))
    assert "《关于印发测试市数字赋能行动计划的通知》（测政发〔2021〕12号）（2.）" in clause


def test_search_highlights_the_words_found_and_filters_narrow_it(client, world):
    page = _get(client, world["enterprise"], reverse("library:search") + "?q=云量贷")
    assert "<mark>云量贷</mark>" in page or "<mark>云量</mark>" in page
    assert reverse("library:clause", args=[f"{PLAN_ID}/二/(一)/2"]) in page
    none = _get(client, world["enterprise"], reverse("library:search") + "?q=云量贷&region=320000")
    assert "没有匹配的条款" in none
    bad = _get(client, world["enterprise"], reverse("library:search") + "?q=云量贷&year_from=12")
    assert "errorlist" in bad


def test_the_measures_export_is_a_workbook_of_text_and_numbers(client, world):
    client.force_login(world["hangzhou"])
    response = client.get(reverse("library:measures_export", args=[PLAN_ID]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and len(rows) == 1 + 3
    assert rows[2][1] == "创新“云量贷”服务" and rows[2][2] == "市金融办" and rows[2][6] == 1e9


def test_what_changed_shows_the_changed_and_the_added_clause(client, world):
    document_ingest(actor=None, raw=PLAN_V2.encode(), slug=PLAN_ID)
    page = _get(client, world["enterprise"], reverse("library:changes", args=[PLAN_ID]))
    assert "<del>1</del><ins>2</ins>" in page
    assert f"{PLAN_ID}/二/(二)/4" in page and "新增" in page


def test_an_official_uploads_a_new_version_once_even_when_the_form_is_sent_twice(client, world):
    client.force_login(world["hangzhou"])
    form = client.get(reverse("library:ingest")).content.decode()
    token = re.search(r'name="submit_token" value="([0-9a-f]+)"', form).group(1)
    for _ in range(2):
        upload = SimpleUploadedFile("plan-v2.txt", PLAN_V2.encode(), content_type="text/plain")
        response = client.post(
            reverse("library:ingest"), {"file": upload, "slug": PLAN_ID, "submit_token": token}
        )
        assert response.status_code == 302
    assert PolicyDocument.objects.get(slug=PLAN_ID).version == 2 and DocumentVersion.objects.count() == 2


def test_a_binary_upload_is_refused_next_to_the_field_and_nothing_is_stored(client, world):
    client.force_login(world["hangzhou"])
    upload = SimpleUploadedFile("scan.txt", b"\x00\x01\x02\xff" * 300, content_type="text/plain")
    response = client.post(reverse("library:ingest"), {"file": upload, "slug": PLAN_ID})
    assert response.status_code == 200
    page = response.content.decode()
    assert "scan.txt" in page and "二进制文件" in page  # the engine's reason, in Chinese
    assert DocumentVersion.objects.count() == 1


def test_who_may_upload_and_edit(client, world):
    _get(client, world["enterprise"], reverse("library:ingest"), status=403)
    _get(client, world["nanjing"], reverse("library:edit", args=[PLAN_ID]), status=403)
    client.force_login(world["nanjing"])
    upload = SimpleUploadedFile("plan-v2.txt", PLAN_V2.encode(), content_type="text/plain")
    refused = client.post(reverse("library:ingest"), {"file": upload, "slug": PLAN_ID})
    assert refused.status_code == 200 and "南京市的文件" in refused.content.decode()
    assert PolicyDocument.objects.get().version == 1
    client.force_login(world["hangzhou"])
    response = client.post(
        reverse("library:edit", args=[PLAN_ID]),
        {
            "title": "测试市数字赋能行动计划",
            "doc_number": "测政发〔2021〕12号",
            "issuers": "测试市人民政府\n测试市经信局",
            "issued_on": "2021-03-01",
            "level": "municipal",
            "region_code": "330100",
            "doc_type": "plan",
            "validity": "in_force",
        },
    )
    assert response.status_code == 302
    document = PolicyDocument.objects.get()
    assert document.issuers == ["测试市人民政府", "测试市经信局"] and document.provisional == []


def test_unknown_documents_and_clauses_are_not_found(client, world):
    _get(client, world["enterprise"], reverse("library:document", args=["no-such-doc"]), status=404)
    _get(client, world["enterprise"], reverse("library:clause", args=[f"{PLAN_ID}/九"]), status=404)


def test_the_pages_read_in_english(client, world):
    client.force_login(world["enterprise"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("library:document", args=[PLAN_ID])).content.decode()
    assert "Copy citation" in page and "provisional" in page


def test_the_region_filter_keeps_a_province_and_what_lies_in_it(client, world):
    for slug, region in (("chongqing-doc", "500000"), ("sichuan-doc", "510000")):
        document_ingest(actor=None, raw=PLAN_V1.encode(), slug=slug, metadata=Metadata(region_code=region))
    page = _get(client, world["enterprise"], reverse("library:home") + "?region=500000")
    assert reverse("library:document", args=["chongqing-doc"]) in page
    assert reverse("library:document", args=["sichuan-doc"]) not in page
    assert reverse("library:document", args=[PLAN_ID]) not in page


def test_an_official_adding_a_document_outside_their_region_is_told_what_to_change(client, world):
    client.force_login(world["hangzhou"])
    upload = SimpleUploadedFile("plan.txt", PLAN_V2.encode(), content_type="text/plain")
    response = client.post(
        reverse("library:ingest"), {"file": upload, "slug": "new-doc", "region_code": "320100"}
    )
    assert response.status_code == 200 and "杭州市" in response.content.decode()
    assert not PolicyDocument.objects.filter(slug="new-doc").exists()


def test_the_export_keeps_comparisons_as_text_not_formulas(client, world):
    client.force_login(world["hangzhou"])
    response = client.get(reverse("library:measures_export", args=[PLAN_ID]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2))
    assert [(row[5].value, row[5].data_type) for row in rows] == [("=", "s"), (">=", "s"), ("~", "s")]
