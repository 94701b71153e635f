"""Credit engine (云量贷): collateral value of the digital footprint and explained scorecards; no Django."""
