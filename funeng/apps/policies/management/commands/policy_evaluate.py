"""`funeng policy_evaluate`: one enterprise (JSON) with reasons and gaps, or a JSONL file in batch to Parquet.

Raw facts are enough: a ratio their inputs determine (debt_ratio from liabilities_cny and assets_cny,
rd_intensity_2y from rd_expense_2y_cny and two years' revenue, …) is derived exactly as the registry
derives it (engines.rules.derive), in both forms. A ratio given beside raw facts that contradict it
is refused with exit code 2; one that agrees with them to the places it was given in is replaced by
the exact derived value, as the web path would use.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandParser

from engines.rules.batch import evaluate_frame, records_frame
from engines.rules.derive import DERIVATIONS, derive_record
from engines.rules.evaluate import evaluate
from engines.rules.fields import FieldValueError, coerce_enterprise
from engines.rules.loader import RuleError, get_programme
from engines.rules.model import NUMERIC_OPS
from funeng.apps.enterprises.management.commands._cli import fail_usage


def _agrees(given: Decimal, derived: Decimal) -> bool:
    """True when `derived` rounds to `given` at the number of places `given` was written with."""
    exponent = given.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return abs(given - derived) <= Decimal(5).scaleb(-places - 1)


def _record(raw: object, where: str) -> dict[str, Any]:
    """The record validated, with every ratio its raw facts determine derived as the registry does."""
    if not isinstance(raw, dict):
        fail_usage(f"{where}: expected a JSON object of field → value")
    try:
        facts = coerce_enterprise(raw)
    except FieldValueError as exc:
        fail_usage(f"{where}: {exc}")
    record = dict(raw)
    for name, derived in derive_record(facts).items():
        if derived is None:
            continue
        given = facts.get(name)
        if isinstance(given, Decimal) and not _agrees(given, derived):
            inputs = ", ".join(f"{field}={raw[field]}" for field in DERIVATIONS[name].inputs)
            fail_usage(
                f"{where}: {name} is given as {raw[name]} but {inputs} make it {derived}; "
                "give the ratio or its raw facts, or make them agree"
            )
        # float: JSON's number type; the 6-place value survives the round trip exactly (fields.coerce)
        record[name] = float(derived)
    return record


class Command(BaseCommand):
    help = "Evaluate enterprises against a policy programme: eligible / not_eligible / undetermined."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, help="programme id, see policy_programmes")
        parser.add_argument(
            "--input",
            required=True,
            help="FILE.json (one enterprise) or FILE.jsonl (batch); raw facts are enough, ratios are derived",
        )
        parser.add_argument("--output", help="FILE.parquet for the batch form")
        parser.add_argument("--as-of", help="evaluation date YYYY-MM-DD (default: today)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else dt.date.today()
        except ValueError:
            fail_usage(f"--as-of {options['as_of']!r} is not a date YYYY-MM-DD")
        try:
            # The version in force on the date: results always name the version that produced them.
            programme = get_programme(options["programme"], as_of)
        except KeyError as exc:
            fail_usage(str(exc.args[0]))
        except RuleError as exc:
            fail_usage(str(exc))
        path = Path(options["input"])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            fail_usage(f"cannot read {path}: {exc.strerror}")
        if options["output"]:
            self._batch(programme, text, path, Path(options["output"]), as_of)
            return
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            fail_usage(f"{path.name}: not valid JSON ({exc.msg} at line {exc.lineno})")
        result = evaluate(programme, _record(raw, path.name), as_of).as_dict()
        if options["json"]:
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            reasons = "; ".join(
                item["text"] for item in result["failing"] + result["unknown"] + result["review"]
            )
            label = result["outcome"]
            if label == "eligible" and result["review"]:
                label += " (subject to review)"
            elif result["undetermined_because"]:
                label += f" ({', '.join(result['undetermined_because'])})"
            sys.stdout.write(f"{label}: {reasons}\n")

    def _batch(self, programme: Any, text: str, path: Path, output: Path, as_of: dt.date) -> None:
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                fail_usage(f"{path.name}:{number}: not valid JSON ({exc.msg})")
            records.append(_record(raw, f"{path.name}:{number}"))
        result = evaluate_frame(records_frame(records), programme, as_of)
        # In batch, gaps name the failing conditions one can work towards (numbers and yes/no facts);
        # the amounts come from the one path.
        workable = [leaf.id for leaf in programme.leaves() if leaf.op in (*NUMERIC_OPS, "is_true")]
        result = result.with_columns(
            pl.col("failing").list.eval(pl.element().filter(pl.element().is_in(workable))).alias("gaps")
        )
        result.write_parquet(output)
        sys.stdout.write(json.dumps({"rows": result.height, "output": str(output)}) + "\n")
