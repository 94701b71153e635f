"""One error shape for the whole API: RFC 9457 problem+json with a Chinese and an English detail.

Body: {"type", "title", "status", "detail_zh", "detail_en"} plus "errors" (a list of
{"field", "message_zh", "message_en"}) on validation problems. Both languages are always sent:
programs and people on either side read the same response.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from http import HTTPStatus
from typing import Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.functional import Promise
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from funeng.apps.api.schemas import NO_CONTROL, NO_NUL

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Sources ninja puts first in an error location; the field path follows them.
_SOURCES = frozenset({"body", "query", "path", "form", "file", "header", "cookie"})
# Name of every JSON body parameter in the endpoints, dropped from field paths for readability.
BODY_PARAM = "payload"


@dataclass(frozen=True)
class Text:
    """The same message in Chinese and English."""

    zh: str
    en: str


@dataclass(frozen=True)
class FieldError:
    """One invalid field, named by its dotted path in the request."""

    field: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message_zh": self.message_zh, "message_en": self.message_en}


class Problem(Exception):
    """Raise from an endpoint to answer with exactly this problem."""

    def __init__(
        self,
        status: int,
        detail: Text,
        *,
        errors: Iterable[FieldError] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail.en)
        self.status, self.detail = status, detail
        self.errors = None if errors is None else list(errors)
        self.extra, self.headers = extra or {}, headers or {}


NOT_AUTHENTICATED = Text(
    "需要身份验证：请在请求头中发送个人访问令牌「Authorization: Bearer <令牌>」。令牌可在账户的 API 令牌页面创建。",
    "Authentication required: send a personal access token as 'Authorization: Bearer <token>'. "
    "Create one on your API tokens page.",
)
INVALID_TOKEN = Text(
    "令牌无效、已撤销或已过期：请在 API 令牌页面创建新令牌。",
    "The token is unknown, revoked or expired: create a new one on your API tokens page.",
)
NOT_FOUND = Text(
    "未找到：对象不存在，或您无权查看。请检查编号或代码。",
    "Not found: the object does not exist or you may not see it. Check the id or code.",
)
FORBIDDEN = Text("您无权执行此操作。", "You are not allowed to do this.")
CSRF_FAILED = Text(
    "CSRF 校验失败：用浏览器会话调用写操作时须带 X-CSRFToken 请求头，或改用令牌。",
    "CSRF check failed: send the X-CSRFToken header with session-authenticated writes, or use a token.",
)
INVALID_REQUEST = Text(
    "请求中有字段无效：请按 errors 中的说明更正后重新发送。",
    "Some fields of the request are invalid: correct them as listed in errors and send it again.",
)
UNREADABLE_BODY = Text(
    "无法读取请求体：请发送有效的 JSON（Content-Type: application/json）。",
    "The request body could not be read: send valid JSON (Content-Type: application/json).",
)
BAD_REQUEST = Text("请求无效：请检查后重新发送。", "The request is invalid: check it and send it again.")
UNREADABLE_UPLOAD = Text(
    "无法读取上传的内容：请以 multipart/form-data 发送文件（由 HTTP 客户端生成分隔符），不要手写请求体。",
    "The upload could not be read: send the file as multipart/form-data and let your HTTP client "
    "write the boundary rather than composing the body by hand.",
)
TOO_LARGE = Text(
    "请求体太大：请缩小后重新发送。", "The request body is too large: make it smaller and retry."
)
CONFLICT = Text(
    "与其他人的修改冲突（例如统一社会信用代码已被占用）：请刷新后重试。",
    "The change conflicts with another one (for example a credit code already in use): reload and retry.",
)
METHOD_NOT_ALLOWED = Text(
    "此地址不支持该请求方法：请查看 Allow 响应头。",
    "This URL does not accept this method: see the Allow header.",
)
TOO_MANY_REQUESTS = Text("请求过于频繁：请稍后重试。", "Too many requests: wait a moment and retry.")
SERVER_ERROR = Text(
    "服务器内部错误：已记录，请稍后重试；若持续出现请联系平台管理员。",
    "Internal server error: it has been logged. Retry later, and contact the platform operators if it persists.",
)


def problem_response(
    status: int,
    detail: Text,
    *,
    errors: Iterable[FieldError] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The one error response of the API."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail_zh": detail.zh,
        "detail_en": detail.en,
    }
    if errors is not None:
        body["errors"] = [error.as_dict() for error in errors]
    body.update(extra or {})
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, cls=DjangoJSONEncoder),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# ---------------------------------------------------------------- pydantic messages in Chinese

_PYDANTIC_ZH: dict[str, str] = {
    "missing": "此字段必填",
    "extra_forbidden": "不允许此字段：请删除它",
    "string_type": "应为文本",
    "string_too_long": "最多 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "string_unicode": "应为有效的 Unicode 文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，不能有小数",
    "int_parsing_size": "数字太大",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应大于或等于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应小于或等于 {le}",
    "finite_number": "应为有限数",
    "decimal_type": '应为数字；金额请写成字符串，如 "1234.56"',
    "decimal_parsing": '应为数字；金额请写成字符串，如 "1234.56"',
    "decimal_max_digits": "最多 {max_digits} 位数字",
    "decimal_max_places": "最多 {decimal_places} 位小数",
    "decimal_whole_digits": "整数部分最多 {whole_digits} 位",
    "date_type": "应为日期，格式 YYYY-MM-DD",
    "date_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期，不能带时间",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
    "list_type": "应为列表",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
}


def _field_path(loc: Iterable[Any]) -> str:
    parts = list(loc)
    source = str(parts[0]) if parts else ""
    if parts and source in _SOURCES:
        parts = parts[1:]
        if source == "body" and parts and parts[0] == BODY_PARAM:
            parts = parts[1:]
    return ".".join(str(part) for part in parts) or source or "request"


# Patterns of schemas.py, explained instead of shown as a regular expression.
_PATTERN_TEXT = {
    NO_CONTROL: Text(
        "不能包含控制字符（如换行、制表符或 NUL）",
        "must not contain control characters (line breaks, tabs, NUL)",
    ),
    NO_NUL: Text("不能包含 NUL 字符", "must not contain the NUL character"),
}


def _pydantic_messages(error: dict[str, Any]) -> tuple[str, str]:
    kind, ctx = str(error.get("type", "")), dict(error.get("ctx") or {})
    english = str(error.get("msg", "Invalid value"))
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERN_TEXT:
        text = _PATTERN_TEXT[ctx["pattern"]]
        return text.zh, text.en
    template = _PYDANTIC_ZH.get(kind)
    if template is None:
        return f"值无效（{english}）", english
    if "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace(" or ", ", ")
    try:
        return template.format(**ctx), english
    except (KeyError, IndexError, ValueError):
        return template, english


def field_errors_from_ninja(exc: ValidationError) -> list[FieldError]:
    """Pydantic errors of a ninja request as bilingual field errors."""
    return [FieldError(_field_path(error.get("loc", ())), *_pydantic_messages(error)) for error in exc.errors]


# ---------------------------------------------------------------- Django ValidationError


def _render(error: DjangoValidationError, language: str) -> str:
    """One leaf error in a language; services run in English, so a plain message is an msgid."""
    with translation.override(language):
        message = error.message
        text = str(message) if isinstance(message, Promise) else translation.gettext(message)
        return text % error.params if error.params else text


def field_errors_from_django(exc: DjangoValidationError) -> list[FieldError]:
    """A model's full_clean() errors as bilingual field errors."""
    by_field: dict[str, list[DjangoValidationError]] = (
        exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    )
    return [
        FieldError(field=field, message_zh=_render(leaf, "zh-hans"), message_en=_render(leaf, "en"))
        for field, errors in by_field.items()
        for error in errors
        for leaf in error.error_list
    ]


