"""Bridge from Enterprise rows to engines.classify: derived fields, one at a time or in batch."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from engines import ENGINE_VERSION
from engines.classify import digital_economy_class, size_class
from engines.classify.batch import digital_economy_class_batch, size_class_batch
from funeng.apps.enterprises.models import Enterprise

DERIVED_FIELDS = ("size_class", "size_reason", "de_codes", "de_core", "classified_with")


def enterprise_apply_classes(enterprise: Enterprise) -> None:
    """Set the derived fields of one enterprise with the engine's one path (not saved)."""
    size = size_class(
        enterprise.industry_code, enterprise.employees, enterprise.revenue_cny, enterprise.assets_cny
    )
    de = digital_economy_class(enterprise.industry_code)
    enterprise.size_class = size.size_class
    enterprise.size_reason = size.reason
    enterprise.de_codes = [{"code": m.code, "partial": m.partial} for m in de.classes]
    enterprise.de_core = de.core
    enterprise.classified_with = ENGINE_VERSION


def enterprises_apply_classes(enterprises: Sequence[Enterprise]) -> None:
    """Set the derived fields of many enterprises with the engine's batch path (not saved)."""
    if not enterprises:
        return
    frame = pl.DataFrame(
        {
            "industry_code": [e.industry_code for e in enterprises],
            "employees": [e.employees for e in enterprises],
            "revenue_cny": [None if e.revenue_cny is None else float(e.revenue_cny) for e in enterprises],
            "assets_cny": [None if e.assets_cny is None else float(e.assets_cny) for e in enterprises],
        },
        schema={
            "industry_code": pl.String,
            "employees": pl.Int64,
            "revenue_cny": pl.Float64,
            "assets_cny": pl.Float64,
        },
    )
    sized = size_class_batch(frame)
    de = digital_economy_class_batch(frame.select("industry_code"))
    rows = zip(
        enterprises,
        sized.get_column("size_class").to_list(),
        sized.get_column("reason").to_list(),
        de.get_column("de_codes").to_list(),
        de.get_column("de_partial").to_list(),
        de.get_column("de_core").to_list(),
        strict=True,
    )
    for enterprise, size, reason, codes, partials, core in rows:
        enterprise.size_class = size
        enterprise.size_reason = reason
        enterprise.de_codes = [{"code": c, "partial": p} for c, p in zip(codes, partials, strict=True)]
        enterprise.de_core = core
        enterprise.classified_with = ENGINE_VERSION
