"""Request bodies are read only in the media type an operation documents; anything else is a 415.

JSON bodies must come as application/json; the import's form as multipart/form-data. Ninja's own
parser read any body as JSON, so text/plain, XML or a form that happened to hold JSON was accepted.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from funeng.apps.api.errors import UNREADABLE_BODY, Problem, Text

JSON = "application/json"
MULTIPART = "multipart/form-data"

NOT_JSON = Text(
    "不支持此请求体格式：请以 JSON 发送，并设置请求头 Content-Type: application/json。",
    "Unsupported media type: send the body as JSON with 'Content-Type: application/json'.",
)
NOT_MULTIPART = Text(
    "不支持此请求体格式：请以 multipart/form-data 上传文件（Content-Type: multipart/form-data）。",
    "Unsupported media type: upload the file as multipart/form-data.",
)


class StrictParser(Parser):
    """Ninja's parser, refusing a body whose Content-Type is not the one the operation documents."""

    def parse_body(self, request: HttpRequest) -> Any:
        # Ninja turns whatever this raises into a 400 with the exception as its cause; the error
        # handler answers the Problem it finds there (errors._on_http_error).
        if request.content_type != JSON:
            raise Problem(415, NOT_JSON)
        try:
            return json.loads(request.body)
        except ValueError:  # JSONDecodeError and UnicodeDecodeError
            raise Problem(400, UNREADABLE_BODY) from None

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        # Ninja reads the query string, form fields and files through here; only the latter two come
        # from the body. Django leaves POST and FILES empty for a body of another type, which would
        # otherwise be reported as "file: missing" (422).
        if data is not request.GET and request.content_type != MULTIPART:
            raise Problem(415, NOT_MULTIPART)
        result: dict[str, Any] = super().parse_querydict(data, list_fields, request)
        return result