def english_msgids(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run an endpoint with English active, so the errors it raises carry English msgids.

    Services and validators may format a message eagerly with gettext; in English that message is
    its msgid, which field_errors_from_django then renders in Chinese and in English. Responses
    never depend on the active language: every text in them is bilingual or data.
    """

    @wraps(view)
    def in_english(*args: Any, **kwargs: Any) -> Any:
        with translation.override("en"):
            return view(*args, **kwargs)

    return in_english


# ---------------------------------------------------------------- handlers


def _on_problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return problem_response(exc.status, exc.detail, errors=exc.errors, extra=exc.extra, headers=exc.headers)


def _on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem_response(422, INVALID_REQUEST, errors=field_errors_from_ninja(exc))


def _on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return problem_response(422, INVALID_REQUEST, errors=field_errors_from_django(exc))


def _on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # RFC 6750: say which scheme to use, and whether the token sent was the problem.
    if isinstance(exc, InvalidToken):
        return problem_response(
            401, INVALID_TOKEN, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )
    return problem_response(401, NOT_AUTHENTICATED, headers={"WWW-Authenticate": "Bearer"})


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja wraps what its parser raises in a plain 400; the parser's own problem (415…) is the answer.
    if isinstance(exc.__cause__, Problem):
        return _on_problem(request, exc.__cause__)
    status = exc.status_code
    if status == 403 and "CSRF" in exc.message:
        return problem_response(403, CSRF_FAILED)
    if status == 400 and exc.message.startswith("Cannot parse request body"):
        return problem_response(400, UNREADABLE_BODY)
    detail = {403: FORBIDDEN, 404: NOT_FOUND, 429: TOO_MANY_REQUESTS}.get(status, BAD_REQUEST)
    return problem_response(status, detail)


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The exception text may name what was looked up; never echo it.
    return problem_response(404, NOT_FOUND)


def _on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(403, FORBIDDEN)


def _on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    logger.warning("API write conflict on %s: %s", request.path, exc)
    return problem_response(409, CONFLICT)


def _on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return problem_response(413, TOO_LARGE)
    return problem_response(400, BAD_REQUEST)


def _on_unreadable_upload(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Django raises these while reading request.FILES or POST: the client sent a broken body.
    return problem_response(400, UNREADABLE_UPLOAD)


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("Unhandled API error on %s %s", request.method, request.path, exc_info=exc)
    return problem_response(500, SERVER_ERROR)


class InvalidToken(AuthenticationError):
    """An Authorization header was sent but names no usable token."""


_HANDLERS: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
    (Problem, _on_problem),
    (ValidationError, _on_validation),
    (DjangoValidationError, _on_django_validation),
    (AuthenticationError, _on_authentication),
    (HttpError, _on_http_error),
    (Http404, _on_not_found),
    (PermissionDenied, _on_permission_denied),
    (IntegrityError, _on_integrity_error),
    (SuspiciousOperation, _on_suspicious),
    (MultiPartParserError, _on_unreadable_upload),
    (UnreadablePostError, _on_unreadable_upload),
    (Exception, _on_unexpected),
]


def install_exception_handlers(api: NinjaAPI) -> None:
    """Make every error of `api` a problem+json response in both languages; nothing leaks a traceback."""
    for exc_class, handler in _HANDLERS:
        api.add_exception_handler(exc_class, handler)
    # "operation": around each endpoint function, after its input is parsed and before its output is.
    api.add_decorator(english_msgids, mode="operation")
