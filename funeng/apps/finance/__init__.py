"""Cloud-usage credit (云量贷) evidence: cloud bills and digital investment, each with its provenance."""
