"""Shared manufacturing (共享制造): capacity registry, orders split by operation, plans across factories."""
