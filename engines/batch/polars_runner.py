"""Run a batch job with Polars on this machine: the input streamed in chunks, the output one Parquet file."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from engines.batch.io import arrow_schema, inspect_input
from engines.batch.job import BatchInputError, BatchJob, RunSummary

# Rows per call of the job: large enough that per-call costs (planning, decoding reason sets) vanish,
# small enough that a national snapshot never has to fit in memory at once.
CHUNK_ROWS = 1_000_000

Progress = Callable[[int, int], None]  # (rows done, rows in all)


def run_polars(
    job: BatchJob,
    input_path: Path,
    output_path: Path,
    *,
    chunk_rows: int = CHUNK_ROWS,
    progress: Progress | None = None,
) -> RunSummary:
    """Check the input against the job, then run it chunk by chunk into one Parquet file."""
    started = time.perf_counter()
    source = inspect_input(input_path)
    job.check_schema(source.schema)
    if output_path.is_dir():
        raise BatchInputError(f"{output_path} is a directory; the polars engine writes one Parquet file")
    output_path.parent.mkdir(parents=True, exist_ok=True)
    schema = arrow_schema(dict(job.outputs))
    done = chunks = 0
    if progress:
        progress(0, source.rows)
    partial = output_path.with_name(f".{output_path.name}.partial")
    # The output appears whole or not at all: a failed run leaves no half-written file behind.
    try:
        with pq.ParquetWriter(partial, schema) as writer:
            for file in source.files:
                for batch in pq.ParquetFile(file).iter_batches(batch_size=chunk_rows):
                    frame = pl.from_arrow(batch)
                    assert isinstance(frame, pl.DataFrame)
                    writer.write_table(job.run(frame).to_arrow().cast(schema))
                    done += batch.num_rows
                    chunks += 1
                    if progress:
                        progress(done, source.rows)
            if chunks == 0:  # an empty input still gives a file with the output columns
                writer.write_table(pa.Table.from_batches([], schema=schema))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output_path)
    return RunSummary(job.name, "polars", done, chunks, time.perf_counter() - started, output_path)
