"""Lending (云量贷): loan products, applications scored with an explained scorecard, loans, repayments, interest subsidies."""
