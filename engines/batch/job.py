"""A batch job: typed input and output schemas around one Polars function, checked the same way for every engine.

A job is row-wise: each output row belongs to one input row and carries its `credit_code`, so a job
gives the same rows whether it sees the whole input at once (Polars) or a partition at a time
(Spark), and outputs of different engines can be compared row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from engines.maturity.scoring import AnswerError

KEY = "credit_code"


class BatchInputError(ValueError):
    """The input does not fit the job (a column unknown, missing or of the wrong type); one line, no traceback."""


class BatchDataError(ValueError):
    """The engine rejected values of the input (e.g. an industry code outside GB/T 4754); one line."""


@dataclass(frozen=True, slots=True)
class Column:
    """One input column: its Polars dtype, and whether the input must have it (optional ones count as null)."""

    dtype: pl.DataType
    required: bool = False


@dataclass(frozen=True)
class BatchJob:
    """A named, row-wise batch definition: what it reads, what it writes, and the Polars function between.

    `transform` receives a frame with every input column (absent optional ones as nulls) typed as
    declared, and returns one row per input row, in input order, with at least the output columns.
    """

    name: str
    summary: str
    inputs: Mapping[str, Column]
    outputs: Mapping[str, pl.DataType]
    transform: Callable[[pl.DataFrame], pl.DataFrame] = field(repr=False)

    def __post_init__(self) -> None:
        key = self.inputs.get(KEY)
        if key is None or not key.required or next(iter(self.outputs), None) != KEY:
            raise ValueError(f"{self.name}: {KEY} must be a required input and the first output column")

    def check_schema(self, schema: Mapping[str, pl.DataType]) -> None:
        """Raise BatchInputError when an input schema does not fit; every engine calls this before it runs."""
        unknown = [name for name in schema if name not in self.inputs]
        if unknown:
            raise BatchInputError(
                f"job {self.name} does not read column {unknown[0]!r}"
                f"{f' (nor {len(unknown) - 1} more)' if len(unknown) > 1 else ''}; "
                f"remove it from the input or choose the job that reads it (`funeng batch_run --list`)"
            )
        missing = [name for name, column in self.inputs.items() if column.required and name not in schema]
        if missing:
            raise BatchInputError(
                f"job {self.name} needs column {missing[0]!r} ({self.inputs[missing[0]].dtype})"
                f"{f' and {len(missing) - 1} more' if len(missing) > 1 else ''}, which the input lacks"
            )
        for name, dtype in schema.items():
            expected = self.inputs[name].dtype
            if dtype != expected:
                raise BatchInputError(f"column {name!r} is {dtype}; job {self.name} reads it as {expected}")

    def run(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Run the job on one frame (the whole input or one chunk of it); the result has exactly `outputs`."""
        self.check_schema(frame.schema)
        absent = [name for name in self.inputs if name not in frame.columns]
        frame = frame.with_columns(pl.lit(None, dtype=self.inputs[name].dtype).alias(name) for name in absent)
        try:
            result = self.transform(frame)
        except BatchDataError:
            raise
        except (ValueError, pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError) as exc:
            raise BatchDataError(f"job {self.name} rejected the input: {_one_line(exc, frame)}") from exc
        if result.height != frame.height or result.get_column(KEY).ne_missing(frame.get_column(KEY)).any():
            raise RuntimeError(f"{self.name}: the transform must keep one output row per input row, in order")
        return result.select(pl.col(name).cast(dtype) for name, dtype in self.outputs.items())


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a run did: engine, rows in and out, parallel units of work and wall time."""

    job: str
    engine: str
    rows: int
    partitions: int
    seconds: float
    output: Path

    @property
    def rows_per_second(self) -> float:
        """Throughput of the whole run, reading and writing included."""
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


def _one_line(exc: Exception, frame: pl.DataFrame) -> str:
    """The error on one line; a row number the engine gives (counted in one chunk) becomes a credit code."""
    if isinstance(exc, AnswerError):
        keys = frame.get_column(KEY)
        return "; ".join(
            f"{'' if error.row is None else f'{KEY} {keys[error.row]}: '}{error.question_id}: {error.reason}"
            for error in exc.errors
        )
    return " ".join(str(exc).split())
