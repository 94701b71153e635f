"""Parquet in and out for batch runs: a file or a directory of part files, schemas read from footers only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from engines.batch.job import BatchInputError


@dataclass(frozen=True, slots=True)
class ParquetInput:
    """The part files of an input, their common schema (as Polars dtypes) and their row count."""

    files: tuple[Path, ...]
    schema: pl.Schema
    rows: int


def parquet_files(path: Path) -> tuple[Path, ...]:
    """The Parquet file itself, or the part files of a directory (Spark's _SUCCESS and dot files skipped)."""
    if path.is_file():
        return (path,)
    if path.is_dir():
        # Hidden and underscored names are a writer's bookkeeping (Spark's _temporary/, .crc files).
        files = tuple(
            sorted(
                p
                for p in path.rglob("*.parquet")
                if p.is_file() and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts)
            )
        )
        if not files:
            raise BatchInputError(f"{path} holds no .parquet part files")
        return files
    raise BatchInputError(f"{path}: no such file or directory")


def polars_schema(schema: pa.Schema) -> pl.Schema:
    """An Arrow schema as the Polars dtypes a frame read from it has."""
    frame = pl.from_arrow(schema.empty_table())
    assert isinstance(frame, pl.DataFrame)
    return frame.schema


def inspect_input(path: Path) -> ParquetInput:
    """Read the footers of every part file: they must agree on the schema (no data is read)."""
    files = parquet_files(path)
    first: pl.Schema | None = None
    rows = 0
    for file in files:
        try:
            metadata = pq.read_metadata(file)
        except (OSError, pa.ArrowException) as exc:
            raise BatchInputError(
                f"{file}: not a readable Parquet file ({' '.join(str(exc).split())})"
            ) from None
        # Compared as Polars dtypes: writers differ in nullability flags and string widths, not in meaning.
        schema = polars_schema(metadata.schema.to_arrow_schema())
        if first is None:
            first = schema
        elif schema != first:
            raise BatchInputError(f"{file} has other columns or types than {files[0]}; every part must agree")
        rows += metadata.num_rows
    assert first is not None
    return ParquetInput(files, first, rows)


def arrow_schema(schema: pl.Schema | dict[str, pl.DataType]) -> pa.Schema:
    """The Arrow schema of a Polars schema (strings and lists in their large Arrow forms, as Polars writes them)."""
    return pl.DataFrame(schema=schema).to_arrow().schema


def read_output(path: Path) -> pl.DataFrame:
    """Read what a batch run wrote: the Polars engine's file or the Spark engine's directory of part files."""
    return pl.concat([pl.read_parquet(file) for file in parquet_files(path)], how="vertical")


def output_rows(path: Path) -> int:
    """Rows written, from the Parquet footers."""
    return sum(pq.read_metadata(file).num_rows for file in parquet_files(path))
