"""Funeng (赋能): the Django platform around the pure `engines` package."""

__version__ = "0.1.0"
