"""Pure engines: classification, scoring, rules. Nothing here may import Django."""

ENGINE_VERSION = "2026.11.1"
