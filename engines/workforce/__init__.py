"""Shared workforce (共享用工): a skills taxonomy, and candidates ranked for a demand, one at a time or in batch."""

from engines.workforce.rank import (
    WEIGHTS,
    Candidate,
    Demand,
    Match,
    distance_tier,
    rank,
    rank_batch,
    rank_one,
)
from engines.workforce.skills import Skill, skill_ids, skill_of, skills

__all__ = [
    "WEIGHTS",
    "Candidate",
    "Demand",
    "Match",
    "Skill",
    "distance_tier",
    "rank",
    "rank_batch",
    "rank_one",
    "skill_ids",
    "skill_of",
    "skills",
]
