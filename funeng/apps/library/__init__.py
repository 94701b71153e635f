"""政策库: policy documents with versions, clauses, measures and targets, search, and the rule links to clauses."""
