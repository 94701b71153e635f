"""The interactive docs page, served entirely from our own origin.

Ninja's Swagger page loads its JavaScript from a CDN unless "ninja" is an installed app, which
the CSP ('self' only) forbids. The assets ship inside the ninja package, so they are served from
there by `docs_asset`, versioned by the ninja version; no copy lives in our tree to go stale.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSET_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = frozenset(
    {
        "swagger-ui.css",
        "swagger-ui.css.map",
        "swagger-ui-bundle.js",
        "swagger-ui-bundle.js.map",
        "swagger-ui-init.js",
        "favicon.png",
        "favicon.svg",
    }
)
SWAGGER_SETTINGS = {
    "layout": "BaseLayout",
    "deepLinking": True,
    # Swagger UI otherwise sends the schema to validator.swagger.io and shows its badge.
    "validatorUrl": None,
    "persistAuthorization": False,
}


class LocalSwagger(DocsBase):
    """Swagger UI with its assets from `docs_asset`, config in a JSON block, no inline script."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**SWAGGER_SETTINGS, "url": self.get_openapi_url(api, kwargs)}
        namespace = api.urls_namespace
        return render(
            request,
            "api/docs.html",
            {
                "api": api,
                # json.dumps escapes nothing HTML-special here: every value is ours, not the user's.
                "swagger_settings": json.dumps(settings),
                "asset_version": ninja.__version__,
                "add_csrf": isinstance(api.auth, list | tuple)
                and any(getattr(auth, "csrf", False) for auth in api.auth),
                "asset_url": {
                    name.replace("-", "_").replace(".", "_"): reverse(f"{namespace}:docs-asset", args=[name])
                    for name in ASSETS
                },
            },
        )


@require_safe
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """One file of the Swagger UI bundled with ninja; only the listed names, nothing else on disk."""
    if name not in ASSETS:
        raise Http404
    content_type, _ = mimetypes.guess_type(name)
    response = FileResponse(
        (ASSET_DIR / name).open("rb"), content_type=content_type or "application/octet-stream"
    )
    # URLs carry ?v=<ninja version>, so a new ninja gets new URLs and the files can be cached long.
    response["Cache-Control"] = "public, max-age=604800"
    return response
