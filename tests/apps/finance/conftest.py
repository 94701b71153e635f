"""The finance world: the usual cast (A in Hangzhou, B in Nanjing, a provider, officials, a bank, an operator).

A cloud provider's user reports bills for A; B's bills must never show on A's page; the Nanjing
official must be refused A.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import Workbook

from tests.support.personas import cast

HEADER = ["统一社会信用代码", "月份", "云服务商", "服务类别", "金额（元）", "币种", "用量", "用量单位"]


@pytest.fixture
def world(enterprise_fields, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return cast(enterprise_fields)


def csv_file(rows: list[list[object]], header: list[str] | None = None, name: str = "bill.csv") -> io.BytesIO:
    lines = [",".join(header or HEADER)] + [
        ",".join("" if v is None else str(v) for v in row) for row in rows
    ]
    handle = io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))
    handle.name = name
    return handle


def xlsx_file(
    rows: list[list[object]], header: list[str] | None = None, name: str = "bill.xlsx"
) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    handle.name = name
    return handle


def client_for(user, language: str = "zh-hans") -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client
