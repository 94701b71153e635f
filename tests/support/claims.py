"""Helpers shared by the enterprise-claim tests (no tests here): files, sign-up forms, a claim in review."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from funeng.apps.accounts.const import ClaimProof
from funeng.apps.accounts.models import EnterpriseClaim
from funeng.apps.accounts.services import ClaimRequest, enterprise_register
from tests.conftest import make_credit_code

REGISTER_URL = "/accounts/register/enterprise/"
PASSWORD = "Quiet-river-lantern-42"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
STUB = "funeng.apps.accounts.verifiers.DevelopmentStubVerifier"


def pdf(name: str = "licence.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def signup(**overrides: Any) -> dict[str, Any]:
    """A valid sign-up post claiming a new enterprise with documents; override what a test needs."""
    data: dict[str, Any] = {
        "credit_code": make_credit_code("330106"),
        "name": "杭州新注册科技有限公司",
        "region_code": "330106",
        "industry_code": "3484",
        "legal_representative": "王芳",
        "proof": ClaimProof.DOCUMENTS,
        "claim_code": "",
        "licence": pdf("营业执照.pdf"),
        "authorisation": pdf("授权书.pdf"),
        "email": "boss@example.com",
        "username": "boss",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def without_tokens(page: str) -> str:
    """A page without what differs on every render: the CSRF and one-time form tokens."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    page = re.sub(r'name="submit_token" value="[^"]*"', "", page)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", page)


def claim_with_documents(
    *, credit_code: str, username: str, name: str = "杭州新注册科技有限公司", region_code: str = "330106"
) -> EnterpriseClaim:
    """A claim in review, made through the sign-up service."""
    _user, claim = enterprise_register(
        claim=ClaimRequest(
            credit_code=credit_code,
            name=name,
            region_code=region_code,
            industry_code="3484",
            legal_representative="王芳",
            proof=ClaimProof.DOCUMENTS,
            licence=pdf("营业执照.pdf"),
            authorisation=pdf("授权书.pdf"),
        ),
        email=f"{username}@example.com",
        username=username,
        password=PASSWORD,
    )
    return claim
