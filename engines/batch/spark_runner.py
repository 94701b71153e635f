"""Run a batch job on Apache Spark: the job's own Polars function per partition, through `mapInArrow`.

Nothing is implemented twice: each partition's Arrow record batches become a Polars frame, the job's
`run` (the same one the Polars engine calls) turns it into output rows, and those go back to Spark
as Arrow batches of the output schema. Spark only reads, distributes and writes.

PySpark is an optional extra (`pip install 'funeng[spark]'`) and needs Java 17; both are imported or
looked for only when the Spark engine is used, and their absence is one line saying what to install.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from engines.batch.io import arrow_schema, inspect_input, output_rows
from engines.batch.job import BatchDataError, BatchJob, RunSummary

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from pyspark.sql.types import DataType, StructType

DEFAULT_MASTER = "local[*]"
INSTALL_HINT = "pip install 'funeng[spark]'"
JAVA_HINT = "install Java 17 (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
LOG_CONFIG = Path(__file__).resolve().parent / "log4j2.properties"
# Rows per call of the job inside a partition (see polars_runner.CHUNK_ROWS); Spark hands batches of
# maxRecordsPerBatch rows, which are gathered up to this many before the job runs.
CHUNK_ROWS = 500_000

# Small on purpose: the jobs are row-wise (no shuffle), and on a laptop or CI box Spark shares two
# cores with everything else. A cluster run overrides these with --conf in spark-submit.
SESSION_CONFIG: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.driver.memory": "2g",
    "spark.sql.execution.arrow.maxRecordsPerBatch": "50000",
    "spark.sql.session.timeZone": "UTC",
    # Spark already runs one task per core: Polars inside a task must not start a thread per core too.
    "spark.executorEnv.POLARS_MAX_THREADS": "1",
    "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}",
    "spark.executor.extraJavaOptions": f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}",
}

Phase = Callable[[str], None]


class SparkUnavailableError(RuntimeError):
    """PySpark or Java is missing: the message says what to install."""


def _require_pyspark() -> None:
    if importlib.util.find_spec("pyspark") is None:
        raise SparkUnavailableError(f"the spark engine needs PySpark: {INSTALL_HINT}")
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise SparkUnavailableError(f"the spark engine needs Java: {JAVA_HINT}")


def spark_session(master: str = DEFAULT_MASTER, config: Mapping[str, str] | None = None) -> SparkSession:
    """A SparkSession with this project's small, quiet defaults; `config` overrides or adds settings."""
    _require_pyspark()
    from pyspark.sql import SparkSession

    # Spark starts Python workers with `python3` from PATH unless told otherwise; in local mode they
    # must be this interpreter, which has Polars and the engines. A cluster sets its own.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings = {
        **SESSION_CONFIG,
        # No tables are made, but Spark would otherwise create spark-warehouse/ in the working directory.
        "spark.sql.warehouse.dir": str(Path(tempfile.gettempdir()) / "funeng-spark-warehouse"),
        **(config or {}),
    }
    builder = SparkSession.builder.master(master).appName("funeng-batch")
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # PySpark raises its own error types, or Py4J's, when the JVM cannot start
        reason = " ".join(str(exc).split())[:300]
        raise SparkUnavailableError(f"Spark did not start on {master} ({reason}); {JAVA_HINT}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_type(dtype: pl.DataType) -> DataType:
    """The Spark SQL type of a Polars dtype a batch job may use."""
    from pyspark.sql import types as T

    simple: dict[type[pl.DataType], Callable[[], DataType]] = {
        pl.String: T.StringType,
        pl.Boolean: T.BooleanType,
        pl.Int8: T.ByteType,
        pl.Int16: T.ShortType,
        pl.Int32: T.IntegerType,
        pl.Int64: T.LongType,
        pl.Float32: T.FloatType,
        pl.Float64: T.DoubleType,
        pl.Date: T.DateType,
    }
    if isinstance(dtype, pl.List):
        inner = dtype.inner
        return T.ArrayType(
            spark_type(inner if isinstance(inner, pl.DataType) else inner()), containsNull=True
        )
    factory = simple.get(type(dtype))
    if factory is None:
        raise TypeError(
            f"{dtype} has no Spark type here; declare a job column as one of {sorted(map(str, simple))}"
        )
    return factory()


def spark_schema(schema: Mapping[str, pl.DataType]) -> StructType:
    """A Spark schema from column → Polars dtype, every column nullable (null = unknown everywhere)."""
    from pyspark.sql import types as T

    return T.StructType(
        [T.StructField(name, spark_type(dtype), nullable=True) for name, dtype in schema.items()]
    )


def _small(dtype: pa.DataType) -> pa.DataType:
    """Arrow's 32-bit-offset forms, which Spark's Arrow reader expects (it refuses large_list)."""
    if pa.types.is_large_string(dtype) or pa.types.is_string_view(dtype):
        return pa.string()
    if pa.types.is_large_list(dtype) or pa.types.is_list(dtype):
        return pa.list_(_small(dtype.value_type))
    return dtype


class PartitionRunner:
    """The function mapInArrow calls on each partition: Arrow batches in, the job's output batches out."""

    def __init__(self, job: BatchJob, chunk_rows: int = CHUNK_ROWS) -> None:
        self.job = job
        self.chunk_rows = chunk_rows
        self.schema = pa.schema([pa.field(f.name, _small(f.type)) for f in arrow_schema(dict(job.outputs))])

    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        pending: list[pa.RecordBatch] = []
        rows = 0
        for batch in batches:
            pending.append(batch)
            rows += batch.num_rows
            if rows >= self.chunk_rows:
                yield from self._run(pending)
                pending, rows = [], 0
        if pending:
            yield from self._run(pending)

    def _run(self, batches: list[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        frame = pl.from_arrow(pa.Table.from_batches(batches))
        assert isinstance(frame, pl.DataFrame)
        yield from self.job.run(frame).to_arrow().cast(self.schema).to_batches()


_DATA_ERROR = re.compile(rf"{BatchDataError.__name__}: (.+)")


def _reraise(exc: Exception) -> None:
    """A job's data error travels back from a worker inside Spark's exception text: raise it as itself."""
    found = _DATA_ERROR.search(str(exc))
    if found:
        raise BatchDataError(found.group(1).strip()) from None
    raise exc


def run_spark(
    job: BatchJob,
    input_path: Path,
    output_path: Path,
    *,
    master: str = DEFAULT_MASTER,
    session: SparkSession | None = None,
    chunk_rows: int = CHUNK_ROWS,
    phase: Phase | None = None,
) -> RunSummary:
    """Check the input against the job, then run it on Spark into a directory of Parquet part files.

    Pass `session` to reuse one SparkSession for several runs (it is then left running); without
    it a session on `master` is started and stopped here.
    """
    say = phase or (lambda _text: None)
    started = time.perf_counter()
    source = inspect_input(input_path)
    job.check_schema(source.schema)  # before Spark starts: the same check and message as the polars engine
    own = session is None
    if own:
        _require_pyspark()  # the missing piece named before any progress line
        say(f"starting Spark on {master}")
    spark = session or spark_session(master)
    try:
        frame = spark.read.schema(spark_schema(dict(source.schema))).parquet(*map(str, source.files))
        partitions = frame.rdd.getNumPartitions()
        say(f"running {job.name} on {source.rows:,} rows in {partitions} partitions")
        result = frame.mapInArrow(PartitionRunner(job, chunk_rows), spark_schema(dict(job.outputs)))
        try:
            result.write.mode("overwrite").parquet(str(output_path))
        except Exception as exc:  # Py4J and PySpark wrap worker errors in several types
            _reraise(exc)
        rows = output_rows(output_path)
        say(f"wrote {rows:,} rows to {output_path}")
    finally:
        if own:
            spark.stop()
    return RunSummary(job.name, "spark", rows, partitions, time.perf_counter() - started, output_path)


def spark_version() -> str | None:
    """The installed PySpark version, or None when the extra is not installed."""
    if importlib.util.find_spec("pyspark") is None:
        return None
    from pyspark import __version__

    return str(__version__)
