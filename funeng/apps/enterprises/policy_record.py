"""The enterprise facts the policy rules read: one enterprise as a record, or many as a Polars frame.

Every field of the dictionary (engines/rules/fields.py) comes either from an Enterprise column
(on_model) or from engines.rules.derive (derived_from); None / null means unknown, never zero or no.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import QuerySet

from engines.rules.batch import POLARS_DTYPE
from engines.rules.derive import derive_record, with_derived
from engines.rules.fields import FIELDS, Value, field
from funeng.apps.enterprises.const import SizeClass
from funeng.apps.enterprises.models import Enterprise

STORED: tuple[str, ...] = tuple(name for name, spec in FIELDS.items() if spec.on_model)
DERIVED: tuple[str, ...] = tuple(name for name, spec in FIELDS.items() if spec.derived_from)
# size_class is stored, but the classify engine computes it from these (工信部联企业〔2011〕300号); which
# of them decide depends on the industry, so a person is asked for all four.
SIZE_CLASS_INPUTS = ("industry_code", "employees", "revenue_cny", "assets_cny")
# Stored codes that mean "unknown": the blank choice, and a size class the engine could not decide.
_UNKNOWN_CODES = frozenset({"", SizeClass.UNDETERMINED.value})
_CHUNK = 20_000

_missing = [name for name in FIELDS if name not in STORED and name not in DERIVED]
if _missing:
    raise RuntimeError(f"dictionary fields neither stored nor derived: {_missing}")
del _missing


def _typed(name: str, raw: Any) -> Value:
    """A model value as the dictionary types it (codes "" → None; floats of unsaved rows → Decimal)."""
    if raw is None:
        return None
    kind = FIELDS[name].type
    if kind == "code":
        return None if raw in _UNKNOWN_CODES else str(raw)
    if kind in ("money", "ratio") and not isinstance(raw, Decimal):
        return Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    if kind == "date" and isinstance(raw, dt.datetime):
        return raw.date()
    value: Value = raw
    return value


def enterprise_policy_record(enterprise: Enterprise) -> dict[str, Value]:
    """Every dictionary field of one enterprise, derived ones computed; None = unknown."""
    facts = {name: _typed(name, getattr(enterprise, name)) for name in STORED}
    derived = derive_record(facts)
    return {name: facts[name] if name in facts else derived[name] for name in FIELDS}


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = {"enterprise_id": pl.Int64}
    schema.update({name: POLARS_DTYPE[FIELDS[name].type] for name in STORED})
    return schema


def enterprises_policy_frame(queryset: QuerySet[Enterprise]) -> pl.DataFrame:
    """One row per enterprise: enterprise_id plus every dictionary field, typed as engines.rules.batch expects.

    Rows are read with values_list in chunks (no model instances); codes, unknown values and the
    derived ratios are then computed over whole columns.
    """
    schema = _schema()
    rows = queryset.order_by("pk").values_list("pk", *STORED).iterator(chunk_size=_CHUNK)
    chunks: list[pl.DataFrame] = []
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _CHUNK:
            chunks.append(pl.DataFrame(batch, schema=schema, orient="row"))
            batch = []
    if batch or not chunks:
        chunks.append(pl.DataFrame(batch, schema=schema, orient="row"))
    frame = pl.concat(chunks, rechunk=True) if len(chunks) > 1 else chunks[0]
    codes = [name for name in STORED if FIELDS[name].type == "code"]
    known = frame.lazy().with_columns(
        pl.when(pl.col(name).is_in(list(_UNKNOWN_CODES))).then(None).otherwise(pl.col(name)).alias(name)
        for name in codes
    )
    return with_derived(known).select("enterprise_id", *FIELDS).collect()


def inputs_for(field_name: str) -> tuple[str, ...]:
    """The Enterprise fields a person fills so that this dictionary field becomes known.

    Itself when stored; the inputs of its formula when derived; the size-class inputs for size_class.
    An unknown name raises engines.rules.fields.FieldValueError.
    """
    spec = field(field_name)
    if spec.derived_from:
        return spec.derived_from
    if field_name == "size_class":
        return SIZE_CLASS_INPUTS
    return (field_name,)
