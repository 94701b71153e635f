"""The registry pages and services: access, filters, derived classes, audit."""

import pytest
from django.core.exceptions import ValidationError

from engines import ENGINE_VERSION
from funeng.apps.audit.models import AuditEvent
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_create, enterprise_update

pytestmark = pytest.mark.django_db


def test_it_classifies_and_audits_a_new_enterprise(operator, enterprise_fields):
    enterprise = enterprise_create(acting_user=operator, **enterprise_fields())
    assert (enterprise.size_class, enterprise.size_reason, enterprise.classified_with) == (
        "medium",
        "decided",
        ENGINE_VERSION,
    )
    assert enterprise.de_codes and all(entry["partial"] for entry in enterprise.de_codes)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_id) == ("create", operator, str(enterprise.pk))
    assert event.changes["size_class"] == [None, "medium"]


def test_it_recomputes_the_size_class_on_change_and_records_the_diff(operator, enterprise_fields):
    enterprise = enterprise_create(acting_user=operator, **enterprise_fields())
    enterprise_update(enterprise=enterprise, acting_user=operator, employees=15)
    enterprise.refresh_from_db()
    assert enterprise.size_class == "micro"
    update = AuditEvent.objects.filter(action="update").get()
    assert update.changes == {"employees": [350, 15], "size_class": ["medium", "micro"]}


def test_it_writes_nothing_when_validation_fails(operator, enterprise_fields):
    with pytest.raises(ValidationError) as error:
        enterprise_create(acting_user=operator, **enterprise_fields(credit_code="91330106000000019A"))
    assert "credit_code" in error.value.message_dict
    assert Enterprise.objects.count() == 0 and AuditEvent.objects.count() == 0


@pytest.mark.parametrize("field", ["size_class", "de_core", "classified_with", "id"])
def test_it_refuses_to_set_derived_fields(operator, enterprise_fields, field):
    with pytest.raises(ValueError, match="not editable"):
        enterprise_create(acting_user=operator, **enterprise_fields(**{field: "large"}))


def test_audit_rows_cannot_be_changed_or_deleted(operator, enterprise_fields):
    enterprise_create(acting_user=operator, **enterprise_fields())
    event = AuditEvent.objects.get()
    event.action = "delete"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="delete")


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/enterprises/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_hides_enterprises_from_users_without_a_role(client, outsider, operator, enterprise_fields):
    enterprise = enterprise_create(acting_user=operator, **enterprise_fields())
    client.force_login(outsider)
    assert client.get(f"/enterprises/{enterprise.pk}/").status_code == 404
    assert enterprise.name not in client.get("/enterprises/").content.decode()


def test_it_shows_the_detail_with_the_rule_and_provisional_marker(client, operator, enterprise_fields):
    enterprise = enterprise_create(
        acting_user=operator, **enterprise_fields(name="<script>alert(1)</script>厂")
    )
    client.force_login(operator)
    page = client.get(f"/enterprises/{enterprise.pk}/").content.decode()
    assert "从业人员&gt;=300人 且 营业收入&gt;=2000万元" in page
    assert "暂定" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_it_filters_the_list_by_region_industry_and_size(
    client, operator, enterprise_fields, django_assert_max_num_queries
):
    enterprise_create(acting_user=operator, **enterprise_fields(name="杭州甲厂"))
    enterprise_create(
        acting_user=operator,
        **enterprise_fields(name="南京乙店", region_code="320102", industry_code="5211", employees=3),
    )
    for _ in range(30):
        enterprise_create(
            acting_user=operator, **enterprise_fields(name="杭州丙软件", industry_code="6513", employees=12)
        )
    client.force_login(operator)

    def names(query):
        return client.get("/enterprises/" + query).content.decode()

    assert "杭州甲厂" in names("?region=330000") and "南京乙店" not in names("?region=330000")
    assert "南京乙店" in names("?region=320100") and "杭州甲厂" not in names("?region=320100")
    assert "南京乙店" in names("?industry=F") and "杭州甲厂" not in names("?industry=F")
    assert "南京乙店" in names("?size_class=micro") and "杭州甲厂" not in names("?size_class=micro")
    with django_assert_max_num_queries(6):  # session, user, count, page: no query per row
        client.get("/enterprises/")


def test_it_sends_a_content_security_policy(client, operator):
    client.force_login(operator)
    policy = client.get("/enterprises/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("91110000600037341A", "校验码为 A，应为 L", "the check character is A but should be L"),
        ("9111000060003734", "共 16 位", "it has 16 characters"),
        ("91110000600037341O", "含有 'O'", "it contains 'O'"),
    ],
)
def test_a_bad_credit_code_is_explained_in_the_users_language(code, zh, en):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from funeng.apps.core.validators import validate_credit_code

    for language, expected in (("zh-hans", zh), ("en", en)):
        with translation.override(language), pytest.raises(ValidationError) as caught:
            validate_credit_code(code)
        with translation.override(language):
            assert expected in caught.value.messages[0]
