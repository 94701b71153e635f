"""Batch jobs over whole snapshots: one definition per job, run by Polars on one machine or by Spark on a cluster.

Importing this package registers the built-in jobs (engines.batch.jobs); a new kind of job calls
`register_job_kind` from its own module and is imported here.
"""

from engines.batch import jobs as _built_in  # noqa: F401  (registers classify, assessment, policy)
from engines.batch.job import KEY, BatchDataError, BatchInputError, BatchJob, Column
from engines.batch.registry import (
    JobKind,
    JobOptions,
    UnknownJobError,
    get_job,
    job_kinds,
    job_names,
    register_job_kind,
)

__all__ = [
    "KEY",
    "BatchDataError",
    "BatchInputError",
    "BatchJob",
    "Column",
    "JobKind",
    "JobOptions",
    "UnknownJobError",
    "get_job",
    "job_kinds",
    "job_names",
    "register_job_kind",
]
