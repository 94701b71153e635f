"""The append-only audit trail every change writes in its own transaction, and the log's pages and CSV."""
