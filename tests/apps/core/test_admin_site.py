"""Django admin shows every app's records under their Chinese names, read-only where the pages own the writes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_admin_index_lists_every_capability_with_readable_names(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw-root-123456")
    client.force_login(root)
    page = client.get("/admin/").content.decode()
    for name in ("企业名录", "数字化水平评测", "评测结果", "需求撮合", "政策", "后台任务", "授权"):
        assert name in page, name
    assert "企业数" not in page


def test_records_of_the_capabilities_cannot_be_changed_in_admin(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw-root-123456")
    client.force_login(root)
    assert client.get("/admin/matching/need/add/").status_code == 403
    assert client.get("/admin/policies/policyrun/").status_code == 200
