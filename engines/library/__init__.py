"""Policy library engine: ingest policy texts, split them into clauses, extract measures and targets, search."""

from engines.library.extract import extract_measures, extract_targets
from engines.library.ingest import ingest
from engines.library.structure import split_clauses

__all__ = ["extract_measures", "extract_targets", "ingest", "split_clauses"]
