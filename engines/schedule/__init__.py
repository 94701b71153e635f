"""Scheduling engine: flexible job shops across factories, solved with CP-SAT or greedily, and checked."""
