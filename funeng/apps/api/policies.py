"""/api/v1/policies: endpoints land here."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["policies"])
