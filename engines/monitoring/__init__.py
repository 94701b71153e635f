"""Monitoring engine: indicator definitions as data, platform indicators over a snapshot, target progress."""
