"""/api/v1/assessment: endpoints land here."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["assessment"])
