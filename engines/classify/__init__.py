"""Classification engine: SME size class (划型) and digital-economy class, one at a time or in batch."""

from engines.classify.digital_economy import DEClassification, DEMatch, digital_economy_class
from engines.classify.size import SizeResult, size_class

__all__ = ["DEClassification", "DEMatch", "SizeResult", "digital_economy_class", "size_class"]
