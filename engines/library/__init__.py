"""Policy library engine: ingest policy texts, split them into clauses, extract measures and targets, search."""
